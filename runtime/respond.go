package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Respond answers the request req with payload (nil for none; string and
// JSON payloads include their NUL) (flux_respond_raw). The response is
// derived from req, so it keeps its topic, matchtag, flags and route stack.
// A NORESPONSE request gets nothing and Respond succeeds. A nil handle or
// request is EINVAL.
func (h *Handle) Respond(req *msg.Message, payload []byte) error {
	if h == nil || req == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if req.HasFlag(msg.FlagNoResponse) {
		return nil
	}
	rep, err := deriveResponse(req, 0)
	if err != nil {
		return err
	}
	rep.SetPayload(payload)
	return h.Send(rep, 0)
}

// RespondError answers req with an error (flux_respond_error): errnum 0 is
// sent as EINVAL, text (if not nil) goes in the payload. NORESPONSE
// requests get nothing. A nil handle or request is EINVAL.
func (h *Handle) RespondError(req *msg.Message, errnum int, text *string) error {
	if h == nil || req == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if req.HasFlag(msg.FlagNoResponse) {
		return nil
	}
	if errnum == 0 {
		errnum = int(syscall.EINVAL)
	}
	rep, err := deriveResponse(req, uint32(errnum))
	if err != nil {
		return err
	}
	if text != nil {
		rep.SetString(*text)
	}
	return h.Send(rep, 0)
}
