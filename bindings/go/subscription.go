package flux

import (
	"context"
	"sync"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Subscription delivers the events whose topic starts with a prefix.
type Subscription struct {
	h     *Handle
	topic string
	id    uint64
	ch    chan *Message
	limit int      // 0: unbounded
	over  Overflow // what a full queue does

	mu      sync.Mutex
	queue   []*Message // unread events; forward offers queue[0] on ch
	dropped uint64
	err     error // why the channel was closed
	notify  chan struct{}
	stop    chan struct{}
	stopped bool
	done    chan struct{}
}

// Overflow says what a subscription whose queue is full (QueueLimit) does
// with a new event.
type Overflow int

const (
	// DropOldest discards the oldest unread event to make room: a slow
	// reader sees the most recent events.
	DropOldest Overflow = iota
	// DropNewest discards the new event: a slow reader sees the oldest
	// ones, without gaps until the first drop.
	DropNewest
)

// SubscribeOption adjusts a Subscribe.
type SubscribeOption interface {
	applySubscribe(*Subscription)
}

type subscribeOptionFunc func(*Subscription)

func (f subscribeOptionFunc) applySubscribe(s *Subscription) { f(s) }

// QueueLimit bounds the subscription's queue of unread events to n
// (n <= 0: unbounded, the default). When an event arrives with n events
// unread, policy decides which one is discarded; Dropped counts them.
// The receive loop never waits for a reader either way.
func QueueLimit(n int, policy Overflow) SubscribeOption {
	return subscribeOptionFunc(func(s *Subscription) {
		if n < 0 {
			n = 0
		}
		s.limit, s.over = n, policy
	})
}

// Subscribe subscribes to events whose topic starts with topic ("" for
// all) and delivers them, in order, on the subscription's channel. Events
// wait in a queue until read: unbounded unless QueueLimit says otherwise;
// Pending tells how many wait. The channel is closed by Unsubscribe (Err
// is then nil), when the handle is closed (ErrClosed) or when its
// connection is lost for good: with WithReconnect once reconnecting gave
// up (an error matching ErrClosed), without it at the loss (the
// connection's error; a later manual Reconnect needs a new Subscribe).
func (h *Handle) Subscribe(ctx context.Context, topic string, opts ...SubscribeOption) (*Subscription, error) {
	d, err := h.recvLoop()
	if err != nil {
		return nil, opErr("event subscribe", topic, err)
	}
	s := &Subscription{
		h:      h,
		topic:  topic,
		ch:     make(chan *Message),
		notify: make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for _, o := range opts {
		if o != nil {
			o.applySubscribe(s)
		}
	}
	id, err := d.AddEventHandler(topic, s.enqueue)
	if err != nil {
		return nil, opErr("event subscribe", topic, err)
	}
	s.id = id
	if err := h.retrySend(ctx, func() error { return h.rt.EventSubscribeContext(ctx, topic) }); err != nil {
		d.RemoveEventHandler(id)
		return nil, opErr("event subscribe", topic, err)
	}
	lost, why := d.Lost()
	go s.forward(lost, why)
	return s, nil
}

// C returns the channel events arrive on.
func (s *Subscription) C() <-chan *Message { return s.ch }

// Topic returns the subscribed topic prefix.
func (s *Subscription) Topic() string { return s.topic }

// Pending returns the number of events received for the subscription and
// not yet read from its channel (an event being read right now may still
// count for a moment).
func (s *Subscription) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Dropped returns the number of events discarded because the queue was
// full (see QueueLimit).
func (s *Subscription) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Err returns why the channel was closed: nil while it is open and after
// Unsubscribe, ErrClosed after the handle's Close, or the error that lost
// the connection for good.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// enqueue is the dispatcher's event handler: it must not block.
func (s *Subscription) enqueue(m *msg.Message) {
	ev := toMessage(m)
	s.mu.Lock()
	if !s.stopped {
		if s.limit > 0 && len(s.queue) >= s.limit {
			s.dropped++
			if s.over == DropOldest && len(s.queue) > 0 {
				s.queue[0] = nil
				s.queue = append(s.queue[1:], ev)
			}
		} else {
			s.queue = append(s.queue, ev)
		}
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// forward moves queued events to the channel until stopped, the handle
// is closed or the connection is lost (lost is closed; why tells why).
func (s *Subscription) forward(lost <-chan struct{}, why func() error) {
	defer close(s.done)
	defer close(s.ch)
	closed := s.h.rt.Closed()
	end := func(err error) {
		s.mu.Lock()
		s.err = err
		s.queue = nil
		s.mu.Unlock()
	}
	for {
		s.mu.Lock()
		var next *Message
		if len(s.queue) > 0 {
			next = s.queue[0]
		}
		s.mu.Unlock()
		if next != nil {
			select {
			case s.ch <- next:
				s.mu.Lock()
				if len(s.queue) > 0 && s.queue[0] == next {
					s.queue[0] = nil
					s.queue = s.queue[1:]
				} else if !s.stopped {
					// DropOldest discarded it while it was being
					// read: it was delivered after all.
					s.dropped--
				}
				s.mu.Unlock()
			case <-s.notify:
				// The queue changed (DropOldest may have replaced its
				// head): offer the head again.
			case <-s.stop:
				end(nil)
				return
			case <-closed:
				end(ErrClosed)
				return
			case <-s.h.done:
				end(ErrClosed)
				return
			}
			continue
		}
		select {
		case <-s.notify:
		case <-s.stop:
			end(nil)
			return
		case <-closed:
			end(ErrClosed)
			return
		case <-s.h.done:
			end(ErrClosed)
			return
		case <-lost:
			end(s.h.lostErr(s.topic, why()))
			return
		}
	}
}

// Unsubscribe stops delivery, closes the channel and tells the broker.
// Events not yet read are dropped.
func (s *Subscription) Unsubscribe(ctx context.Context) error {
	if s == nil {
		return errNilHandle
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	s.queue = nil
	s.mu.Unlock()
	if d := s.h.rt.RecvLoop(); d != nil {
		d.RemoveEventHandler(s.id)
	}
	close(s.stop)
	<-s.done
	if err := s.h.usable(); err != nil {
		return opErr("event unsubscribe", s.topic, err)
	}
	return opErr("event unsubscribe", s.topic, s.h.rt.EventUnsubscribeContext(ctx, s.topic))
}
