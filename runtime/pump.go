package runtime

import (
	"context"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/schedtick"
	"github.com/fluxgo/fluxgo/runtime/internal/transport"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// pumpWake returns the root's pump wake eventfd, creating it on first use.
// Raising it makes a goroutine blocked in pumpWait look around again.
func (c *core) pumpWake() (int, error) {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return -1, destroyedErr()
	}
	if r.wakeFD < 0 {
		fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
		if err != nil {
			return -1, errnoErr(err)
		}
		r.wakeFD = fd
	}
	return r.wakeFD, nil
}

// kickPump wakes the goroutine receiving on behalf of the root, if any.
func (c *core) kickPump() {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wakeFD >= 0 {
		raiseEventfd(r.wakeFD)
	}
}

// drainPumpWake resets the wake eventfd (if it still exists).
func (c *core) drainPumpWake() {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wakeFD >= 0 {
		drainEventfd(r.wakeFD)
	}
}

// connIdle reports whether the connector has nothing received waiting to
// be assembled (socket connectors only), so that a receive cannot succeed
// before its descriptor is readable: the pump then polls first instead of
// paying for a read that fails with EAGAIN.
func (c *core) connIdle() bool {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return false
	}
	i, ok := c.conn.(transport.Idler)
	return ok && i.Idle()
}

// pumpWait blocks until the connector or the requeue queue may have a
// message, or the handle is being destroyed, reconnected or woken through
// wake. It never receives anything itself. It reports whether wake was
// raised; the caller then drains it.
func (c *core) pumpWait(wake int) (bool, error) {
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return false, destroyedErr()
	}
	fds := []unix.PollFd{
		{Fd: int32(c.closeFD), Events: unix.POLLIN},
		{Fd: int32(c.kickFD), Events: unix.POLLIN},
		{Fd: int32(wake), Events: unix.POLLIN},
		{Fd: int32(c.bufFD), Events: unix.POLLIN},
	}
	if fd, err := c.conn.PollFD(); err == nil && fd >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	if c.queue != nil {
		if fd, err := c.queue.FD(); err == nil {
			fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
	}
	schedtick.Keep()
	for {
		_, err := unix.Poll(fds, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return false, errnoErr(err)
		}
		return fds[2].Revents != 0, nil
	}
}

// pump receives messages on the root without blocking inside Recv and
// hands each to route, until done reports true. Between receives it waits
// in pumpWait, so a context (through wake) or destruction interrupts it.
// A receive error other than EWOULDBLOCK ends the pump with that error;
// with once set, so does EWOULDBLOCK on a connector that never blocks
// (loop://, where nothing but this handle can produce a message).
func (c *core) pump(ctx context.Context, once bool, done func() bool, route func(*msg.Message)) error {
	wake, err := c.pumpWake()
	if err != nil {
		return err
	}
	if ctx.Done() != nil {
		// (A context that can never be done needs no wake-up: AfterFunc
		// would still allocate.)
		stop := context.AfterFunc(ctx, func() { c.kickPump() })
		defer stop()
	}
	// The wake eventfd is drained only after a poll saw it raised; a
	// raise at any other time (even before this call) makes the next poll
	// return at once. While
	// the socket has nothing buffered the pump polls before reading, so a
	// message costs one poll and one read (no read failing with EAGAIN).
	pollFirst := c.connIdle()
	for {
		if done() || ctx.Err() != nil {
			return nil
		}
		if !pollFirst {
			m, err := c.root.Recv(Match{}, ONonblock)
			if err == nil {
				route(m)
				pollFirst = c.connIdle()
				continue
			}
			if !isWouldBlock(err) {
				return err
			}
			if _, loop := c.conn.(*loopConn); loop && once {
				return err
			}
		}
		pollFirst = false
		woke, err := c.pumpWait(wake)
		if err != nil {
			return err
		}
		if woke {
			c.drainPumpWake()
		}
		if c.isDestroying() {
			return destroyedErr()
		}
	}
}

// driveFuture makes progress towards f being ready (its ready channel is
// ready) and returns when f may have changed, ctx is done, or receiving
// failed. When another goroutine is already receiving for the root (a
// RecvLoop, or another waiter) it just waits for f; otherwise it becomes
// the receiver, routing responses to their futures and setting every other
// message aside, to be put back at the head of the requeue queue in their
// original order when it stops.
func (c *core) driveFuture(ctx context.Context, f *Future, ready chan struct{}) error {
	r := &c.rpc
	if d := c.recvLoop(); d != nil {
		// The RecvLoop receives for the root, even before its loop has
		// taken pumpToken: competing with it then would set aside (or, on
		// loop://, fail over) messages that are the RecvLoop's.
		select {
		case <-ready:
		case <-ctx.Done():
		case <-d.Done():
		}
		return nil
	}
	select {
	case r.pumpToken <- struct{}{}:
	case <-ready:
		return nil
	case <-ctx.Done():
		return nil
	}
	r.mu.Lock()
	r.waiterPumping = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.waiterPumping = false
		r.mu.Unlock()
		<-r.pumpToken
	}()
	var aside []*msg.Message
	defer func() {
		if c.queue == nil {
			return
		}
		for i := len(aside) - 1; i >= 0; i-- {
			_ = c.queue.PushFront(aside[i])
		}
	}()
	isDone := func() bool {
		select {
		case <-ready:
			return true
		default:
			return false
		}
	}
	err := c.pump(ctx, true, isDone, func(m *msg.Message) {
		if m.Type == msg.TypeResponse && c.routeResponse(m) {
			return
		}
		aside = append(aside, m)
	})
	if err != nil && !isDone() {
		return err
	}
	return nil
}
