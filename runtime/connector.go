package runtime

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// connector is the transport behind a root handle (flux_handle_ops). Calls
// to send are serialized with each other, and so are calls to recv; both
// run with the handle's connMu read-locked, and close/reconnect with it
// write-locked.
type connector interface {
	// send transmits m (which it must not modify). Blocking waits go
	// through w so that they can be interrupted.
	send(m *msg.Message, flags int, w waiter) error
	// recv returns the next message; with ONonblock, or for connectors
	// that never block, EWOULDBLOCK when there is none.
	recv(flags int, w waiter) (*msg.Message, error)
	// pollFD returns the descriptor to add to the handle's epoll set.
	pollFD() (int, error)
	// pollEvents returns the current PollIn/PollOut/PollErr bits.
	pollEvents() int
	// close releases the connector's resources.
	close()
}

// reconnector is implemented by connectors that support Reconnect.
type reconnector interface {
	reconnect() error
}

// optSetter is implemented by connectors that have flux_opt_set options.
type optSetter interface {
	setOpt(name string, val []byte) error
}

// optGetter is implemented by connectors that have flux_opt_get options.
type optGetter interface {
	getOpt(name string, size int) ([]byte, error)
}

// attacher is implemented by connectors that need their root handle
// (to seed its attribute cache, or to count and trace messages they make).
type attacher interface {
	attach(h *Handle)
}

// connectorInit opens a connector for the part of the URI after "://";
// hasPath is false when there was no "://" or the path was empty after
// trimming.
type connectorInit func(path string, hasPath bool, flags int) (connector, error)

// builtinConnector returns the builtin connector for a scheme (exact match).
func builtinConnector(scheme string) connectorInit {
	switch scheme {
	case "loop":
		return openLoop
	case "interthread":
		return openInterthread
	case "local":
		return openLocal
	case "fd":
		return openFD
	case "ssh":
		return openSSH
	}
	return nil
}

// Internal outcomes of an interrupted wait.
var (
	// errHandleClosed: the handle is being destroyed.
	errHandleClosed = errors.New("handle is being destroyed")
	// errRetry: look again (Reconnect in progress, or a message was
	// requeued while a receive was blocked).
	errRetry = errors.New("retry")
)

// waiter lets a connector block on its descriptor while staying wakeable
// by handle destruction, Reconnect and (for receives) Requeue.
type waiter struct {
	closeFD int
	kickFD  int
	wakeFD  int // -1 when none
}

// wait blocks until fd reports one of events (returning its revents) or
// the wait is interrupted (errHandleClosed, errRetry).
func (w waiter) wait(fd int, events int16) (int16, error) {
	fds := []unix.PollFd{
		{Fd: int32(fd), Events: events},
		{Fd: int32(w.closeFD), Events: unix.POLLIN},
		{Fd: int32(w.kickFD), Events: unix.POLLIN},
	}
	if w.wakeFD >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(w.wakeFD), Events: unix.POLLIN})
	}
	for {
		for i := range fds {
			fds[i].Revents = 0
		}
		_, err := unix.Poll(fds, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, errnoErr(err)
		}
		if fds[1].Revents != 0 {
			return 0, errHandleClosed
		}
		if fds[2].Revents != 0 {
			return 0, errRetry
		}
		if len(fds) > 3 && fds[3].Revents != 0 {
			return 0, errRetry
		}
		if fds[0].Revents != 0 {
			return fds[0].Revents, nil
		}
	}
}

// waiter returns the waiter for a send (withQueue false) or a receive.
func (c *core) waiter(withQueue bool) waiter {
	w := waiter{closeFD: c.closeFD, kickFD: c.kickFD, wakeFD: -1}
	if withQueue && c.queue != nil {
		if fd, err := c.queue.fd(); err == nil {
			w.wakeFD = fd
		}
	}
	return w
}
