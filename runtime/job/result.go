package job

import (
	"encoding/json"
	"errors"
	"sync"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// resultAuxKey is where the result future keeps its accumulated object.
const resultAuxKey = "flux::result"

// resultAcc builds the object flux_job_result fulfills its future with,
// from the job's main eventlog: {"id", "exception_occurred", and as the
// events come "t_submit", "t_run" (alloc), "t_cleanup" and "waitstatus"
// (finish), "exception_type", "exception_note", "exception_severity";
// finally "result"}. Keys are kept in the order flux-core adds them.
type resultAcc struct {
	mu    sync.Mutex
	obj   *Object
	watch *runtime.Future
}

// newResultAcc starts the object for id.
func newResultAcc(id ID) *resultAcc {
	o := NewObject()
	o.Set("id", int64(id))
	o.Set("exception_occurred", false)
	return &resultAcc{obj: o}
}

// add folds one eventlog entry in.
func (a *resultAcc) add(entry string) error {
	var raw struct {
		Timestamp json.RawMessage `json:"timestamp"`
		Name      *string         `json:"name"`
		Context   json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal([]byte(entry), &raw); err != nil || raw.Name == nil || raw.Timestamp == nil {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	ts, err := decodeOrdered(string(raw.Timestamp))
	if err != nil {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	var ctx *Object
	if len(raw.Context) > 0 {
		v, err := decodeOrdered(string(raw.Context))
		if err != nil {
			return runtime.ErrnoError(syscall.EPROTO)
		}
		ctx, _ = v.(*Object)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch *raw.Name {
	case "submit":
		a.obj.Set("t_submit", ts)
	case "alloc":
		a.obj.Set("t_run", ts)
	case "finish":
		a.obj.Set("t_cleanup", ts)
		st, ok := ctx.Get("status")
		if !ok {
			return runtime.ErrnoError(syscall.EPROTO)
		}
		a.obj.Set("waitstatus", st)
	case "exception":
		typ, ok1 := ctx.Get("type")
		sev, ok2 := ctx.Get("severity")
		note, ok3 := ctx.Get("note")
		if !ok1 || !ok2 || !ok3 {
			return runtime.ErrnoError(syscall.EPROTO)
		}
		if occurred, _ := a.obj.Get("exception_occurred"); occurred == true {
			// A later exception replaces an earlier one unless the
			// earlier one was more severe (lower number, but not 0).
			prev, _ := a.obj.Get("exception_severity")
			p, _ := isInteger(prev)
			s, _ := isInteger(sev)
			if p > 0 && p < s {
				return nil
			}
		}
		a.obj.Set("exception_occurred", true)
		a.obj.Set("exception_type", typ)
		a.obj.Set("exception_note", note)
		a.obj.Set("exception_severity", sev)
	}
	return nil
}

// calc decides the result: completed when the job ran and exited 0,
// canceled or timeout for those exceptions, failed otherwise.
func (a *resultAcc) calc() Result {
	tRun, hasRun := a.obj.Get("t_run")
	status, hasStatus := a.obj.Get("waitstatus")
	ran := false
	if hasRun {
		switch t := tRun.(type) {
		case json.Number:
			f, _ := t.Float64()
			ran = f > 0
		case float64:
			ran = t > 0
		}
	}
	if hasStatus {
		if st, ok := isInteger(status); ok && ran && st == 0 {
			return ResultCompleted
		}
	}
	if occurred, _ := a.obj.Get("exception_occurred"); occurred == true {
		switch typ, _ := a.obj.Get("exception_type"); typ {
		case "cancel":
			return ResultCanceled
		case "timeout":
			return ResultTimeout
		}
	}
	return ResultFailed
}

// finish adds "result" and encodes the object.
func (a *resultAcc) finish() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.obj.Set("result", int64(a.calc()))
	return encodeJSON(a.obj, EncodeCompact)
}

// ResultFuture watches a job's main eventlog until the job is inactive
// and is then fulfilled with its result object as a JSON string
// (flux_job_result; flags are unused, as in flux-core). Read it with
// ResultGet; ResultCancel stops the watch early. The future is a chained
// future, completed on the handle's reactor or by Wait.
func ResultFuture(h *runtime.Handle, id ID, flags int) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	acc := newResultAcc(id)
	watch, err := EventWatch(h, id, EventlogMain, 0)
	if err != nil {
		return nil, err
	}
	acc.watch = watch
	next, err := watch.AndThen(func(f *runtime.Future) {
		entry, err := EventWatchGet(f)
		if err == nil && entry != nil {
			err = acc.add(*entry)
		}
		if err != nil {
			f.ContinueError(int(runtime.ErrnoOf(err)), nil)
			f.Destroy()
			return
		}
		// Keep the chain open and move on to the next entry.
		f.Continue(nil)
		f.Reset()
	})
	if err == nil {
		next, err = watch.OrThen(func(f *runtime.Future) {
			defer f.Destroy()
			if _, err := f.Result(); err != nil && !errors.Is(err, syscall.ENODATA) {
				f.ContinueError(int(runtime.ErrnoOf(err)), nil)
				return
			}
			s, err := acc.finish()
			if err != nil {
				f.ContinueError(int(syscall.ENOMEM), nil)
				return
			}
			f.FulfillNext(s, nil)
		})
	}
	if err == nil {
		key := resultAuxKey
		err = next.AuxSet(&key, acc, nil)
	}
	if err != nil {
		EventWatchCancel(watch)
		watch.Destroy()
		return nil, err
	}
	return next, nil
}

// ResultGet returns the result object of a ResultFuture future as JSON
// (flux_job_result_get), waiting for it.
func ResultGet(f *runtime.Future) (string, error) {
	v, err := f.Result()
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", einval()
	}
	return s, nil
}

// ResultObject returns the accumulated result object of a ResultFuture
// future (for flux_job_result_get_unpack); EINVAL for any other future.
func ResultObject(f *runtime.Future) (*Object, error) {
	v, err := f.AuxGet(resultAuxKey)
	if err != nil {
		return nil, einval()
	}
	acc, ok := v.(*resultAcc)
	if !ok {
		return nil, einval()
	}
	if _, err := f.Result(); err != nil {
		return nil, err
	}
	acc.mu.Lock()
	defer acc.mu.Unlock()
	return clone(acc.obj).(*Object), nil
}

// ResultCancel stops the eventlog watch of a ResultFuture future that is
// no longer wanted, so the service stops sending to it.
func ResultCancel(f *runtime.Future) error {
	v, err := f.AuxGet(resultAuxKey)
	if err != nil {
		return einval()
	}
	acc, ok := v.(*resultAcc)
	if !ok || acc.watch == nil {
		return einval()
	}
	return EventWatchCancel(acc.watch)
}
