package runtime

import (
	"context"
	"encoding/base64"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// EventSubscribeEx sends event.subscribe {"topic":topic} (nodeid ANY) and
// returns its future (flux_event_subscribe_ex); flags are RPC flags. The
// subscription is a topic prefix ("" = every event). When it succeeds the
// root remembers it, so ReconnectFollowup can restore it.
func (h *Handle) EventSubscribeEx(topic string, flags int) (*Future, error) {
	return h.subRPC("event.subscribe", topic, flags, func() { h.core.noteSub(topic, 1) })
}

// EventUnsubscribeEx sends event.unsubscribe {"topic":topic} and returns
// its future (flux_event_unsubscribe_ex); the broker answers ENOENT for a
// topic that is not subscribed.
func (h *Handle) EventUnsubscribeEx(topic string, flags int) (*Future, error) {
	return h.subRPC("event.unsubscribe", topic, flags, func() { h.core.noteSub(topic, -1) })
}

// subRPC sends a subscription RPC with a success hook.
func (h *Handle) subRPC(method, topic string, flags int, ok func()) (*Future, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	p, err := JSONPayload(map[string]string{"topic": topic})
	if err != nil {
		return nil, err
	}
	return h.rpcWithHook(method, p, msg.NodeIDAny, flags, ok)
}

// rpcWithHook is RPC with a hook run when a success response arrives.
func (h *Handle) rpcWithHook(topic string, payload []byte, nodeid uint32, flags int, ok func()) (*Future, error) {
	m, err := RequestEncode(topic, payload)
	if err != nil {
		return nil, err
	}
	return h.rpcSendHook(m, nodeid, flags, ok)
}

// noteSub adjusts the remembered subscription count of topic.
func (c *core) noteSub(topic string, delta int) {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.subs[topic] + delta
	if n <= 0 {
		delete(r.subs, topic)
	} else {
		r.subs[topic] = n
	}
}

// EventSubscribe subscribes to events whose topic starts with topic and
// waits for the answer (flux_event_subscribe). With FLUX_O_TEST_NOSUB on h
// (the handle passed in, not its root) it does nothing.
func (h *Handle) EventSubscribe(topic string) error {
	return h.EventSubscribeContext(context.Background(), topic)
}

// EventSubscribeContext is EventSubscribe with a context for the wait.
func (h *Handle) EventSubscribeContext(ctx context.Context, topic string) error {
	return h.syncSub(ctx, topic, h.EventSubscribeEx)
}

// EventUnsubscribe drops one subscription to topic and waits for the
// answer (flux_event_unsubscribe); a no-op with FLUX_O_TEST_NOSUB on h.
func (h *Handle) EventUnsubscribe(topic string) error {
	return h.EventUnsubscribeContext(context.Background(), topic)
}

// EventUnsubscribeContext is EventUnsubscribe with a context for the wait.
func (h *Handle) EventUnsubscribeContext(ctx context.Context, topic string) error {
	return h.syncSub(ctx, topic, h.EventUnsubscribeEx)
}

// syncSub runs a subscription RPC synchronously.
func (h *Handle) syncSub(ctx context.Context, topic string, send func(string, int) (*Future, error)) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if h.FlagsGet()&OTestNosub != 0 {
		return nil
	}
	f, err := send(topic, 0)
	if err != nil {
		return err
	}
	return waitDestroy(ctx, f)
}

// waitDestroy waits for f under ctx, returns its error, and destroys it.
func waitDestroy(ctx context.Context, f *Future) error {
	_, err := waitGet(ctx, f)
	return err
}

// waitGet waits for f under ctx, returns its result, and destroys it (the
// message stays valid: futures do not own their results' memory).
func waitGet(ctx context.Context, f *Future) (*msg.Message, error) {
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return nil, err
	}
	return f.Get()
}

// EventPublish publishes an event through the broker with confirmation
// (flux_event_publish_raw): an event.publish RPC to rank 0 with payload
// {"topic":topic,"flags":flags} plus "payload" (base64) when payload is
// not empty; string payloads must include their NUL. flags may be 0 or
// msg.FlagPrivate; anything else (including FLUX_EVENT_PRIVATE = 1) is
// EINVAL. Get the sequence number with EventPublishGetSeq.
func (h *Handle) EventPublish(topic string, flags int, payload []byte) (*Future, error) {
	if h == nil || (flags != 0 && flags != int(msg.FlagPrivate)) {
		return nil, ErrnoError(syscall.EINVAL)
	}
	type body struct {
		Topic   string  `json:"topic"`
		Flags   int     `json:"flags"`
		Payload *string `json:"payload,omitempty"`
	}
	b := body{Topic: topic, Flags: flags}
	if len(payload) > 0 {
		s := base64.StdEncoding.EncodeToString(payload)
		b.Payload = &s
	}
	p, err := JSONPayload(b)
	if err != nil {
		return nil, err
	}
	return h.RPC("event.publish", p, 0, 0)
}

// EventPublishGetSeq waits for an EventPublish future and returns the
// event's sequence number (flux_event_publish_get_seq): the RPC's error,
// or EPROTO when the response is not {"seq":N}.
func (f *Future) EventPublishGetSeq() (int, error) {
	m, err := f.RPCGet()
	if err != nil {
		return 0, err
	}
	var body struct {
		Seq *int `json:"seq"`
	}
	if err := decodeJSONPayload(m.Payload, &body); err != nil || body.Seq == nil {
		return 0, ErrnoError(syscall.EPROTO)
	}
	return *body.Seq, nil
}
