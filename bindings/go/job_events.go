package flux

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/fluxgo/fluxgo/runtime/job"
)

// Eventlog paths for Events.
const (
	// EventlogMain is the job's main eventlog: submit ... clean.
	EventlogMain = job.EventlogMain
	// EventlogExec is the execution system's eventlog (guest.exec.eventlog).
	EventlogExec = job.EventlogExec
	// EventlogOutput is the job shell's output eventlog (guest.output):
	// its "data" entries carry the tasks' stdout and stderr.
	EventlogOutput = job.EventlogOutput
)

// JobEvent is one eventlog entry.
type JobEvent struct {
	Name      string
	Timestamp float64
	// Context is the entry's context object (nil when it has none).
	Context json.RawMessage
}

// OutputData is the context of a guest.output "data" entry.
type OutputData struct {
	Stream string `json:"stream"` // "stdout" or "stderr"
	Rank   string `json:"rank"`   // the task ranks, as an idset
	Data   string `json:"data"`
	EOF    bool   `json:"eof"`
}

// Output decodes a guest.output "data" entry; ok is false for other
// entries.
func (e *JobEvent) Output() (d OutputData, ok bool) {
	if e == nil || e.Name != "data" || json.Unmarshal(e.Context, &d) != nil {
		return OutputData{}, false
	}
	return d, true
}

// EventsOption adjusts Events.
type EventsOption func(*eventsConfig)

// eventsConfig holds the eventlog path and watch flags.
type eventsConfig struct {
	path  string
	flags int
}

// Eventlog picks the eventlog to read (default EventlogMain).
func Eventlog(path string) EventsOption { return func(c *eventsConfig) { c.path = path } }

// EventlogWaitCreate waits for the eventlog to be created instead of failing
// with ENOENT (guest eventlogs appear when the job starts).
func EventlogWaitCreate() EventsOption {
	return func(c *eventsConfig) { c.flags |= job.EventWatchWaitCreate }
}

// Events iterates over a job's eventlog entries as they are written:
// past ones first, then new ones until the eventlog is complete (the main
// eventlog after "clean", guest ones when the job's shell is done). An
// error is yielded once, last; stopping the iteration or cancelling ctx
// cancels the watch.
//
//	for ev, err := range h.Events(ctx, id) {
//		if err != nil { ... }
//		fmt.Println(ev.Name)
//	}
func (h *Handle) Events(ctx context.Context, id JobID, opts ...EventsOption) iter.Seq2[*JobEvent, error] {
	c := eventsConfig{path: EventlogMain}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return func(yield func(*JobEvent, error) bool) {
		rt, err := h.jobHandle()
		if err != nil {
			yield(nil, err)
			return
		}
		f, err := job.EventWatch(rt, uint64(id), c.path, c.flags)
		if err != nil {
			yield(nil, jobErr("events", id, err))
			return
		}
		done := false
		defer func() {
			if !done {
				job.EventWatchCancel(f)
			}
			f.Destroy()
		}()
		for {
			if err := f.Wait(ctx); err != nil {
				yield(nil, jobErr("events", id, err))
				return
			}
			entry, err := job.EventWatchGet(f)
			if err != nil {
				done = true
				if !errStreamEnd(err) {
					yield(nil, jobErr("events "+c.path, id, err))
				}
				return
			}
			f.Reset()
			if entry == nil {
				continue
			}
			ev, err := job.DecodeEvent(*entry)
			if err != nil {
				yield(nil, jobErr("events "+c.path, id, err))
				return
			}
			if !yield(&JobEvent{Name: ev.Name, Timestamp: ev.Timestamp, Context: ev.Context}, nil) {
				return
			}
		}
	}
}
