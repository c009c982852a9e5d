package job

import (
	"encoding/json"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// Event watch flags (enum job_event_watch_flags).
const (
	EventWatchWaitCreate      = 1 // wait for the eventlog to exist
	EventWatchInitialSentinel = 2 // a nil event marks the end of the past entries
)

// Eventlog paths worth watching: the job's main eventlog, the execution
// system's guest eventlog and the job shell's output eventlog (its
// entries carry the tasks' stdout/stderr).
const (
	EventlogMain   = "eventlog"
	EventlogExec   = "guest.exec.eventlog"
	EventlogOutput = "guest.output"
)

// EventWatch streams the entries of one of a job's eventlogs
// (flux_job_event_watch): job-info.eventlog-watch answers with one entry
// per response, past entries first, until the eventlog ends (ENODATA) or
// the watch is cancelled with EventWatchCancel. Entries of guest
// eventlogs are streamed while the job runs.
func EventWatch(h *runtime.Handle, id ID, path string, flags int) (*runtime.Future, error) {
	if h == nil || flags&^(EventWatchWaitCreate|EventWatchInitialSentinel) != 0 {
		return nil, einval()
	}
	return rpcJSON(h, "job-info.eventlog-watch", struct {
		ID    wireID `json:"id"`
		Path  string `json:"path"`
		Flags int    `json:"flags"`
	}{toWire(id), path, flags}, runtime.RPCStreaming)
}

// EventWatchGet returns the current entry as one line of JSON
// (flux_job_event_watch_get), nil for the sentinel of
// EventWatchInitialSentinel (a response without payload). The stream's
// end is ENODATA. Call Reset on f to move to the next entry.
func EventWatchGet(f *runtime.Future) (*string, error) {
	m, err := f.RPCGet()
	if err != nil {
		return nil, err
	}
	if !m.HasPayload() {
		return nil, nil
	}
	var r struct {
		Event *string `json:"event"`
	}
	p := m.Payload
	if len(p) == 0 || p[len(p)-1] != 0 || json.Unmarshal(p[:len(p)-1], &r) != nil || r.Event == nil {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	return r.Event, nil
}

// EventWatchCancel stops a watch (flux_job_event_watch_cancel): the
// service ends the stream with ENODATA, which the future then holds.
func EventWatchCancel(f *runtime.Future) error {
	if f == nil {
		return einval()
	}
	h, err := f.GetFlux()
	if err != nil {
		return err
	}
	cf, err := rpcJSON(h, "job-info.eventlog-watch-cancel", struct {
		Matchtag int `json:"matchtag"`
	}{int(int32(f.Matchtag()))}, runtime.RPCNoResponse)
	if err != nil {
		return err
	}
	cf.Destroy()
	return nil
}

// Event is one decoded eventlog entry (RFC 18): a timestamp in seconds,
// a name and an optional context object.
type Event struct {
	Timestamp float64         `json:"timestamp"`
	Name      string          `json:"name"`
	Context   json.RawMessage `json:"context,omitempty"`
}

// DecodeEvent parses one eventlog entry; an entry without a name or a
// numeric timestamp, or with a context that is not an object, is EPROTO.
func DecodeEvent(entry string) (*Event, error) {
	var raw struct {
		Timestamp *float64        `json:"timestamp"`
		Name      *string         `json:"name"`
		Context   json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal([]byte(entry), &raw); err != nil || raw.Timestamp == nil || raw.Name == nil {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	if len(raw.Context) > 0 && raw.Context[0] != '{' {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	return &Event{Timestamp: *raw.Timestamp, Name: *raw.Name, Context: raw.Context}, nil
}
