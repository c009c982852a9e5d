package runtime

import "github.com/fluxgo/fluxgo/runtime/internal/transport"

// The connectors other than loop:// are package runtime/internal/transport;
// the core uses its interfaces under these names.
type (
	connector        = transport.Connector
	reconnector      = transport.Reconnector
	optSetter        = transport.OptSetter
	optGetter        = transport.OptGetter
	bufferedReporter = transport.BufferedReporter
	waiter           = transport.Waiter
	newSender        = transport.NewSender
)

// attacher is implemented by connectors that need their root handle
// (to seed its attribute cache, or to count and trace messages they make).
type attacher interface {
	attach(h *Handle)
}

// connectorInit opens a connector for the part of the URI after "://";
// hasPath is false when there was no "://" or the path was empty after
// trimming.
type connectorInit = transport.Init

// builtinConnector returns the builtin connector for a scheme (exact
// match): loop:// here, the others from package transport.
func builtinConnector(scheme string) connectorInit {
	if scheme == "loop" {
		return openLoop
	}
	return transport.Builtin(scheme)
}

// Internal outcomes of an interrupted wait.
var (
	// errHandleClosed: the handle is being destroyed.
	errHandleClosed = transport.ErrHandleClosed
	// errRetry: look again (Reconnect in progress, or a message was
	// requeued while a receive was blocked).
	errRetry = transport.ErrRetry
)

// waiter returns the waiter for a send (withQueue false) or a receive.
func (c *core) waiter(withQueue bool) waiter {
	w := waiter{CloseFD: c.closeFD, KickFD: c.kickFD, WakeFD: -1}
	if withQueue && c.queue != nil {
		if fd, err := c.queue.FD(); err == nil {
			w.WakeFD = fd
		}
	}
	return w
}

// msgDeque is the message deque of the requeue queue and the loop
// connector (see transport.Deque).
type msgDeque = transport.Deque

func newMsgDeque() *msgDeque { return transport.NewDeque() }
