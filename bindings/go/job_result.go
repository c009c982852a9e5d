package flux

import (
	"context"
	"encoding/json"

	"github.com/fluxgo/fluxgo/runtime/job"
)

// JobResultCode is how a job ended.
type JobResultCode = job.Result

// Job results.
const (
	ResultCompleted = job.ResultCompleted
	ResultFailed    = job.ResultFailed
	ResultCanceled  = job.ResultCanceled
	ResultTimeout   = job.ResultTimeout
)

// JobResult is the outcome of a job, from its eventlog.
type JobResult struct {
	ID     JobID         `json:"id"`
	Result JobResultCode `json:"result"`
	// Waitstatus is the job's wait(2) status (0 when it never ran).
	Waitstatus int `json:"waitstatus"`
	// ExitCode is the shell-style exit code derived from Waitstatus.
	ExitCode          int     `json:"-"`
	ExceptionOccurred bool    `json:"exception_occurred"`
	ExceptionType     string  `json:"exception_type"`
	ExceptionNote     string  `json:"exception_note"`
	ExceptionSeverity int     `json:"exception_severity"`
	TSubmit           float64 `json:"t_submit"`
	TRun              float64 `json:"t_run"`
	TCleanup          float64 `json:"t_cleanup"`
}

// Result waits for a job to end and returns its outcome (any user's job
// the caller may see; no Waitable needed). Cancelling ctx stops the
// watch.
func (h *Handle) Result(ctx context.Context, id JobID) (*JobResult, error) {
	rt, err := h.jobHandle()
	if err != nil {
		return nil, err
	}
	f, err := job.ResultFuture(rt, uint64(id), 0)
	if err != nil {
		return nil, jobErr("result", id, err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		job.ResultCancel(f)
		return nil, jobErr("result", id, err)
	}
	text, err := job.ResultGet(f)
	if err != nil {
		return nil, jobErr("result", id, err)
	}
	var r JobResult
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return nil, jobErr("result", id, err)
	}
	r.ExitCode, _, _ = job.WaitstatusToExitcode(r.Waitstatus)
	return &r, nil
}
