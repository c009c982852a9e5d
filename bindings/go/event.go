package flux

import (
	"context"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
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
