// Package msg is the Flux message model and its RFC 3 wire encoding, byte
// for byte as flux-core 0.88 produces and accepts it.
//
// A Message has a route stack, an optional topic, an optional payload and a
// fixed 20-byte PROTO header. The structural flags (FlagTopic, FlagPayload,
// FlagRoute) are kept in step with the parts by the setters below; a decoded
// message carries exactly the flags that were on the wire.
//
// A Message is a plain value with no internal locking: share it between
// goroutines only by handing it over, or guard it yourself.
package msg

import (
	"fmt"
	"syscall"
)

// The message constants (TypeRequest, FlagTopic, NodeIDAny, RoleOwner, ...)
// are generated from spec/handle.yaml into zz_generated_constants.go.

// Message is one Flux message.
//
// Aux1 and Aux2 are the two PROTO words whose meaning depends on Type:
// request nodeid/matchtag, response errnum/matchtag, event sequence/unused,
// control type/status. Use the typed accessors where the type matters.
//
// Routes is the route stack: Routes[0] is the originator (first pushed),
// Routes[len-1] the most recent hop (the first route frame on the wire).
type Message struct {
	Type     uint8
	Flags    uint8
	Userid   uint32
	Rolemask uint32
	Aux1     uint32
	Aux2     uint32
	Routes   []string
	Topic    string
	Payload  []byte
	// Binding is a slot for a language binding's own record about this
	// message object (the C library parks the flux_msg_t pointer of a
	// message given away with flux_send_new here, so that the receiver
	// of the very same object gets the same pointer back). The codec
	// ignores it, and Copy does not carry it over.
	Binding any
}

// IsValidType reports whether t is one of the four message types.
func IsValidType(t uint8) bool {
	switch t {
	case TypeRequest, TypeResponse, TypeEvent, TypeControl:
		return true
	}
	return false
}

// New returns a message of type t with flux-core's initial values: unknown
// userid, no roles, and per-type aux defaults (request nodeid ANY).
func New(t uint8) (*Message, error) {
	if !IsValidType(t) {
		return nil, fmt.Errorf("invalid message type %#x: %w", t, syscall.EINVAL)
	}
	m := &Message{Userid: UseridUnknown, Rolemask: RoleNone}
	m.SetType(t)
	return m, nil
}

// SetType changes the type and re-applies that type's aux defaults, as
// flux_msg_set_type does. A response keeps the matchtag of a request.
func (m *Message) SetType(t uint8) {
	m.Type = t
	switch t {
	case TypeRequest:
		m.Aux1 = NodeIDAny
		m.Aux2 = MatchtagNone
	case TypeResponse:
		m.Aux1 = 0
	case TypeEvent:
		m.Aux1, m.Aux2 = 0, 0
	case TypeControl:
		m.Aux1, m.Aux2 = 0, 0
	}
}

// HasFlag reports whether every bit of f is set.
func (m *Message) HasFlag(f uint8) bool { return m.Flags&f == f }

// HasTopic reports whether the message carries a topic frame.
func (m *Message) HasTopic() bool { return m.Flags&FlagTopic != 0 }

// HasPayload reports whether the message carries a payload frame.
func (m *Message) HasPayload() bool { return m.Flags&FlagPayload != 0 }

// HasRoute reports whether routing is enabled (the stack may be empty).
func (m *Message) HasRoute() bool { return m.Flags&FlagRoute != 0 }

// SetTopic sets the topic and the TOPIC flag.
func (m *Message) SetTopic(topic string) {
	m.Topic = topic
	m.Flags |= FlagTopic
}

// ClearTopic removes the topic and the TOPIC flag.
func (m *Message) ClearTopic() {
	m.Topic = ""
	m.Flags &^= FlagTopic
}

// SetPayload stores p as the payload (not copied). An empty p removes the
// payload, as flux_msg_set_payload does for size 0.
func (m *Message) SetPayload(p []byte) {
	if len(p) == 0 {
		m.Payload = nil
		m.Flags &^= FlagPayload
		return
	}
	m.Payload = p
	m.Flags |= FlagPayload
}

// SetString stores s with its terminating NUL as the payload, the Flux
// convention for string and JSON payloads.
func (m *Message) SetString(s string) {
	b := make([]byte, len(s)+1)
	copy(b, s)
	m.SetPayload(b)
}

// String returns the payload as a string without its terminating NUL.
// A message with no payload yields ("", false, nil); a payload that is empty
// or not NUL-terminated is an EPROTO error, as in flux_msg_get_string.
func (m *Message) String() (s string, ok bool, err error) {
	if !m.HasPayload() {
		return "", false, nil
	}
	n := len(m.Payload)
	if n == 0 || m.Payload[n-1] != 0 {
		return "", false, fmt.Errorf("payload is not a NUL-terminated string: %w", syscall.EPROTO)
	}
	return string(m.Payload[:n-1]), true, nil
}

// EnableRoute sets the ROUTE flag, keeping any routes.
func (m *Message) EnableRoute() { m.Flags |= FlagRoute }

// DisableRoute clears the route stack and the ROUTE flag.
func (m *Message) DisableRoute() {
	m.Routes = nil
	m.Flags &^= FlagRoute
}

// PushRoute adds id on top of the route stack; it fails with EPROTO when
// routing is not enabled.
func (m *Message) PushRoute(id string) error {
	if !m.HasRoute() {
		return fmt.Errorf("message has no route stack: %w", syscall.EPROTO)
	}
	m.Routes = append(m.Routes, id)
	return nil
}

// PopRoute removes and returns the most recent hop. An empty stack yields
// ("", nil); no ROUTE flag is EPROTO.
func (m *Message) PopRoute() (string, error) {
	if !m.HasRoute() {
		return "", fmt.Errorf("message has no route stack: %w", syscall.EPROTO)
	}
	n := len(m.Routes)
	if n == 0 {
		return "", nil
	}
	id := m.Routes[n-1]
	m.Routes = m.Routes[:n-1]
	return id, nil
}

// Copy returns a deep copy; with payload false the payload is dropped.
func (m *Message) Copy(payload bool) *Message {
	c := *m
	c.Binding = nil
	if m.Routes != nil {
		c.Routes = append([]string(nil), m.Routes...)
	}
	if payload && m.Payload != nil {
		c.Payload = append([]byte(nil), m.Payload...)
	} else if !payload {
		c.Payload = nil
		c.Flags &^= FlagPayload
	}
	return &c
}

// Matchtag returns aux2 for requests and responses.
func (m *Message) Matchtag() uint32 { return m.Aux2 }

// Nodeid returns aux1 of a request.
func (m *Message) Nodeid() uint32 { return m.Aux1 }

// Errnum returns aux1 of a response.
func (m *Message) Errnum() uint32 { return m.Aux1 }

// Seq returns aux1 of an event.
func (m *Message) Seq() uint32 { return m.Aux1 }

// Equal reports whether m and o describe the same message: identical PROTO
// fields (type, flags, credentials, aux words) and, for each part whose flag
// is set, identical routes, topic or payload.
// Parts whose flag is clear are ignored, as the encoder ignores them, and a
// nil slice equals an empty one. Two nil messages are equal.
func (m *Message) Equal(o *Message) bool {
	if m == nil || o == nil {
		return m == o
	}
	if m.Type != o.Type || m.Flags != o.Flags || m.Userid != o.Userid ||
		m.Rolemask != o.Rolemask || m.Aux1 != o.Aux1 || m.Aux2 != o.Aux2 {
		return false
	}
	if m.HasRoute() {
		if len(m.Routes) != len(o.Routes) {
			return false
		}
		for i := range m.Routes {
			if m.Routes[i] != o.Routes[i] {
				return false
			}
		}
	}
	if m.HasTopic() && m.Topic != o.Topic {
		return false
	}
	if m.HasPayload() && string(m.Payload) != string(o.Payload) {
		return false
	}
	return true
}
