package runtime

import (
	"context"
	"syscall"

	"golang.org/x/sys/unix"

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

// pumpWait blocks until the connector or the requeue queue may have a
// message, or the handle is being destroyed, reconnected or woken through
// wake. It never receives anything itself.
func (c *core) pumpWait(wake int) error {
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return destroyedErr()
	}
	fds := []unix.PollFd{
		{Fd: int32(c.closeFD), Events: unix.POLLIN},
		{Fd: int32(c.kickFD), Events: unix.POLLIN},
		{Fd: int32(wake), Events: unix.POLLIN},
	}
	if fd, err := c.conn.pollFD(); err == nil && fd >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	if c.queue != nil {
		if fd, err := c.queue.fd(); err == nil {
			fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
	}
	for {
		_, err := unix.Poll(fds, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return errnoErr(err)
		}
		return nil
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
	if ctx != nil {
		stop := context.AfterFunc(ctx, func() { c.kickPump() })
		defer stop()
	}
	for {
		c.drainPumpWake()
		if done() || (ctx != nil && ctx.Err() != nil) {
			return nil
		}
		m, err := c.root.Recv(Match{}, ONonblock)
		if err == nil {
			route(m)
			continue
		}
		if !isWouldBlock(err) {
			return err
		}
		if _, loop := c.conn.(*loopConn); loop && once {
			return err
		}
		if err := c.pumpWait(wake); err != nil {
			return err
		}
		if c.isDestroying() {
			return destroyedErr()
		}
	}
}

// driveFuture makes progress towards f being ready (its ready channel is
// ready) and returns when f may have changed, ctx is done, or receiving
// failed. When another goroutine is already receiving for the root (a
// Dispatcher, or another waiter) it just waits for f; otherwise it becomes
// the receiver, routing responses to their futures and setting every other
// message aside, to be put back at the head of the requeue queue in their
// original order when it stops.
func (c *core) driveFuture(ctx context.Context, f *Future, ready chan struct{}) error {
	r := &c.rpc
	select {
	case r.pumpToken <- struct{}{}:
	case <-ready:
		return nil
	case <-ctx.Done():
		return nil
	}
	defer func() { <-r.pumpToken }()
	var aside []*msg.Message
	defer func() {
		if c.queue == nil {
			return
		}
		for i := len(aside) - 1; i >= 0; i-- {
			_ = c.queue.pushFront(aside[i])
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
