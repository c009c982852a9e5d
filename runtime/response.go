package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// ResponseEncode makes a success response with topic and payload (nil for
// none) (flux_response_encode_raw).
func ResponseEncode(topic string, payload []byte) (*msg.Message, error) {
	return newTopicMessage(msg.TypeResponse, topic, payload)
}

// ResponseEncodeError makes an error response with errnum and optional
// text (flux_response_encode_error); errnum 0 is EINVAL.
func ResponseEncodeError(topic string, errnum int, text *string) (*msg.Message, error) {
	if errnum == 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	m, err := ResponseEncode(topic, nil)
	if err != nil {
		return nil, err
	}
	m.Aux1 = uint32(errnum)
	if text != nil {
		m.SetString(*text)
	}
	return m, nil
}

// ResponseDecode returns a response's topic and raw payload
// (flux_response_decode_raw). A nil message is EINVAL, a message that is
// not a response EPROTO, and an error response an *Error with its errnum
// (and its text, when it carries one).
func ResponseDecode(m *msg.Message) (string, []byte, error) {
	if m == nil {
		return "", nil, ErrnoError(syscall.EINVAL)
	}
	if m.Type != msg.TypeResponse {
		return "", nil, ErrnoError(syscall.EPROTO)
	}
	if errnum := m.Errnum(); errnum != 0 {
		if text, err := ResponseDecodeError(m); err == nil {
			return "", nil, &Error{Errno: syscall.Errno(errnum), Text: text}
		}
		return "", nil, ErrnoError(syscall.Errno(errnum))
	}
	topic := ""
	if m.HasTopic() {
		topic = m.Topic
	}
	if !m.HasPayload() {
		return topic, nil, nil
	}
	return topic, m.Payload, nil
}

// ResponseDecodeString is ResponseDecode for string payloads
// (flux_response_decode): s is nil without payload; a payload that is not
// a NUL-terminated string is EPROTO.
func ResponseDecodeString(m *msg.Message) (topic string, s *string, err error) {
	topic, _, err = ResponseDecode(m)
	if err != nil {
		return "", nil, err
	}
	s, err = MsgGetString(m)
	return topic, s, err
}

// ResponseDecodeError returns the error text of an error response
// (flux_response_decode_error): EINVAL for nil, EPROTO for a non-response,
// ENOENT when errnum is 0 or there is no (non-empty, NUL-terminated) text.
func ResponseDecodeError(m *msg.Message) (string, error) {
	if m == nil {
		return "", ErrnoError(syscall.EINVAL)
	}
	if m.Type != msg.TypeResponse {
		return "", ErrnoError(syscall.EPROTO)
	}
	if m.Errnum() == 0 {
		return "", ErrnoError(syscall.ENOENT)
	}
	s, ok, err := m.String()
	if err != nil || !ok || s == "" {
		return "", ErrnoError(syscall.ENOENT)
	}
	return s, nil
}

// ResponseDerive makes a response to req (flux_response_derive): same
// topic, flags, routes and matchtag, the given errnum, no payload, unset
// credentials. A nil or NORESPONSE request is EINVAL; an event or control
// message EPROTO.
func ResponseDerive(req *msg.Message, errnum int) (*msg.Message, error) {
	return deriveResponse(req, uint32(errnum))
}
