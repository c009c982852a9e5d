// Package transport is the client side of the runtime's connections: the
// socket connectors (local://, fd://, ssh://), the in-process
// interthread:// connector, the stream protocol's client (sockclient.go)
// and the message deque they and the handle core share. The handle core
// (package runtime) opens a Connector per root handle and drives it; it
// keeps only the loop:// connector, which needs the handle itself.
package transport

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/internal/schedtick"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Flags, event bits and option names the connectors use: the values of
// runtime's FLUX_O_NONBLOCK, FLUX_POLL* and flux_opt_set names (package runtime checks
// that they agree).
const (
	ONonblock = 4

	PollIn  = 1
	PollOut = 2
	PollErr = 4

	OptTestingUserid   = "flux::testing_userid"
	OptTestingRolemask = "flux::testing_rolemask"
	OptRouterName      = "flux::router_name"
	OptSendQueueCount  = "flux::send_queue_count"
	OptRecvQueueCount  = "flux::recv_queue_count"
	OptPollfdEvents    = "flux::pollfd_events"
)

// Connector is the transport behind a root handle (flux_handle_ops). Calls
// to Send are serialized with each other, and so are calls to Recv; the
// core runs both with its connection read-locked, and Close and Reconnect
// with it write-locked.
type Connector interface {
	// Send transmits m (which it must not modify). Blocking waits go
	// through w so that they can be interrupted.
	Send(m *msg.Message, flags int, w Waiter) error
	// Recv returns the next message; with ONonblock, or for connectors
	// that never block, EWOULDBLOCK when there is none.
	Recv(flags int, w Waiter) (*msg.Message, error)
	// PollFD returns the descriptor to add to the handle's epoll set.
	PollFD() (int, error)
	// PollEvents returns the current PollIn/PollOut/PollErr bits.
	PollEvents() int
	// Close releases the connector's resources.
	Close()
}

// NewSender is a connector that can take ownership of a message
// (flux_send_new): SendNew delivers m itself instead of a copy, and the
// caller must not touch m after it succeeds.
type NewSender interface {
	SendNew(m *msg.Message, flags int, w Waiter) error
}

// Reconnector is implemented by connectors that support Reconnect.
type Reconnector interface {
	Reconnect() error
}

// OptSetter is implemented by connectors that have flux_opt_set options.
type OptSetter interface {
	SetOpt(name string, val []byte) error
}

// OptGetter is implemented by connectors that have flux_opt_get options.
type OptGetter interface {
	GetOpt(name string, size int) ([]byte, error)
}

// BufferedReporter is a connector that can hold complete messages read
// from its descriptor but not yet returned.
type BufferedReporter interface {
	HasBuffered() bool
}

// Idler is a connector that can tell whether it has no partial input
// buffered.
type Idler interface {
	Idle() bool
}

// Init opens a connector for the part of the URI after "://"; hasPath is
// false when there was no "://" or the path was empty after trimming.
type Init func(path string, hasPath bool, flags int) (Connector, error)

// Builtin returns the connector of a scheme this package implements
// (interthread, local, fd, ssh), nil for others.
func Builtin(scheme string) Init {
	switch scheme {
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

// Outcomes of an interrupted wait.
var (
	// ErrHandleClosed: the handle is being destroyed.
	ErrHandleClosed = errors.New("handle is being destroyed")
	// ErrRetry: look again (Reconnect in progress, or a message was
	// requeued while a receive was blocked).
	ErrRetry = errors.New("retry")
)

// Waiter lets a connector block on its descriptor while staying wakeable
// by handle destruction (CloseFD), Reconnect (KickFD) and, for receives,
// Requeue (WakeFD, -1 when none).
type Waiter struct {
	CloseFD int
	KickFD  int
	WakeFD  int
}

// Wait blocks until fd reports one of events (returning its revents) or
// the wait is interrupted (ErrHandleClosed, ErrRetry).
func (w Waiter) Wait(fd int, events int16) (int16, error) {
	fds := []unix.PollFd{
		{Fd: int32(fd), Events: events},
		{Fd: int32(w.CloseFD), Events: unix.POLLIN},
		{Fd: int32(w.KickFD), Events: unix.POLLIN},
	}
	if w.WakeFD >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(w.WakeFD), Events: unix.POLLIN})
	}
	schedtick.Keep()
	for {
		for i := range fds {
			fds[i].Revents = 0
		}
		_, err := unix.Poll(fds, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, errno.FromUnix(err)
		}
		if fds[1].Revents != 0 {
			return 0, ErrHandleClosed
		}
		if fds[2].Revents != 0 {
			return 0, ErrRetry
		}
		if len(fds) > 3 && fds[3].Revents != 0 {
			return 0, ErrRetry
		}
		if fds[0].Revents != 0 {
			return fds[0].Revents, nil
		}
	}
}
