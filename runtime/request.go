package runtime

import "github.com/fluxgo/fluxgo/runtime/msg"

// RequestEncode makes a request message with topic and payload (nil or
// empty for none; string payloads must include their NUL), routing
// enabled with an empty stack, nodeid ANY and no matchtag
// (flux_request_encode_raw).
func RequestEncode(topic string, payload []byte) (*msg.Message, error) {
	return newTopicMessage(msg.TypeRequest, topic, payload)
}

// RequestDecode returns a request's topic and raw payload (nil when it has
// none) (flux_request_decode_raw). A nil message is EINVAL; a message that
// is not a request or has no topic is EPROTO.
func RequestDecode(m *msg.Message) (string, []byte, error) {
	return decodeTopicMessage(m, msg.TypeRequest)
}

// RequestDecodeString is RequestDecode for string payloads
// (flux_request_decode): s is nil without payload, and a payload that is
// not a NUL-terminated string is EPROTO.
func RequestDecodeString(m *msg.Message) (topic string, s *string, err error) {
	topic, _, err = RequestDecode(m)
	if err != nil {
		return "", nil, err
	}
	s, err = MsgGetString(m)
	return topic, s, err
}
