package transport

import (
	"encoding/binary"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// itChannel is a named pair of queues shared by the two ends of an
// interthread:// connection.
type itChannel struct {
	name  string
	pair  [2]*Deque
	users int // 1 or 2
}

// The process-wide list of interthread channels.
var (
	itMu       sync.Mutex
	itChannels = map[string]*itChannel{}
)

// interthreadConn is one end of an interthread:// channel. Messages are
// handed over, not serialized. Send never blocks; recv blocks unless
// ONonblock.
type interthreadConn struct {
	ch       *itChannel
	sendQ    *Deque
	recvQ    *Deque
	userid   uint32
	rolemask uint32

	mu     sync.Mutex
	router string
	routed bool
	closed bool
}

// openInterthread opens interthread://NAME: the first opener of a name
// creates the channel (side A), the second pairs with it (side B), a third
// gets EADDRINUSE. A missing name is EINVAL.
func openInterthread(path string, hasPath bool, flags int) (Connector, error) {
	if !hasPath {
		return nil, errno.New(syscall.EINVAL)
	}
	itMu.Lock()
	defer itMu.Unlock()
	c := &interthreadConn{userid: uint32(os.Getuid()), rolemask: msg.RoleOwner | msg.RoleLocal}
	ch, ok := itChannels[path]
	switch {
	case !ok:
		ch = &itChannel{name: path, pair: [2]*Deque{NewDeque(), NewDeque()}, users: 1}
		itChannels[path] = ch
		c.sendQ, c.recvQ = ch.pair[0], ch.pair[1]
	case ch.users > 1:
		return nil, errno.Errorf(syscall.EADDRINUSE, "interthread channel %s is already paired", path)
	default:
		ch.users++
		c.sendQ, c.recvQ = ch.pair[1], ch.pair[0]
	}
	c.ch = ch
	return c, nil
}

// routerProcess applies the router-end route rules: responses lose their
// last route, requests and events get name pushed.
func routerProcess(m *msg.Message, name string) error {
	switch m.Type {
	case msg.TypeResponse:
		if _, err := m.PopRoute(); err != nil {
			return errno.New(syscall.EPROTO)
		}
	case msg.TypeRequest, msg.TypeEvent:
		m.EnableRoute()
		if err := m.PushRoute(name); err != nil {
			return errno.New(syscall.EPROTO)
		}
	}
	return nil
}

// Send hands the peer a copy of m.
func (c *interthreadConn) Send(m *msg.Message, flags int, w Waiter) error {
	return c.deliver(m.Copy(true))
}

// SendNew hands the peer m itself (flux_send_new: no copy is made).
func (c *interthreadConn) SendNew(m *msg.Message, flags int, w Waiter) error {
	return c.deliver(m)
}

// deliver stamps m with this end's credentials when it has none, applies
// the router rules, and queues m for the peer.
func (c *interthreadConn) deliver(m *msg.Message) error {
	if m.Userid == msg.UseridUnknown && m.Rolemask == msg.RoleNone {
		m.Userid, m.Rolemask = c.userid, c.rolemask
	}
	c.mu.Lock()
	router, routed := c.router, c.routed
	c.mu.Unlock()
	if routed {
		if err := routerProcess(m, router); err != nil {
			return err
		}
	}
	return c.sendQ.PushBack(m)
}

func (c *interthreadConn) Recv(flags int, w Waiter) (*msg.Message, error) {
	for {
		m := c.recvQ.PopFront()
		if m != nil {
			c.mu.Lock()
			routed := c.routed
			c.mu.Unlock()
			if routed {
				if err := routerProcess(m, c.ch.name); err != nil {
					return nil, err
				}
			}
			return m, nil
		}
		if flags&ONonblock != 0 {
			return nil, errno.New(syscall.EWOULDBLOCK)
		}
		fd, err := c.recvQ.FD()
		if err != nil {
			return nil, err
		}
		if _, err := w.Wait(fd, unix.POLLIN); err != nil {
			return nil, err
		}
	}
}

func (c *interthreadConn) PollFD() (int, error) { return c.recvQ.FD() }

func (c *interthreadConn) PollEvents() int { return c.recvQ.PollEvents() }

// Close leaves the channel; the last user destroys it.
func (c *interthreadConn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	itMu.Lock()
	defer itMu.Unlock()
	c.ch.users--
	if c.ch.users == 0 {
		if itChannels[c.ch.name] == c.ch {
			delete(itChannels, c.ch.name)
		}
		c.ch.pair[0].Close()
		c.ch.pair[1].Close()
	}
}

func (c *interthreadConn) GetOpt(name string, size int) ([]byte, error) {
	switch name {
	case OptRecvQueueCount, OptSendQueueCount:
		if size != 8 {
			return nil, errno.New(syscall.EINVAL)
		}
		q := c.recvQ
		if name == OptSendQueueCount {
			q = c.sendQ
		}
		return binary.NativeEndian.AppendUint64(nil, uint64(q.Count())), nil
	case OptPollfdEvents:
		if size != 4 {
			return nil, errno.New(syscall.EINVAL)
		}
		return binary.NativeEndian.AppendUint32(nil, uint32(unix.POLLIN)), nil
	}
	return nil, errno.New(syscall.EINVAL)
}

func (c *interthreadConn) SetOpt(name string, val []byte) error {
	if name != OptRouterName {
		return errno.New(syscall.EINVAL)
	}
	// strndup semantics: the name stops at the first NUL.
	n := 0
	for n < len(val) && val[n] != 0 {
		n++
	}
	c.mu.Lock()
	c.router = string(val[:n])
	c.routed = true
	c.mu.Unlock()
	return nil
}
