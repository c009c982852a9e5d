package flux

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/job"
)

// SubmitOption adjusts a submission: Urgency, Waitable, Debug, NoValidate.
type SubmitOption func(*submitConfig)

// submitConfig holds the urgency and flags of a submission.
type submitConfig struct {
	urgency int
	flags   int
}

// Urgency sets the job's urgency, 0 (hold) to 31 (expedite); guests may
// use at most 16, the default.
func Urgency(u int) SubmitOption { return func(c *submitConfig) { c.urgency = u } }

// Waitable lets Wait collect the job's end (instance owner only).
func Waitable() SubmitOption { return func(c *submitConfig) { c.flags |= job.FlagWaitable } }

// Debug has the job manager log debug events for the job.
func Debug() SubmitOption { return func(c *submitConfig) { c.flags |= job.FlagDebug } }

// NoValidate skips job-ingest's validation (instance owner only).
func NoValidate() SubmitOption { return func(c *submitConfig) { c.flags |= job.FlagNoValidate } }

// jobErr names a job operation and its job in an error that still
// matches its errno with errors.Is.
func jobErr(op string, id JobID, err error) error {
	return fmt.Errorf("job %s %s: %w", op, id, err)
}

// rt returns the runtime handle with its receive loop running.
func (h *Handle) jobHandle() (*fluxrt.Handle, error) {
	if _, err := h.recvLoop(); err != nil {
		return nil, err
	}
	return h.rt, nil
}

// Submit checks spec and submits it, returning the new job's id. Without
// flux-security the jobspec is signed with the "none" mechanism, which
// only the instance owner may use: a guest gets EPERM with an explanation.
func (h *Handle) Submit(ctx context.Context, spec *Jobspec, opts ...SubmitOption) (JobID, error) {
	if err := spec.Check(); err != nil {
		return 0, fmt.Errorf("job submit: %w", err)
	}
	text, err := spec.MarshalJSON()
	if err != nil {
		return 0, fmt.Errorf("job submit: %w", err)
	}
	return h.SubmitJSON(ctx, text, opts...)
}

// SubmitJSON submits an encoded jobspec as it is, without checking it
// here (job-ingest still validates it unless NoValidate).
func (h *Handle) SubmitJSON(ctx context.Context, jobspec []byte, opts ...SubmitOption) (JobID, error) {
	c := submitConfig{urgency: job.UrgencyDefault}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	rt, err := h.jobHandle()
	if err != nil {
		return 0, err
	}
	f, err := job.SubmitContext(ctx, rt, string(jobspec), c.urgency, c.flags)
	if err != nil {
		return 0, fmt.Errorf("job submit: %w", err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return 0, fmt.Errorf("job submit: %w", err)
	}
	id, err := job.SubmitGetID(f)
	if err != nil {
		return 0, fmt.Errorf("job submit: %w", err)
	}
	return JobID(id), nil
}

// WaitResult is how a waitable job ended.
type WaitResult struct {
	ID      JobID
	Success bool
	// Errstr says why the job failed ("" on success), e.g. "task(s)
	// exited with exit code 3".
	Errstr string
}

// Wait waits for a job submitted with Waitable to end and collects it; a
// job can be waited for once. JobIDAny waits for any waitable job.
func (h *Handle) Wait(ctx context.Context, id JobID) (*WaitResult, error) {
	rt, err := h.jobHandle()
	if err != nil {
		return nil, err
	}
	f, err := job.Wait(rt, uint64(id))
	if err != nil {
		return nil, jobErr("wait", id, err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return nil, jobErr("wait", id, err)
	}
	ok, errstr, err := job.WaitGetStatus(f)
	if err != nil {
		return nil, jobErr("wait", id, err)
	}
	got, err := job.WaitGetID(f)
	if err != nil {
		return nil, jobErr("wait", id, err)
	}
	return &WaitResult{ID: JobID(got), Success: ok, Errstr: errstr}, nil
}

// Cancel cancels a job; reason may be empty.
func (h *Handle) Cancel(ctx context.Context, id JobID, reason string) error {
	return h.jobRPC(ctx, "cancel", id, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return job.Cancel(rt, uint64(id), optString(reason))
	})
}

// Kill sends sig to a running job's tasks.
func (h *Handle) Kill(ctx context.Context, id JobID, sig syscall.Signal) error {
	return h.jobRPC(ctx, "kill", id, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return job.Kill(rt, uint64(id), int(sig))
	})
}

// Raise raises an exception of type typ on a job; severity 0 is fatal.
func (h *Handle) Raise(ctx context.Context, id JobID, typ string, severity int, note string) error {
	return h.jobRPC(ctx, "raise", id, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return job.Raise(rt, uint64(id), typ, severity, optString(note))
	})
}

// SetUrgency changes a pending job's urgency.
func (h *Handle) SetUrgency(ctx context.Context, id JobID, urgency int) error {
	return h.jobRPC(ctx, "urgency", id, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return job.SetUrgency(rt, uint64(id), urgency)
	})
}

// jobRPC runs one request-response job RPC and checks its answer.
func (h *Handle) jobRPC(ctx context.Context, op string, id JobID, send func(*fluxrt.Handle) (*fluxrt.Future, error)) error {
	rt, err := h.jobHandle()
	if err != nil {
		return err
	}
	f, err := send(rt)
	if err != nil {
		return jobErr(op, id, err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return jobErr(op, id, err)
	}
	if _, err := f.Get(); err != nil {
		return jobErr(op, id, err)
	}
	return nil
}

// optString is nil for "".
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// errStreamEnd reports whether err is the normal end of a stream.
func errStreamEnd(err error) bool { return errors.Is(err, syscall.ENODATA) }
