package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// EventEncode makes an event message with topic and payload (nil for
// none; string and JSON payloads include their NUL), routing enabled
// (flux_event_encode_raw). Sending it with Send publishes it without
// confirmation; the broker assigns the sequence number.
func EventEncode(topic string, payload []byte) (*msg.Message, error) {
	return newTopicMessage(msg.TypeEvent, topic, payload)
}

// EventDecode returns an event's topic and raw payload (nil when none)
// (flux_event_decode_raw). A nil message is EINVAL, a non-event or an
// event without topic EPROTO.
func EventDecode(m *msg.Message) (string, []byte, error) {
	return decodeTopicMessage(m, msg.TypeEvent)
}

// EventDecodeString is EventDecode for string payloads
// (flux_event_decode): s is nil without payload; a payload that is not a
// NUL-terminated string is EPROTO.
func EventDecodeString(m *msg.Message) (topic string, s *string, err error) {
	topic, _, err = EventDecode(m)
	if err != nil {
		return "", nil, err
	}
	s, err = MsgGetString(m)
	return topic, s, err
}

// EventSend publishes an event without confirmation: it sends
// EventEncode(topic, payload), with the PRIVATE flag when flags contains
// msg.FlagPrivate. flags other than 0 and FlagPrivate are EINVAL.
func (h *Handle) EventSend(topic string, flags int, payload []byte) error {
	if h == nil || (flags != 0 && flags != int(msg.FlagPrivate)) {
		return ErrnoError(syscall.EINVAL)
	}
	m, err := EventEncode(topic, payload)
	if err != nil {
		return err
	}
	m.Flags |= uint8(flags)
	return h.Send(m, 0)
}
