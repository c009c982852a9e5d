package job

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Timeleft returns the seconds left before the job this process runs in
// (FLUX_JOB_ID set) or else the instance reaches its time limit
// (flux_job_timeleft): +Inf when unlimited, 0 once expired. Failures carry
// flux-core's texts ("job %s has not started", "%s: no such jobid", ...).
func Timeleft(ctx context.Context, h *runtime.Handle) (float64, error) {
	if h == nil {
		return 0, runtime.Errorf(syscall.EINVAL, "Invalid argument")
	}
	var jobID *string
	if s, ok := os.LookupEnv("FLUX_JOB_ID"); ok {
		jobID = &s
	}
	return TimeleftFor(ctx, h, jobID)
}

// TimeleftFor is Timeleft with the value of FLUX_JOB_ID given (nil: not
// set), for callers that keep their own environment.
func TimeleftFor(ctx context.Context, h *runtime.Handle, jobID *string) (float64, error) {
	if h == nil {
		return 0, runtime.Errorf(syscall.EINVAL, "Invalid argument")
	}
	var exp float64
	var err error
	if jobID != nil {
		exp, err = jobExpiration(ctx, h, *jobID)
	} else {
		exp, err = instanceExpiration(ctx, h)
	}
	if err != nil {
		return 0, err
	}
	if exp == 0 {
		return math.Inf(1), nil
	}
	left := exp - float64(time.Now().UnixNano())/1e9
	if left < 0 {
		left = 0
	}
	return left, nil
}

// instanceExpiration reads R.execution.expiration from resource.status.
func instanceExpiration(ctx context.Context, h *runtime.Handle) (float64, error) {
	fail := runtime.Errorf(syscall.EIO, "failed to get instance expiration")
	f, err := h.RPC("resource.status", nil, msg.NodeIDAny, 0)
	if err != nil {
		return 0, fail
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return 0, fail
	}
	var r struct {
		R struct {
			Execution struct {
				Expiration float64 `json:"expiration"`
			} `json:"execution"`
		} `json:"R"`
	}
	if err := getJSON(f, &r); err != nil {
		return 0, fail
	}
	return r.R.Execution.Expiration, nil
}

// jobExpiration asks job-list for the job's expiration; a job that is no
// longer running gets an expiration in the past.
func jobExpiration(ctx context.Context, h *runtime.Handle, s string) (float64, error) {
	id, err := IDParse(s)
	if err != nil {
		return 0, runtime.Errorf(runtime.ErrnoOf(err), "failed to parse jobid %s", s)
	}
	f, err := ListID(h, id, `["expiration", "state"]`)
	if err != nil {
		return 0, runtime.Errorf(runtime.ErrnoOf(err), "flux_job_list_id: %s: %s", s, runtime.ErrorText(err))
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return 0, err
	}
	var r struct {
		Job *struct {
			Expiration *float64 `json:"expiration"`
			State      *int     `json:"state"`
		} `json:"job"`
	}
	if err := getJSON(f, &r); err != nil || r.Job == nil || r.Job.State == nil {
		if err == nil {
			err = runtime.ErrnoError(syscall.EPROTO)
		}
		if errors.Is(err, syscall.ENOENT) {
			return 0, runtime.Errorf(syscall.ENOENT, "%s: no such jobid", s)
		}
		return 0, runtime.Errorf(runtime.ErrnoOf(err), "flux_job_list_id: %s: %s", s, runtime.ErrorText(err))
	}
	state := State(*r.Job.State)
	if state&StatePending != 0 {
		return 0, runtime.Errorf(syscall.EINVAL, "job %s has not started", s)
	}
	if state != StateRun {
		return 1, nil
	}
	if r.Job.Expiration == nil {
		return 0, nil
	}
	return *r.Job.Expiration, nil
}

// WaitstatusToExitcode converts a job's wait status to a shell-style exit
// code (flux_job_waitstatus_to_exitcode): the exit status, or 128+signal
// when the job shell was killed by a signal; text says what happened
// ("" for a clean exit). An impossible status is -1 and EINVAL.
func WaitstatusToExitcode(status int) (code int, text string, err error) {
	ws := syscall.WaitStatus(status)
	switch {
	case ws.Signaled():
		return int(ws.Signal()) + 128, "job shell " + signalName(ws.Signal()), nil
	case ws.Exited():
		code := ws.ExitStatus()
		switch {
		case code > 128:
			return code, "task(s) " + signalName(syscall.Signal(code-128)), nil
		case code > 0:
			return code, fmt.Sprintf("task(s) exited with exit code %d", code), nil
		}
		return 0, "", nil
	}
	text = fmt.Sprintf("unexpected wait(2) status %d", status)
	return -1, text, runtime.Errorf(syscall.EINVAL, "%s", text)
}

// signalName is strsignal's description of sig ("Killed", "Terminated").
func signalName(sig syscall.Signal) string {
	s := sig.String()
	if len(s) > 0 && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
