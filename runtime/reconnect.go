package runtime

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Reconnect replaces the root's connection with a new one (flux_reconnect).
// Only local:// and ssh:// support it (ENOSYS otherwise). Blocked sends and receives
// on other goroutines continue on the new connection. On success, with
// FLUX_O_RPCTRACK, every request still awaiting a response gets a
// synthesized ECONNRESET response ("RPC aborted due to broker reconnect",
// userid 0, rolemask OWNER) appended to the requeue queue. Unlike
// flux-core, a handle whose pollfd was never created reconnects without an
// EBADF error.
func (h *Handle) Reconnect() error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	c := h.core
	r, ok := c.conn.(reconnector)
	if !ok {
		return ErrnoError(syscall.ENOSYS)
	}
	if c.isDestroying() {
		return destroyedErr()
	}
	c.connMu.RLock()
	closed := c.connClosed
	if !closed {
		raiseEventfd(c.kickFD)
	}
	c.connMu.RUnlock()
	if closed {
		return destroyedErr()
	}
	c.connMu.Lock()
	if c.connClosed {
		c.connMu.Unlock()
		return destroyedErr()
	}
	drainEventfd(c.kickFD)
	c.mu.Lock()
	epfd := c.epfd
	c.mu.Unlock()
	if epfd >= 0 {
		if fd, err := c.conn.PollFD(); err == nil && fd >= 0 {
			_ = unix.EpollCtl(epfd, unix.EPOLL_CTL_DEL, fd, nil)
		}
	}
	c.traceText("trying to reconnect")
	if err := r.Reconnect(); err != nil {
		c.connMu.Unlock()
		c.traceText("reconnect failed")
		return err
	}
	c.connEpoch.Add(1)
	if epfd >= 0 {
		fd, err := c.conn.PollFD()
		if err == nil && fd >= 0 {
			ev := unix.EpollEvent{Events: c.connEpollEvents(), Fd: int32(fd)}
			err = unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev)
		}
		if err != nil {
			c.connMu.Unlock()
			return errnoErr(err)
		}
	}
	c.connMu.Unlock()
	c.traceText("reconnected")
	c.purgeTracked()
	if d := c.recvLoop(); d != nil {
		d.reconnected()
	}
	c.kickPump()
	return nil
}
