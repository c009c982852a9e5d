package runtime

import (
	"encoding/json"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A service keeps the requests it has not answered yet (streaming
// requests, waiters) in a MsgList. When a client disconnects, it sends the
// service a disconnect request and the service drops that client's
// requests; when a client cancels one streaming request, it sends a cancel
// request naming the request's matchtag and the service ends that request
// with ENODATA. These are flux-core's rules for which requests match.

// DisconnectMatch reports whether req came from the same client as the
// disconnect (or cancel) request disc: the same first route hop, and disc's
// sender is allowed to act on req's owner (the instance owner, or the same
// user) (flux_disconnect_match).
func DisconnectMatch(disc, req *msg.Message) bool {
	if disc == nil || req == nil || !MsgRouteMatchFirst(disc, req) {
		return false
	}
	return CredAuthorize(disc.Userid, disc.Rolemask, req.Userid) == nil
}

// CancelMatch reports whether req is the request the cancel request
// cancel names: it matches as DisconnectMatch does and its matchtag is
// the "matchtag" member of cancel's JSON payload (flux_cancel_match).
func CancelMatch(cancel, req *msg.Message) bool {
	if !DisconnectMatch(cancel, req) || cancel.Type != msg.TypeRequest {
		return false
	}
	tag, ok := payloadMatchtag(cancel)
	reqTag, err := MsgGetMatchtag(req)
	return ok && err == nil && tag == reqTag
}

// payloadMatchtag reads the integer member "matchtag" of m's JSON object
// payload, as flux_request_unpack (msg, NULL, "{s:i}", "matchtag", &t).
func payloadMatchtag(m *msg.Message) (uint32, bool) {
	var body map[string]json.RawMessage
	if decodeJSONPayload(m.Payload, &body) != nil {
		return 0, false
	}
	var n json.Number
	raw, ok := body["matchtag"]
	if !ok || len(raw) == 0 || raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	v, err := n.Int64()
	if err != nil {
		return 0, false
	}
	return uint32(v), true
}

// MsgListDisconnect deletes from l every request DisconnectMatch pairs
// with the disconnect request disc and returns how many it deleted
// (flux_msglist_disconnect). msgOf gives the message an item stands for.
func MsgListDisconnect[T any](l *MsgList[T], disc *msg.Message, msgOf func(T) *msg.Message) int {
	n := 0
	for it, ok := l.First(); ok; it, ok = l.Next() {
		if DisconnectMatch(disc, msgOf(it)) {
			l.Delete()
			n++
		}
	}
	return n
}

// MsgListCancel finds the first request in l that the cancel request
// names (CancelMatch), ends it with an ENODATA error response on h,
// deletes it and returns 1; it returns 0 when none matches
// (flux_msglist_cancel).
func MsgListCancel[T any](h *Handle, l *MsgList[T], cancel *msg.Message, msgOf func(T) *msg.Message) (int, error) {
	if h == nil || l == nil || cancel == nil {
		return -1, ErrnoError(syscall.EINVAL)
	}
	for it, ok := l.First(); ok; it, ok = l.Next() {
		if req := msgOf(it); CancelMatch(cancel, req) {
			if err := h.RespondError(req, int(syscall.ENODATA), nil); err != nil {
				return -1, err
			}
			l.Delete()
			return 1, nil
		}
	}
	return 0, nil
}
