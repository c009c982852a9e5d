package job

import (
	"encoding/json"
	"strings"

	"github.com/fluxgo/fluxgo/runtime"
)

// parseAttrs checks that attrs is a JSON array or object, as flux-core's
// json_loads without JSON_DECODE_ANY requires; anything else is EINVAL.
func parseAttrs(attrs string) (json.RawMessage, error) {
	t := strings.TrimLeft(attrs, " \t\r\n")
	if !json.Valid([]byte(attrs)) || t == "" || (t[0] != '[' && t[0] != '{') {
		return nil, einval()
	}
	return json.RawMessage(attrs), nil
}

// listRequest is job-list.list's payload.
type listRequest struct {
	MaxEntries int             `json:"max_entries"`
	Since      *float64        `json:"since,omitempty"`
	Attrs      json.RawMessage `json:"attrs"`
	Constraint any             `json:"constraint"`
}

// List asks job-list for up to maxEntries jobs (0: all) of userid
// (FLUX_USERID_UNKNOWN, 0xffffffff, for every user) in the given states
// (0: pending, running and inactive), with the attributes named by the
// JSON array attrs (flux_job_list). The response is {"jobs": [...]}.
func List(h *runtime.Handle, maxEntries int, attrs string, userid uint32, states int) (*runtime.Future, error) {
	valid := int(StatePending | StateRunning | StateInactive)
	if h == nil || maxEntries < 0 || states&^valid != 0 {
		return nil, einval()
	}
	a, err := parseAttrs(attrs)
	if err != nil {
		return nil, err
	}
	if states == 0 {
		states = valid
	}
	c := map[string]any{"and": []any{
		map[string]any{"userid": []any{int64(int32(userid))}},
		map[string]any{"states": []any{states}},
	}}
	return rpcJSON(h, "job-list.list", listRequest{MaxEntries: maxEntries, Attrs: a, Constraint: c}, 0)
}

// ListInactive asks for up to maxEntries inactive jobs that became
// inactive after since (a time in seconds; 0: any)
// (flux_job_list_inactive).
func ListInactive(h *runtime.Handle, maxEntries int, since float64, attrs string) (*runtime.Future, error) {
	if h == nil || maxEntries < 0 || since < 0 {
		return nil, einval()
	}
	a, err := parseAttrs(attrs)
	if err != nil {
		return nil, err
	}
	c := map[string]any{"states": []any{int(StateInactive)}}
	return rpcJSON(h, "job-list.list", listRequest{MaxEntries: maxEntries, Since: &since, Attrs: a, Constraint: c}, 0)
}

// ListID asks for one job's attributes (flux_job_list_id); the response
// is {"job": {...}}. An unknown id fails with ENOENT.
func ListID(h *runtime.Handle, id ID, attrs string) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	a, err := parseAttrs(attrs)
	if err != nil {
		return nil, err
	}
	return rpcJSON(h, "job-list.list-id", struct {
		ID    wireID          `json:"id"`
		Attrs json.RawMessage `json:"attrs"`
	}{toWire(id), a}, 0)
}
