package flux

import (
	"context"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"sync"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// PublishOption adjusts Publish and PublishRaw: FlagPrivate delivers the
// event only to the instance owner and the publisher.
type PublishOption interface {
	applyPublish(*int)
}

// applyPublish adds the message flag to the publish flags.
func (f MsgFlag) applyPublish(p *int) { *p |= int(f) }

// publishFlags folds the options into flags.
func publishFlags(opts []PublishOption) int {
	flags := 0
	for _, o := range opts {
		if o != nil {
			o.applyPublish(&flags)
		}
	}
	return flags
}

// Publish publishes an event through the broker and returns its sequence
// number once the broker has accepted it. Subscribers (this handle
// included) may see the event before Publish returns. Options other than
// FlagPrivate are EINVAL.
func (h *Handle) Publish(ctx context.Context, topic string, payload any, opts ...PublishOption) (int, error) {
	if err := h.usable(); err != nil {
		return 0, opErr("event publish", topic, err)
	}
	if _, err := h.recvLoop(); err != nil {
		return 0, opErr("event publish", topic, err)
	}
	p, err := encodePayload(payload)
	if err != nil {
		return 0, opErr("event publish", topic, err)
	}
	var f *fluxrt.Future
	err = h.retrySend(ctx, func() error {
		var err error
		f, err = h.rt.EventPublish(topic, publishFlags(opts), p)
		return err
	})
	if err != nil {
		return 0, opErr("event publish", topic, err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return 0, opErr("event publish", topic, err)
	}
	return f.EventPublishGetSeq()
}

// PublishRaw sends an event message without waiting for any confirmation
// (what "flux event pub" does without -s); the broker still numbers it.
func (h *Handle) PublishRaw(topic string, payload any, opts ...PublishOption) error {
	if err := h.ready(nil); err != nil {
		return opErr("event publish", topic, err)
	}
	p, err := encodePayload(payload)
	if err != nil {
		return opErr("event publish", topic, err)
	}
	return opErr("event publish", topic, h.rt.EventSend(topic, publishFlags(opts), p))
}

// Subscription delivers the events whose topic starts with a prefix.
type Subscription struct {
	h     *Handle
	topic string
	id    uint64
	ch    chan *Message

	mu      sync.Mutex
	queue   []*Message
	notify  chan struct{}
	stop    chan struct{}
	stopped bool
	done    chan struct{}
}

// Subscribe subscribes to events whose topic starts with topic ("" for
// all) and delivers them, in order, on the subscription's channel. Events
// wait in an unbounded queue until read. The channel is closed by
// Unsubscribe or when the handle closes.
func (h *Handle) Subscribe(ctx context.Context, topic string) (*Subscription, error) {
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
	id, err := d.AddEventHandler(topic, s.enqueue)
	if err != nil {
		return nil, opErr("event subscribe", topic, err)
	}
	s.id = id
	if err := h.retrySend(ctx, func() error { return h.rt.EventSubscribeContext(ctx, topic) }); err != nil {
		d.RemoveEventHandler(id)
		return nil, opErr("event subscribe", topic, err)
	}
	go s.forward(h.rt.Closed(), h.done)
	return s, nil
}

// C returns the channel events arrive on.
func (s *Subscription) C() <-chan *Message { return s.ch }

// Topic returns the subscribed topic prefix.
func (s *Subscription) Topic() string { return s.topic }

// enqueue is the dispatcher's event handler: it must not block.
func (s *Subscription) enqueue(m *msg.Message) {
	ev := toMessage(m)
	s.mu.Lock()
	if !s.stopped {
		s.queue = append(s.queue, ev)
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// forward moves queued events to the channel until stopped.
func (s *Subscription) forward(closed, hclosed <-chan struct{}) {
	defer close(s.done)
	defer close(s.ch)
	for {
		s.mu.Lock()
		var next *Message
		if len(s.queue) > 0 {
			next = s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
		}
		s.mu.Unlock()
		if next != nil {
			select {
			case s.ch <- next:
			case <-s.stop:
				return
			case <-closed:
				return
			case <-hclosed:
				return
			}
			continue
		}
		select {
		case <-s.notify:
		case <-s.stop:
			return
		case <-closed:
			return
		case <-hclosed:
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
