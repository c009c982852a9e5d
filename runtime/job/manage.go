package job

import "github.com/fluxgo/fluxgo/runtime"

// raiseRequest is job-manager.raise's payload.
type raiseRequest struct {
	ID       wireID  `json:"id"`
	Type     string  `json:"type"`
	Severity int     `json:"severity"`
	Note     *string `json:"note,omitempty"`
}

// Raise raises an exception of type typ on a job (flux_job_raise);
// severity 0 is fatal. note may be nil.
func Raise(h *runtime.Handle, id ID, typ string, severity int, note *string) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	return rpcJSON(h, "job-manager.raise", raiseRequest{toWire(id), typ, severity, note}, 0)
}

// Cancel cancels a job: a fatal "cancel" exception (flux_job_cancel).
// reason may be nil.
func Cancel(h *runtime.Handle, id ID, reason *string) (*runtime.Future, error) {
	return Raise(h, id, "cancel", 0, reason)
}

// Kill sends signal signum to a running job's tasks (flux_job_kill);
// signum must be positive.
func Kill(h *runtime.Handle, id ID, signum int) (*runtime.Future, error) {
	if h == nil || signum <= 0 {
		return nil, einval()
	}
	return rpcJSON(h, "job-manager.kill", struct {
		ID     wireID `json:"id"`
		Signum int    `json:"signum"`
	}{toWire(id), signum}, 0)
}

// SetUrgency changes a pending job's urgency (flux_job_set_urgency).
func SetUrgency(h *runtime.Handle, id ID, urgency int) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	return rpcJSON(h, "job-manager.urgency", struct {
		ID      wireID `json:"id"`
		Urgency int    `json:"urgency"`
	}{toWire(id), urgency}, 0)
}
