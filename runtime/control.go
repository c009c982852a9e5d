package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Control messages (FLUX_MSGTYPE_CONTROL) carry two integers, a type and
// a status, in the header fields other messages use for nodeid/errnum and
// matchtag; brokers exchange them on the overlay network.

// MsgSetControl sets a control message's type and status
// (flux_msg_set_control); other messages are EINVAL.
func MsgSetControl(m *msg.Message, typ, status int) error {
	if m == nil || m.Type != msg.TypeControl {
		return invalidMsg()
	}
	m.Aux1, m.Aux2 = uint32(int32(typ)), uint32(int32(status))
	return nil
}

// MsgGetControl returns a control message's type and status
// (flux_msg_get_control); other messages are EPROTO.
func MsgGetControl(m *msg.Message) (typ, status int, err error) {
	if m == nil {
		return 0, 0, invalidMsg()
	}
	if m.Type != msg.TypeControl {
		return 0, 0, wrongType("get_control")
	}
	return int(int32(m.Aux1)), int(int32(m.Aux2)), nil
}

// ControlEncode makes a control message (flux_control_encode).
func ControlEncode(typ, status int) (*msg.Message, error) {
	m, err := msg.New(msg.TypeControl)
	if err != nil {
		return nil, Errorf(syscall.EINVAL, "control encode: %v", err)
	}
	_ = MsgSetControl(m, typ, status)
	return m, nil
}

// ControlDecode returns a control message's type and status
// (flux_control_decode): EPROTO for other messages.
func ControlDecode(m *msg.Message) (typ, status int, err error) {
	return MsgGetControl(m)
}
