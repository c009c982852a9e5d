package runtime

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime/internal/eventfd"

	"golang.org/x/sys/unix"
)

// Handle is a flux_t: a reference-counted connection to a Flux broker (or
// to itself, or to a peer thread), possibly a clone sharing its root's
// connection. See the package documentation for the concurrency rules.
type Handle struct {
	core   *core   // shared with every clone of the same root
	parent *Handle // nil for a root handle

	mu        sync.Mutex // guards the fields below
	flags     int
	refs      int
	aux       auxList
	destroyed bool
}

// core is the state a root handle shares with its clones.
type core struct {
	root *Handle
	conn connector

	sendMu sync.Mutex   // serializes connector sends
	recvMu sync.Mutex   // serializes connector receives
	connMu sync.RWMutex // RLock for connector use; Lock to swap or close it

	// closeFD is raised once, when destruction starts, and never drained;
	// kickFD is raised by Reconnect to make blocked I/O let go of connMu.
	// bufFD is raised while the connector holds complete messages it has
	// read from its descriptor but not yet returned (see syncBuffered):
	// the descriptor is then quiet although a message is ready, so every
	// wait (pump, reactor pollfd) watches bufFD too.
	closeFD int
	kickFD  int
	bufFD   int
	// bufRaised is whether bufFD may be non-zero; guarded by recvMu.
	bufRaised bool

	// Guarded by connMu (write side).
	connClosed bool
	// connEpoch counts successful reconnects; it changes under connMu's
	// write lock, so a send made under the read lock knows which
	// connection it used.
	connEpoch atomic.Uint64

	mu         sync.Mutex // guards the fields below
	destroying bool
	queue      *msgDeque // nil with FLUX_O_NOREQUEUE
	tags       *tagPool
	counters   Msgcounters
	tracker    *rpcTracker // nil without FLUX_O_RPCTRACK
	commsFn    func(root *Handle, err error) error
	commsBusy  bool
	auto       *autoState               // set by AutoReconnect
	diagOut    atomic.Pointer[diagSink] // trace and matchdebug output; nil: standard error
	epfd       int
	traceStart time.Time
	traced     bool

	rpc rpcState // RPC futures, dispatcher, restorable state (rpc.go)

	// Message dispatchers of the root and its clones (msghandler.go).
	dispMu sync.Mutex
	disps  []*dispatch
}

// newRootHandle wraps a connector in a new root handle with flags (already
// validated). The handle owns conn from here on.
func newRootHandle(conn connector, flags int) (*Handle, error) {
	closeFD, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		conn.Close()
		return nil, errnoErr(err)
	}
	kickFD, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		_ = unix.Close(closeFD)
		conn.Close()
		return nil, errnoErr(err)
	}
	bufFD, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		_ = unix.Close(closeFD)
		_ = unix.Close(kickFD)
		conn.Close()
		return nil, errnoErr(err)
	}
	c := &core{
		conn:    conn,
		closeFD: closeFD,
		kickFD:  kickFD,
		bufFD:   bufFD,
		tags:    newTagPool(),
		epfd:    -1,
	}
	if flags&ONoRequeue == 0 {
		c.queue = newMsgDeque()
	}
	if flags&ORPCTrack != 0 {
		c.tracker = newRPCTracker()
	}
	c.initRPCState()
	h := &Handle{core: c, flags: flags, refs: 1}
	c.root = h
	if a, ok := conn.(attacher); ok {
		a.attach(h)
	}
	return h, nil
}

// Incref adds a reference to h and returns h. A nil h yields nil.
func (h *Handle) Incref() *Handle {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	if !h.destroyed {
		h.refs++
	}
	h.mu.Unlock()
	return h
}

// Close drops one reference (flux_close / flux_decref). When the last one
// goes the handle is destroyed: its aux destructors run on the calling
// goroutine, front to back; then a clone releases its parent, while a root
// wakes any blocked Send/Recv, closes the pollfd and the connector, and
// drops queued messages. A nil h is ignored.
func (h *Handle) Close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	if h.destroyed || h.refs <= 0 {
		h.mu.Unlock()
		return
	}
	h.refs--
	if h.refs > 0 {
		h.mu.Unlock()
		return
	}
	h.destroyed = true
	h.mu.Unlock()
	if h.parent != nil {
		h.destroyAux()
		h.parent.Close()
		return
	}
	h.core.destroy()
}

// destroy tears down a root handle's shared state.
func (c *core) destroy() {
	c.mu.Lock()
	c.destroying = true
	c.tracker = nil // forgets the tracked requests
	c.mu.Unlock()

	// Wake blocked I/O: closeFD stays readable from now on.
	raiseEventfd(c.closeFD)
	c.rpcShutdown()

	c.root.destroyAux()

	c.connMu.Lock()
	c.connClosed = true
	c.mu.Lock()
	epfd := c.epfd
	c.epfd = -1
	c.mu.Unlock()
	if epfd >= 0 {
		_ = unix.Close(epfd)
	}
	c.conn.Close()
	_ = unix.Close(c.closeFD)
	_ = unix.Close(c.kickFD)
	_ = unix.Close(c.bufFD)
	c.connMu.Unlock()

	c.mu.Lock()
	tags := c.tags
	c.tags = nil
	q := c.queue
	c.mu.Unlock()
	if c.root.FlagsGet()&OMatchdebug != 0 {
		if s := tagPoolDestroyText(tags); s != "" {
			c.diagf("%s", s)
		}
	}
	if q != nil {
		q.Close()
	}
	c.rpcCloseFDs()
}

// isDestroying reports whether destruction of the root has started.
func (c *core) isDestroying() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.destroying
}

// raiseEventfd makes an eventfd readable.
func raiseEventfd(fd int) { eventfd.Raise(fd) }

// drainEventfd resets an eventfd counter to zero.
func drainEventfd(fd int) { eventfd.Drain(fd) }

// Clone returns a new handle sharing h's root (connection, queue,
// matchtags, counters, comms-error callback) with a snapshot of h's flags
// plus OClone and an empty aux container. The clone holds a reference on h.
func (h *Handle) Clone() (*Handle, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	h.mu.Lock()
	if h.destroyed {
		h.mu.Unlock()
		return nil, ErrnoError(syscall.EINVAL)
	}
	h.refs++
	flags := h.flags | OClone
	h.mu.Unlock()
	return &Handle{core: h.core, parent: h, flags: flags, refs: 1}, nil
}

// FlagsSet ORs into h's own flags the bits of flags that flux_flags_set
// accepts (FlagsSetAccepted); other bits are silently dropped.
func (h *Handle) FlagsSet(flags int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.flags |= flags & FlagsSetAccepted
	h.mu.Unlock()
}

// FlagsUnset clears the given bits of h's own flags, without filtering.
func (h *Handle) FlagsUnset(flags int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.flags &^= flags
	h.mu.Unlock()
}

// FlagsGet returns h's own flags.
func (h *Handle) FlagsGet() int {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.flags
}

// IsClone reports whether h was made by Clone.
func (h *Handle) IsClone() bool {
	return h != nil && h.parent != nil
}

// Msgcounters are the root's message counters, in the member order of
// flux_msgcounters_t.
type Msgcounters struct {
	RequestTx  int
	RequestRx  int
	ResponseTx int
	ResponseRx int
	EventTx    int
	EventRx    int
	ControlTx  int
	ControlRx  int
}

// Msgcounters returns a copy of the root's message counters.
func (h *Handle) Msgcounters() Msgcounters {
	if h == nil {
		return Msgcounters{}
	}
	c := h.core
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counters
}

// ClearMsgcounters zeroes the root's message counters.
func (h *Handle) ClearMsgcounters() {
	if h == nil {
		return
	}
	c := h.core
	c.mu.Lock()
	c.counters = Msgcounters{}
	c.mu.Unlock()
}

// CommsErrorSet installs fn as the root's comms-error callback (nil removes
// it). fn is called with the root handle and the error when the connector
// fails a send or receive, or reports FLUX_POLLERR; returning nil means
// "fixed, retry", anything else fails the operation with that error.
func (h *Handle) CommsErrorSet(fn func(root *Handle, err error) error) {
	if h == nil {
		return
	}
	c := h.core
	c.mu.Lock()
	c.commsFn = fn
	c.mu.Unlock()
}

// commsError consults the comms-error callback for err. It returns nil when
// the callback asked for a retry, else the error to report. A nested comms
// error while the callback runs fails without calling it again.
func (c *core) commsError(err error) error {
	c.mu.Lock()
	fn := c.commsFn
	if fn == nil || c.commsBusy || c.destroying {
		c.mu.Unlock()
		return err
	}
	c.commsBusy = true
	c.mu.Unlock()
	rc := fn(c.root, err)
	c.mu.Lock()
	c.commsBusy = false
	c.mu.Unlock()
	if rc == nil {
		return nil
	}
	var e syscall.Errno
	if !errors.As(rc, &e) {
		// A callback error without an errno keeps the original errno.
		return Errorf(ErrnoOf(err), "%s", rc.Error())
	}
	return rc
}
