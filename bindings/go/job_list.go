package flux

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fluxgo/fluxgo/runtime/job"
)

// JobState is a job state; states are bits so sets can be or-ed.
type JobState = job.State

// Job states and sets of them.
const (
	StateNew      = job.StateNew
	StateDepend   = job.StateDepend
	StatePriority = job.StatePriority
	StateSched    = job.StateSched
	StateRun      = job.StateRun
	StateCleanup  = job.StateCleanup
	StateInactive = job.StateInactive
	StatePending  = job.StatePending
	StateRunning  = job.StateRunning
	StateActive   = job.StateActive
)

// JobInfo is what job-list knows about a job (its "all" attributes).
// Fields the service did not send keep their zero value.
type JobInfo struct {
	ID                JobID           `json:"id"`
	Userid            uint32          `json:"userid"`
	Urgency           int             `json:"urgency"`
	Priority          int64           `json:"priority"`
	State             JobState        `json:"state"`
	Name              string          `json:"name"`
	Cwd               string          `json:"cwd"`
	Queue             string          `json:"queue"`
	Project           string          `json:"project"`
	Bank              string          `json:"bank"`
	Ntasks            int             `json:"ntasks"`
	Ncores            int             `json:"ncores"`
	Nnodes            int             `json:"nnodes"`
	Ranks             string          `json:"ranks"`
	Nodelist          string          `json:"nodelist"`
	Duration          float64         `json:"duration"`
	Expiration        float64         `json:"expiration"`
	TSubmit           float64         `json:"t_submit"`
	TDepend           float64         `json:"t_depend"`
	TRun              float64         `json:"t_run"`
	TCleanup          float64         `json:"t_cleanup"`
	TInactive         float64         `json:"t_inactive"`
	Success           bool            `json:"success"`
	Result            JobResultCode   `json:"result"`
	Waitstatus        int             `json:"waitstatus"`
	ExceptionOccurred bool            `json:"exception_occurred"`
	ExceptionType     string          `json:"exception_type"`
	ExceptionSeverity int             `json:"exception_severity"`
	ExceptionNote     string          `json:"exception_note"`
	Dependencies      []string        `json:"dependencies"`
	Annotations       json.RawMessage `json:"annotations"`
}

// ListOption narrows List.
type ListOption func(*listConfig)

// listConfig holds List's arguments.
type listConfig struct {
	max    int
	userid uint32
	states JobState
}

// MaxJobs returns at most n jobs (default: all).
func MaxJobs(n int) ListOption { return func(c *listConfig) { c.max = n } }

// ForUser lists only userid's jobs (default: every user's).
func ForUser(userid uint32) ListOption { return func(c *listConfig) { c.userid = userid } }

// InStates lists only jobs in the given states, e.g. StatePending |
// StateRunning (default: all).
func InStates(s JobState) ListOption { return func(c *listConfig) { c.states = s } }

// List returns jobs known to job-list, newest first.
func (h *Handle) List(ctx context.Context, opts ...ListOption) ([]JobInfo, error) {
	c := listConfig{userid: UseridUnknown}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	rt, err := h.jobHandle()
	if err != nil {
		return nil, err
	}
	f, err := job.List(rt, c.max, `["all"]`, c.userid, int(c.states))
	if err != nil {
		return nil, fmt.Errorf("job list: %w", err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return nil, fmt.Errorf("job list: %w", err)
	}
	m, err := f.Get()
	if err != nil {
		return nil, fmt.Errorf("job list: %w", err)
	}
	var r struct {
		Jobs []JobInfo `json:"jobs"`
	}
	if err := Payload(m.Payload).Decode(&r); err != nil {
		return nil, fmt.Errorf("job list: %w", err)
	}
	return r.Jobs, nil
}

// Get returns what job-list knows about one job; an unknown id is ENOENT.
func (h *Handle) Get(ctx context.Context, id JobID) (*JobInfo, error) {
	rt, err := h.jobHandle()
	if err != nil {
		return nil, err
	}
	f, err := job.ListID(rt, uint64(id), `["all"]`)
	if err != nil {
		return nil, jobErr("get", id, err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return nil, jobErr("get", id, err)
	}
	m, err := f.Get()
	if err != nil {
		return nil, jobErr("get", id, err)
	}
	var r struct {
		Job *JobInfo `json:"job"`
	}
	if err := Payload(m.Payload).Decode(&r); err != nil || r.Job == nil {
		if err == nil {
			err = fmt.Errorf("response has no job")
		}
		return nil, jobErr("get", id, err)
	}
	return r.Job, nil
}
