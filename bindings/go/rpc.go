package flux

import (
	"context"
	"errors"
	"iter"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// RPCOption adjusts one RPC: an RPCFlag (RPCStreaming, RPCNoResponse) or
// a destination from ToRank / Upstream.
type RPCOption interface {
	applyRPC(*rpcConfig)
}

// rpcConfig collects the options of one RPC.
type rpcConfig struct {
	nodeid uint32
	flags  int
}

// applyRPC adds the flag to the RPC's flags.
func (f RPCFlag) applyRPC(c *rpcConfig) { c.flags |= int(f) }

// rpcOptionFunc adapts a function to RPCOption.
type rpcOptionFunc func(*rpcConfig)

func (f rpcOptionFunc) applyRPC(c *rpcConfig) { f(c) }

// ToRank sends the RPC to the broker of the given rank instead of the
// nearest one providing the service (NodeIDAny).
func ToRank(rank uint32) RPCOption {
	return rpcOptionFunc(func(c *rpcConfig) { c.nodeid = rank })
}

// Upstream sends the RPC to the parent of the local broker
// (FLUX_NODEID_UPSTREAM).
func Upstream() RPCOption {
	return rpcOptionFunc(func(c *rpcConfig) { c.nodeid = NodeIDUpstream })
}

// Message is a response to an RPC, a received event, or a message given
// to a handler (HandleFunc).
type Message struct {
	// Type is the message's type: Request, Response or Event.
	Type MsgType
	// Flags are the message's flags, such as FlagStreaming or
	// FlagNoResponse on a request.
	Flags   MsgFlag
	Topic   string
	Payload Payload
	// Seq is the event's sequence number (events only).
	Seq uint32
	// Private is set on events published with the Private option.
	Private bool
	// Userid and Rolemask are the sender's credentials as the broker
	// stamped them.
	Userid   uint32
	Rolemask uint32
}

// toMessage converts a runtime message (nil gives an empty Message, the
// result of a NORESPONSE RPC).
func toMessage(m *msg.Message) *Message {
	if m == nil {
		return &Message{}
	}
	r := &Message{Type: MsgType(m.Type), Flags: MsgFlag(m.Flags), Payload: Payload(m.Payload),
		Userid: m.Userid, Rolemask: m.Rolemask}
	if m.HasTopic() {
		r.Topic = m.Topic
	}
	if m.Type == msg.TypeEvent {
		r.Seq = m.Seq()
		r.Private = m.Flags&msg.FlagPrivate != 0
	}
	return r
}

// Future is an RPC in flight, from RPCAsync. Close it when done with it.
type Future struct {
	f     *fluxrt.Future
	h     *Handle // the handle that sent it
	topic string
}

// RPCAsync sends a request and returns at once; see RPC for the arguments.
func (h *Handle) RPCAsync(topic string, payload any, opts ...RPCOption) (*Future, error) {
	if err := h.usable(); err != nil {
		return nil, opErr("rpc", topic, err)
	}
	if err := h.ready(nil); err != nil {
		return nil, opErr("rpc", topic, err)
	}
	// No receive loop is started for an RPC: until something else needs
	// one (a subscription, a service, a handler, Then), the goroutine
	// waiting in Get receives the response itself, as the C library does,
	// with no hand-off from a loop goroutine to the waiter.
	cfg := rpcConfig{nodeid: NodeIDAny}
	for _, o := range opts {
		if o != nil {
			o.applyRPC(&cfg)
		}
	}
	p, err := encodePayload(payload)
	if err != nil {
		return nil, opErr("rpc", topic, err)
	}
	f, err := h.rt.RPC(topic, p, cfg.nodeid, cfg.flags)
	if err != nil {
		return nil, opErr("rpc", topic, err)
	}
	return &Future{f: f, h: h, topic: topic}, nil
}

// RPC sends a request for topic with payload and waits for the response.
// An error response is returned as an error with its errno and text. With
// RPCNoResponse it returns an empty Message as soon as the request is
// sent. For streaming RPCs use RPCStream.
func (h *Handle) RPC(ctx context.Context, topic string, payload any, opts ...RPCOption) (*Message, error) {
	var f *Future
	err := h.retrySend(ctx, func() error {
		var err error
		f, err = h.RPCAsync(topic, payload, opts...)
		return err
	})
	if err != nil {
		return nil, opErr("rpc", topic, err)
	}
	defer f.Close()
	return f.Get(ctx)
}

// Get waits for the current response under ctx.
func (f *Future) Get(ctx context.Context) (*Message, error) {
	if f == nil {
		return nil, errNilHandle
	}
	if err := f.f.Wait(ctx); err != nil {
		return nil, f.closedOr(err)
	}
	m, err := f.f.Get()
	if err != nil {
		return nil, f.closedOr(err)
	}
	return toMessage(m), nil
}

// closedOr returns ErrClosed (naming the RPC) in place of err once the handle that sent
// the RPC is closed (the runtime ends its RPCs with ENOSYS then), and
// otherwise err as an *Error naming the RPC's topic.
func (f *Future) closedOr(err error) error {
	if f.h != nil && f.h.usable() == ErrClosed {
		return opErr("rpc", f.topic, ErrClosed)
	}
	return opErr("rpc", f.topic, err)
}

// Ready reports whether a response (or error) is available.
func (f *Future) Ready() bool { return f != nil && f.f.IsReady() }

// Next drops the current response of a streaming RPC so Get waits for the
// next one.
func (f *Future) Next() {
	if f != nil {
		f.f.Reset()
	}
}

// Then has fn called, on a goroutine owned by the handle, with each
// response as it becomes current (call Next inside fn to get the next one
// of a stream). Calls never overlap.
func (f *Future) Then(fn func(*Message, error)) error {
	if f == nil || fn == nil {
		return fluxrt.ErrnoError(syscall.EINVAL)
	}
	if _, err := f.h.recvLoop(); err != nil {
		return opErr("rpc", f.topic, err)
	}
	return f.f.Then(func(rf *fluxrt.Future) {
		f.h.guard("Future.Then", f.topic, nil, func() {
			m, err := rf.Get()
			if err != nil {
				fn(nil, f.closedOr(err))
				return
			}
			fn(toMessage(m), nil)
		})
	})
}

// Matchtag returns the RPC's matchtag (0 with RPCNoResponse).
func (f *Future) Matchtag() uint32 {
	if f == nil {
		return 0
	}
	return f.f.Matchtag()
}

// Close releases the future. Closing an RPC that has not finished is fine:
// its matchtag stays reserved until the broker's answer arrives.
func (f *Future) Close() {
	if f != nil {
		f.f.Destroy()
	}
}

// RPCStream sends a streaming request (RPCStreaming is added) and returns
// an iterator over its responses. The stream ends normally when the
// service sends ENODATA; any other error is yielded once, last. Stopping
// the iteration early abandons the RPC safely.
//
//	for resp, err := range h.RPCStream(ctx, "state-machine.monitor", nil) {
//		if err != nil { ... }
//		...
//	}
func (h *Handle) RPCStream(ctx context.Context, topic string, payload any, opts ...RPCOption) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		f, err := h.RPCAsync(topic, payload, append(opts, RPCStreaming)...)
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.Close()
		for {
			r, err := f.Get(ctx)
			if err != nil {
				if !errors.Is(err, syscall.ENODATA) {
					yield(nil, err)
				}
				return
			}
			f.Next()
			if !yield(r, nil) {
				return
			}
		}
	}
}

// RPCStreamChan is RPCStream delivering on a channel, closed after the
// last response. An error other than the normal end (ENODATA) comes as a
// final item with Err set. Cancel ctx to stop early.
func (h *Handle) RPCStreamChan(ctx context.Context, topic string, payload any, opts ...RPCOption) <-chan StreamItem {
	ch := make(chan StreamItem)
	go func() {
		defer close(ch)
		for r, err := range h.RPCStream(ctx, topic, payload, opts...) {
			select {
			case ch <- StreamItem{Response: r, Err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// StreamItem is one response (or the final error) of RPCStreamChan.
type StreamItem struct {
	Response *Message
	Err      error
}
