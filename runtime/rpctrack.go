package runtime

import (
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// rpcKey identifies a tracked request: its first route ("" when it has
// none) and its matchtag.
type rpcKey struct {
	route string
	tag   uint32
}

// rpcTracker remembers requests sent on a FLUX_O_RPCTRACK handle that are
// still waiting for their (final) response, in the order they were sent.
// It has no lock of its own.
type rpcTracker struct {
	order []rpcKey
	reqs  map[rpcKey]*msg.Message
}

func newRPCTracker() *rpcTracker {
	return &rpcTracker{reqs: map[rpcKey]*msg.Message{}}
}

// firstRoute returns the originator route of m, or "".
func firstRoute(m *msg.Message) string {
	if len(m.Routes) == 0 {
		return ""
	}
	return m.Routes[0]
}

// isDisconnectTopic reports whether topic ends in ".disconnect".
func isDisconnectTopic(topic string) bool {
	return strings.HasSuffix(topic, ".disconnect")
}

// update applies one sent or received message to the tracker.
func (t *rpcTracker) update(m *msg.Message) {
	switch m.Type {
	case msg.TypeResponse:
		if m.Matchtag() == MatchtagNone {
			return
		}
		if m.HasFlag(msg.FlagStreaming) && m.Errnum() == 0 {
			return
		}
		t.remove(rpcKey{firstRoute(m), m.Matchtag()})
	case msg.TypeRequest:
		if !m.HasFlag(msg.FlagNoResponse) && m.Matchtag() != MatchtagNone {
			k := rpcKey{firstRoute(m), m.Matchtag()}
			if _, dup := t.reqs[k]; !dup {
				t.reqs[k] = m.Copy(false)
				t.order = append(t.order, k)
			}
		} else if m.HasTopic() && isDisconnectTopic(m.Topic) {
			route := firstRoute(m)
			if route == "" {
				return
			}
			for _, k := range append([]rpcKey(nil), t.order...) {
				if k.route == route {
					t.remove(k)
				}
			}
		}
	}
}

// remove forgets one tracked request.
func (t *rpcTracker) remove(k rpcKey) {
	if _, ok := t.reqs[k]; !ok {
		return
	}
	delete(t.reqs, k)
	for i, o := range t.order {
		if o == k {
			t.order = append(t.order[:i:i], t.order[i+1:]...)
			break
		}
	}
}

// purge returns the tracked requests in send order and forgets them.
func (t *rpcTracker) purge() []*msg.Message {
	out := make([]*msg.Message, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, t.reqs[k])
	}
	t.order = nil
	t.reqs = map[rpcKey]*msg.Message{}
	return out
}

// count returns the number of tracked requests.
func (t *rpcTracker) count() int {
	return len(t.reqs)
}

// trackSent records a successfully sent message.
func (c *core) trackSent(m *msg.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tracker != nil {
		c.tracker.update(m)
	}
}

// trackReceived records a message returned by Recv.
func (c *core) trackReceived(m *msg.Message) {
	c.trackSent(m)
}

// purgeTracked answers every tracked request with a synthesized
// ECONNRESET response appended to the requeue queue (after a reconnect).
func (c *core) purgeTracked() {
	c.mu.Lock()
	var reqs []*msg.Message
	if c.tracker != nil {
		reqs = c.tracker.purge()
	}
	c.mu.Unlock()
	for _, req := range reqs {
		topic := "NULL"
		if req.HasTopic() {
			topic = req.Topic
		}
		rep, err := deriveResponse(req, uint32(syscall.ECONNRESET))
		if err == nil {
			rep.SetString("RPC aborted due to broker reconnect")
			rep.Userid = 0
			rep.Rolemask = msg.RoleOwner
			if c.queue == nil {
				err = ErrnoError(syscall.EINVAL)
			} else {
				err = c.queue.PushBack(rep)
			}
		}
		if err != nil {
			c.traceText("error responding to tracked rpc topic=%s: %s", topic, ErrorText(err))
			continue
		}
		c.traceText("responded to tracked rpc topic=%s", topic)
	}
}

// deriveResponse makes a response to req the way flux_response_derive
// does: same topic, flags (without payload), routes and matchtag, errnum
// set, no payload, credentials unset.
func deriveResponse(req *msg.Message, errnum uint32) (*msg.Message, error) {
	if req == nil || req.HasFlag(msg.FlagNoResponse) {
		return nil, ErrnoError(syscall.EINVAL)
	}
	if req.Type != msg.TypeRequest {
		return nil, ErrnoError(syscall.EPROTO)
	}
	rep := req.Copy(false)
	rep.Type = msg.TypeResponse
	rep.Aux1 = errnum
	rep.Aux2 = req.Matchtag()
	rep.Userid = msg.UseridUnknown
	rep.Rolemask = msg.RoleNone
	return rep, nil
}
