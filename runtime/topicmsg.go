package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// newTopicMessage makes a message of type typ with topic and payload (nil
// for none) and routing enabled with an empty stack: the shape of every
// request, response and event a client encodes.
func newTopicMessage(typ uint8, topic string, payload []byte) (*msg.Message, error) {
	m, err := msg.New(typ)
	if err != nil {
		return nil, errnoErr(err)
	}
	m.SetTopic(topic)
	m.SetPayload(payload)
	m.EnableRoute()
	return m, nil
}

// decodeTopicMessage returns the topic and raw payload (nil when none) of
// m, which must be of type typ and have a topic: a nil message is EINVAL,
// anything else EPROTO.
func decodeTopicMessage(m *msg.Message, typ uint8) (string, []byte, error) {
	if m == nil {
		return "", nil, ErrnoError(syscall.EINVAL)
	}
	if m.Type != typ || !m.HasTopic() {
		return "", nil, ErrnoError(syscall.EPROTO)
	}
	if !m.HasPayload() {
		return m.Topic, nil, nil
	}
	return m.Topic, m.Payload, nil
}
