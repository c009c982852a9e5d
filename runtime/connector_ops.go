package runtime

import (
	"sync"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Ops is a connector written outside the runtime, as a table of
// operations (flux_handle_create's struct flux_handle_ops). Any field may
// be nil, meaning the operation is absent, with flux-core's outcome: Send
// and Recv fail with ENOSYS, SetOpt and GetOpt with EINVAL, Reconnect
// with ENOSYS; without PollFD the handle's pollfd watches only its
// requeue queue, and without PollEvents the connector reports nothing.
//
// The runtime calls Send and Recv serialized among themselves, on the
// goroutine of the handle call that needs them. Recv with ONonblock in
// flags must not block; it returns EWOULDBLOCK when nothing is ready.
// Destroy runs once, when the handle's last reference is dropped.
type Ops struct {
	Send       func(m *msg.Message, flags int) error
	Recv       func(flags int) (*msg.Message, error)
	PollFD     func() (int, error)
	PollEvents func() (int, error)
	SetOpt     func(name string, val []byte) error
	GetOpt     func(name string, size int) ([]byte, error)
	Reconnect  func() error
	Destroy    func()
}

// opsFlagsAccepted are the flags a handle made from Ops may have.
const opsFlagsAccepted = OpenFlagsAccepted

// NewHandle makes a root handle whose connection is ops
// (flux_handle_create). The handle behaves as one from Open: sends,
// receives, RPCs, message handlers, reactors and clones all work on it.
// ops.Destroy is called if NewHandle fails.
func NewHandle(ops *Ops, flags int) (*Handle, error) {
	if ops == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	if flags&^opsFlagsAccepted != 0 {
		if ops.Destroy != nil {
			ops.Destroy()
		}
		return nil, Errorf(syscall.EINVAL, "invalid flags specified")
	}
	return newRootHandle(&opsConn{ops: ops}, flags)
}

// opsConn adapts an Ops table to the connector interface.
type opsConn struct {
	ops *Ops
}

func (o *opsConn) Send(m *msg.Message, flags int, w waiter) error {
	if o.ops.Send == nil {
		return ErrnoError(syscall.ENOSYS)
	}
	return o.ops.Send(m, flags)
}

func (o *opsConn) Recv(flags int, w waiter) (*msg.Message, error) {
	if o.ops.Recv == nil {
		return nil, ErrnoError(syscall.ENOSYS)
	}
	return o.ops.Recv(flags)
}

func (o *opsConn) PollFD() (int, error) {
	if o.ops.PollFD == nil {
		return -1, nil
	}
	return o.ops.PollFD()
}

// PollEvents reports PollErr when the operation fails, which the handle
// turns into a comms error.
func (o *opsConn) PollEvents() int {
	if o.ops.PollEvents == nil {
		return 0
	}
	ev, err := o.ops.PollEvents()
	if err != nil {
		return PollErr
	}
	return ev
}

func (o *opsConn) Close() {
	if o.ops.Destroy != nil {
		o.ops.Destroy()
	}
}

func (o *opsConn) Reconnect() error {
	if o.ops.Reconnect == nil {
		return ErrnoError(syscall.ENOSYS)
	}
	return o.ops.Reconnect()
}

func (o *opsConn) SetOpt(name string, val []byte) error {
	if o.ops.SetOpt == nil {
		return ErrnoError(syscall.EINVAL)
	}
	return o.ops.SetOpt(name, val)
}

func (o *opsConn) GetOpt(name string, size int) ([]byte, error) {
	if o.ops.GetOpt == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return o.ops.GetOpt(name, size)
}

// ConnectorLoader opens a URI whose scheme has no builtin connector:
// path is the part after "://" (trailing blanks and tabs removed), nil
// when the URI has no "://". It fails with ENOENT and "Unable to find
// connector name 'SCHEME'" when it has no connector for scheme.
type ConnectorLoader func(scheme string, path *string, flags int) (*Handle, error)

var (
	loaderMu sync.Mutex
	loader   ConnectorLoader
)

// SetConnectorLoader installs fn as the way Open finds connectors that
// are not builtin (the C library searches FLUX_CONNECTOR_PATH for
// connector DSOs); nil removes it.
func SetConnectorLoader(fn ConnectorLoader) {
	loaderMu.Lock()
	loader = fn
	loaderMu.Unlock()
}

func loadedConnector() ConnectorLoader {
	loaderMu.Lock()
	defer loaderMu.Unlock()
	return loader
}
