package runtime

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// connEpollEvents returns the epoll events for the connector's fd: from
// its flux::pollfd_events option when it has one, else EPOLLIN|EPOLLOUT;
// always edge-triggered.
func (c *core) connEpollEvents() uint32 {
	ev := uint32(unix.EPOLLET)
	if g, ok := c.conn.(optGetter); ok {
		if b, err := g.GetOpt(OptPollfdEvents, 4); err == nil {
			pe := int16(binary.NativeEndian.Uint32(b))
			if pe&unix.POLLIN != 0 {
				ev |= unix.EPOLLIN
			}
			if pe&unix.POLLOUT != 0 {
				ev |= unix.EPOLLOUT
			}
			return ev
		}
	}
	return ev | unix.EPOLLIN | unix.EPOLLOUT
}

// PollFD returns the root's edge-triggered epoll descriptor (created on
// first use) that becomes readable when the requeue queue or the connector
// may have something to report; call PollEvents after it wakes. The same
// fd is returned every time; never read, write or close it.
func (h *Handle) PollFD() (int, error) {
	if h == nil {
		return -1, ErrnoError(unix.EINVAL)
	}
	c := h.core
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return -1, destroyedErr()
	}
	return c.pollFDLocked()
}

// pollFDLocked creates the epoll set if needed. Call with connMu held.
func (c *core) pollFDLocked() (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epfd >= 0 {
		return c.epfd, nil
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return -1, errnoErr(err)
	}
	fail := func(err error) (int, error) {
		_ = unix.Close(epfd)
		return -1, errnoErr(err)
	}
	if c.queue != nil {
		qfd, err := c.queue.FD()
		if err != nil {
			return fail(err)
		}
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(qfd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, qfd, &ev); err != nil {
			return fail(err)
		}
	}
	// Level-triggered: the pollfd stays readable while a received
	// message waits in the connector's buffer.
	bev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(c.bufFD)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, c.bufFD, &bev); err != nil {
		return fail(err)
	}
	cfd, err := c.conn.PollFD()
	if err != nil {
		return fail(err)
	}
	if cfd >= 0 {
		ev := unix.EpollEvent{Events: c.connEpollEvents(), Fd: int32(cfd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, cfd, &ev); err != nil {
			return fail(err)
		}
	}
	if o, ok := c.conn.(pollOuter); ok {
		ofd, err := o.PollOutFD()
		if err != nil {
			return fail(err)
		}
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(ofd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, ofd, &ev); err != nil {
			return fail(err)
		}
	}
	c.epfd = epfd
	return epfd, nil
}

// pollOuter is a connector with a limited queue: PollOutFD is written
// each time sending stops being refused, so the pollfd wakes when
// PollEvents gains PollOut, as flux-core's does.
type pollOuter interface {
	PollOutFD() (int, error)
}

// PollEvents drains the pollfd's pending events and returns the current
// PollIn/PollOut/PollErr bits: the connector's events, plus PollIn while
// the requeue queue is non-empty. When the connector reports PollErr the
// comms-error callback is called with ECONNRESET; if it returns nil,
// PollErr is dropped from the result.
func (h *Handle) PollEvents() (int, error) {
	if h == nil {
		return -1, ErrnoError(unix.EINVAL)
	}
	c := h.core
	c.connMu.RLock()
	if c.connClosed {
		c.connMu.RUnlock()
		return -1, destroyedErr()
	}
	epfd, err := c.pollFDLocked()
	if err != nil {
		c.connMu.RUnlock()
		return -1, err
	}
	evs := make([]unix.EpollEvent, 8)
	for {
		n, err := unix.EpollWait(epfd, evs, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n < len(evs) {
			break
		}
	}
	events := c.conn.PollEvents()
	c.connMu.RUnlock()
	if events&PollErr != 0 {
		if c.commsError(ErrnoError(unix.ECONNRESET)) == nil {
			events &^= PollErr
		}
	}
	if c.queue != nil && c.queue.Count() > 0 {
		events |= PollIn
	}
	return events, nil
}
