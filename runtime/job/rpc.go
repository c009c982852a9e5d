package job

import (
	"encoding/json"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// rpcJSON sends a request with a JSON payload to the nearest provider of
// topic.
func rpcJSON(h *runtime.Handle, topic string, payload any, flags int) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	p, err := runtime.JSONPayload(payload)
	if err != nil {
		return nil, err
	}
	return h.RPC(topic, p, msg.NodeIDAny, flags)
}

// getJSON waits for f's current response and decodes its JSON payload
// into v: EPROTO when there is no payload or it is not JSON.
func getJSON(f *runtime.Future, v any) error {
	if f == nil {
		return einval()
	}
	m, err := f.RPCGet()
	if err != nil {
		return err
	}
	p := m.Payload
	if !m.HasPayload() || len(p) == 0 || p[len(p)-1] != 0 {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	if json.Unmarshal(p[:len(p)-1], v) != nil {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	return nil
}

// wireID is a job id as flux-core packs it ("I", a signed 64-bit
// integer): ids past 2^63, such as IDAny, travel as negative numbers.
type wireID int64

// toWire converts an id for a payload.
func toWire(id ID) wireID { return wireID(int64(id)) }

// idReply is a response carrying {"id": I}.
type idReply struct {
	ID *int64 `json:"id"`
}

// getID decodes a {"id": I} response: EPROTO without an integer id.
func getID(f *runtime.Future) (ID, error) {
	var r idReply
	if err := getJSON(f, &r); err != nil {
		return 0, err
	}
	if r.ID == nil {
		return 0, runtime.ErrnoError(syscall.EPROTO)
	}
	return ID(uint64(*r.ID)), nil
}
