package runtime

import (
	"errors"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// countTx adds m to the tx counters.
func (c *core) countTx(m *msg.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case msg.TypeRequest:
		c.counters.RequestTx++
	case msg.TypeResponse:
		c.counters.ResponseTx++
	case msg.TypeEvent:
		c.counters.EventTx++
	case msg.TypeControl:
		c.counters.ControlTx++
	}
}

// countRx adds m to the rx counters.
func (c *core) countRx(m *msg.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case msg.TypeRequest:
		c.counters.RequestRx++
	case msg.TypeResponse:
		c.counters.ResponseRx++
	case msg.TypeEvent:
		c.counters.EventRx++
	case msg.TypeControl:
		c.counters.ControlRx++
	}
}

// isWouldBlock reports whether err is EAGAIN (== EWOULDBLOCK).
func isWouldBlock(err error) bool {
	return errors.Is(err, syscall.EAGAIN)
}

// destroyedErr is what I/O on a destroyed (or being destroyed) handle
// returns.
func destroyedErr() error {
	return ErrnoError(syscall.ENOSYS)
}

// connSend runs one connector send under the send and connection locks.
// It returns the epoch (see core.connEpoch) of the connection used.
// With own set, a connector that can take m itself (newSender) is given
// it, and handedOver reports that it was.
func (c *core) connSend(m *msg.Message, flags int, own bool) (epoch uint64, handedOver bool, err error) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	for {
		c.connMu.RLock()
		if c.connClosed {
			c.connMu.RUnlock()
			return 0, false, destroyedErr()
		}
		epoch = c.connEpoch.Load()
		if ns, ok := c.conn.(newSender); own && ok {
			err = ns.SendNew(m, flags, c.waiter(false))
			handedOver = err == nil
		} else {
			err = c.conn.Send(m, flags, c.waiter(false))
		}
		c.connMu.RUnlock()
		switch err {
		case errRetry:
			continue
		case errHandleClosed:
			return 0, false, destroyedErr()
		}
		return epoch, handedOver, err
	}
}

// connRecv runs one connector receive under the receive and connection
// locks. errRetry is passed up so the caller looks at the requeue queue
// again.
func (c *core) connRecv(flags int) (*msg.Message, error) {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return nil, destroyedErr()
	}
	m, err := c.conn.Recv(flags, c.waiter(true))
	c.syncBuffered()
	if err == errHandleClosed {
		return nil, destroyedErr()
	}
	return m, err
}

// messageBuffered reports whether a receive would return a message the
// connector has already read, with no I/O, while the requeue queue is
// empty.
func (c *core) messageBuffered() bool {
	if c.queue != nil && c.queue.Count() > 0 {
		return false
	}
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return false
	}
	br, ok := c.conn.(bufferedReporter)
	return ok && br.HasBuffered()
}

// syncBuffered raises bufFD while the connector holds a complete message
// and drains it otherwise, so that a thread waiting on the descriptor
// wakes for a message another thread's receive left in the buffer. Call
// with recvMu and connMu (read) held, after each receive.
func (c *core) syncBuffered() {
	br, ok := c.conn.(bufferedReporter)
	if !ok {
		return
	}
	// bufFD only has to be non-zero or zero: raising it again, or
	// draining a counter already at zero (a read failing with EAGAIN),
	// would be a system call per receive for nothing.
	if br.HasBuffered() {
		if !c.bufRaised {
			raiseEventfd(c.bufFD)
			c.bufRaised = true
		}
	} else if c.bufRaised {
		drainEventfd(c.bufFD)
		c.bufRaised = false
	}
}

// Send sends m on the root's connection (flux_send). flags may only
// contain ONonblock (else EINVAL); the root's flags are added. The tx
// counter is bumped and the message traced before the connector sees it.
// A connector failure is offered to the comms-error callback, which may ask
// for a retry. During destruction Send fails with ENOSYS. m is not
// modified and may be reused by the caller.
func (h *Handle) Send(m *msg.Message, flags int) error {
	_, _, err := h.send(m, flags, false)
	return err
}

// sendEpoch is Send that also returns the epoch of the connection the
// message was written to.
func (h *Handle) sendEpoch(m *msg.Message, flags int) (uint64, error) {
	epoch, _, err := h.send(m, flags, false)
	return epoch, err
}

// send is Send, and with own set SendNew: see connSend. A message handed
// over may already be in the receiver's hands when the connector returns,
// so it is tracked before the send rather than after.
func (h *Handle) send(m *msg.Message, flags int, own bool) (epoch uint64, handedOver bool, err error) {
	if h == nil || m == nil || flags&^ONonblock != 0 {
		return 0, false, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	if c.isDestroying() {
		return 0, false, destroyedErr()
	}
	flags |= c.root.FlagsGet()
	c.countTx(m)
	c.traceMsg(flags, m)
	if own {
		c.trackSent(m)
	}
	for {
		epoch, handedOver, err = c.connSend(m, flags, own)
		if err == nil {
			break
		}
		if c.isDestroying() {
			return 0, false, err
		}
		if cerr := c.commsError(err); cerr != nil {
			return 0, false, cerr
		}
	}
	if !own {
		c.trackSent(m)
	}
	return epoch, handedOver, nil
}

// recvAny returns the next message: from the requeue queue first, else
// from the connector.
func (c *core) recvAny(flags int) (*msg.Message, error) {
	for {
		if c.queue != nil {
			if m := c.queue.PopFront(); m != nil {
				return m, nil
			}
		}
		m, err := c.connRecv(flags)
		if err == nil {
			return m, nil
		}
		if err == errRetry {
			continue
		}
		if isWouldBlock(err) || c.isDestroying() {
			return nil, err
		}
		if cerr := c.commsError(err); cerr != nil {
			return nil, cerr
		}
	}
}

// requeueAside appends set-aside messages to the tail of the requeue
// queue; EINVAL on a FLUX_O_NOREQUEUE handle.
func (c *core) requeueAside(aside []*msg.Message) error {
	if len(aside) == 0 {
		return nil
	}
	if c.queue == nil {
		return ErrnoError(syscall.EINVAL)
	}
	for _, m := range aside {
		if err := c.queue.PushBack(m); err != nil {
			return err
		}
	}
	return nil
}

// Recv returns the first message matching match (flux_recv), taking
// messages from the requeue queue before the connector. Messages that do
// not match are set aside and appended to the requeue queue's tail when
// Recv returns a message or EWOULDBLOCK (they are lost on other errors).
// flags may only contain ONonblock; the root's flags are added. With
// ONonblock (and always on loop://) an empty source gives EWOULDBLOCK. On a
// FLUX_O_NOREQUEUE handle seeing a non-matching message fails with EINVAL.
func (h *Handle) Recv(match Match, flags int) (*msg.Message, error) {
	if h == nil || flags&^ONonblock != 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	flags |= c.root.FlagsGet()
	var aside []*msg.Message
	var m *msg.Message
	for {
		var err error
		m, err = c.recvAny(flags)
		if err != nil {
			if !isWouldBlock(err) {
				return nil, err
			}
			if rerr := c.requeueAside(aside); rerr != nil {
				return nil, rerr
			}
			return nil, ErrnoError(syscall.EWOULDBLOCK)
		}
		if match.Matches(m) {
			break
		}
		aside = append(aside, m)
	}
	c.countRx(m)
	c.traceMsg(flags, m)
	if err := c.requeueAside(aside); err != nil {
		return nil, err
	}
	c.trackReceived(m)
	return m, nil
}

// Requeue puts m back on the root's requeue queue at the head (RQHead) or
// tail (RQTail), to be returned by Recv before anything from the
// connector. flags must be exactly one of the two; a FLUX_O_NOREQUEUE
// handle gives EINVAL. The queue keeps the pointer: the caller must not
// modify m afterwards.
func (h *Handle) Requeue(m *msg.Message, flags int) error {
	if h == nil || m == nil {
		return ErrnoError(syscall.EINVAL)
	}
	c := h.core
	if c.queue == nil || (flags != RQHead && flags != RQTail) {
		return ErrnoError(syscall.EINVAL)
	}
	if c.isDestroying() {
		return destroyedErr()
	}
	if flags == RQTail {
		return c.queue.PushBack(m)
	}
	return c.queue.PushFront(m)
}
