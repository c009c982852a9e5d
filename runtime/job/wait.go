package job

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// Wait waits for a job submitted with FlagWaitable to become inactive
// (flux_job_wait); id IDAny waits for any such job. Read the outcome with
// WaitGetStatus and WaitGetID.
func Wait(h *runtime.Handle, id ID) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	return rpcJSON(h, "job-manager.wait", struct {
		ID wireID `json:"id"`
	}{toWire(id)}, 0)
}

// waitReply is job-manager.wait's response.
type waitReply struct {
	ID      *int64  `json:"id"`
	Success *bool   `json:"success"`
	Errstr  *string `json:"errstr"`
}

// WaitGetStatus returns whether the job succeeded and, if not, why
// (flux_job_wait_get_status).
func WaitGetStatus(f *runtime.Future) (success bool, errstr string, err error) {
	var r waitReply
	if err := getJSON(f, &r); err != nil {
		return false, "", err
	}
	if r.Success == nil || r.Errstr == nil {
		return false, "", runtime.ErrnoError(syscall.EPROTO)
	}
	return *r.Success, *r.Errstr, nil
}

// WaitGetID returns the id of the job waited for (flux_job_wait_get_id).
func WaitGetID(f *runtime.Future) (ID, error) { return getID(f) }
