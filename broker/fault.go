package broker

import (
	"encoding/binary"
	"errors"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// Corruption selects how CorruptNextResponse damages a response.
type Corruption int

const (
	// BadMagic sends the frame with a wrong stream magic (the client's
	// reader fails with EPROTO and the stream cannot recover).
	BadMagic Corruption = iota + 1
	// BadProto sends a well-framed body whose PROTO frame has a bad
	// magic byte (the message fails to decode with EPROTO).
	BadProto
	// Truncated sends the header and half of the body, then hangs up
	// (the client sees end of stream inside a frame: ECONNRESET).
	Truncated
	// Oversized sends a header announcing a body of 2 GiB - 1 bytes,
	// beyond msg.MaxFrameSize, followed by the real body (the client's
	// reader fails with EMSGSIZE).
	Oversized
	// Drop silently discards the response.
	Drop
)

// heldResponse is a response withheld by HoldResponses.
type heldResponse struct {
	c     *conn
	frame []byte
}

// faultState is the fault injection configuration, guarded by Broker.mu.
type faultState struct {
	refuseAuth byte
	holdAll    bool
	hold       map[string]bool
	held       []heldResponse
	corrupt    map[string][]Corruption
}

// intercept applies response faults to r on its way to c. It returns true
// when it took care of r (held, dropped or corrupted).
func (f *faultState) intercept(c *conn, r *msg.Message) bool {
	if q := f.corrupt[r.Topic]; len(q) > 0 {
		kind := q[0]
		if len(q) == 1 {
			delete(f.corrupt, r.Topic)
		} else {
			f.corrupt[r.Topic] = q[1:]
		}
		c.txcount++
		if it, ok := corruptFrame(r, kind); ok {
			c.enqueue(it)
		}
		return true
	}
	if f.holdAll || f.hold[r.Topic] {
		buf, err := stream.AppendFrame(nil, r)
		if err == nil {
			f.held = append(f.held, heldResponse{c: c, frame: buf})
		}
		return true
	}
	return false
}

// corruptFrame builds the damaged bytes for r.
func corruptFrame(r *msg.Message, kind Corruption) (outItem, bool) {
	buf, err := stream.AppendFrame(nil, r)
	if err != nil {
		return outItem{}, false
	}
	switch kind {
	case BadMagic:
		buf[0] ^= 0xff
	case BadProto:
		// the PROTO frame is the last 20 bytes; its first byte is the magic
		buf[len(buf)-msg.ProtoSize] = 0x00
	case Truncated:
		body := len(buf) - stream.HeaderSize
		return outItem{data: buf[:stream.HeaderSize+body/2], closeAfter: true}, true
	case Oversized:
		binary.BigEndian.PutUint32(buf[4:8], 0x7fffffff)
	case Drop:
		return outItem{}, false
	}
	return outItem{data: buf}, true
}

// RefuseAuth makes the broker answer every new connection with auth byte
// errno and hang up, as connector-local does for users without a role.
// RefuseAuth(0) restores normal authentication.
func (b *Broker) RefuseAuth(errno byte) {
	b.mu.Lock()
	b.faults.refuseAuth = errno
	b.mu.Unlock()
}

// HoldResponses withholds responses with the given topic (every response
// when topic is "") until ReleaseResponses. Requests are still processed;
// only delivery of their responses is delayed.
func (b *Broker) HoldResponses(topic string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if topic == "" {
		b.faults.holdAll = true
		return
	}
	if b.faults.hold == nil {
		b.faults.hold = make(map[string]bool)
	}
	b.faults.hold[topic] = true
}

// ReleaseResponses stops holding and sends the withheld responses, in
// order, to those of their clients still connected. It returns how many
// were sent.
func (b *Broker) ReleaseResponses() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults.holdAll = false
	b.faults.hold = nil
	n := 0
	for _, h := range b.faults.held {
		if !h.c.dead {
			h.c.txcount++
			h.c.enqueue(outItem{data: h.frame})
			n++
		}
	}
	b.faults.held = nil
	return n
}

// HeldResponses returns how many responses are currently withheld.
func (b *Broker) HeldResponses() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.faults.held)
}

// CorruptNextResponse damages the next response with the given topic, in
// the way kind describes, instead of sending it intact. Calls queue up per
// topic.
func (b *Broker) CorruptNextResponse(topic string, kind Corruption) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.faults.corrupt == nil {
		b.faults.corrupt = make(map[string][]Corruption)
	}
	b.faults.corrupt[topic] = append(b.faults.corrupt[topic], kind)
}

// ErrNoConnection is returned for a connection UUID the broker does not
// know (never existed or already gone).
var ErrNoConnection = errors.New("broker: no such connection")

// SendRaw queues data, unchanged, on the connection with the given UUID.
func (b *Broker) SendRaw(connUUID string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.conns[connUUID]
	if !ok {
		return ErrNoConnection
	}
	c.enqueue(outItem{data: append([]byte(nil), data...)})
	return nil
}

// DropConnection hangs up on one client, with the same clean-up as when a
// client goes away (disconnect notifications, services and subscriptions
// removed).
func (b *Broker) DropConnection(connUUID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.conns[connUUID]
	if !ok {
		return ErrNoConnection
	}
	b.dropLocked(c, nil)
	return nil
}

// DropAll hangs up on every client; the broker keeps listening.
func (b *Broker) DropAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range append([]*conn(nil), b.order...) {
		b.dropLocked(c, nil)
	}
}
