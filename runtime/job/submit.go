package job

import (
	"context"
	"os"
	"strconv"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// Submit flags (enum job_submit_flags).
const (
	FlagPreSigned  = 1 // the jobspec argument is already a signed J
	FlagDebug      = 2 // ask the job manager to log debug events for the job
	FlagWaitable   = 4 // the job will be waited for with Wait (owner only)
	FlagNoValidate = 8 // skip jobspec validation (owner only)
)

// Urgency values (enum job_urgency).
const (
	UrgencyMin      = 0
	UrgencyHold     = UrgencyMin
	UrgencyDefault  = 16
	UrgencyMax      = 31
	UrgencyExpedite = UrgencyMax
)

// ErrGuestNoneSigning is the text of the EPERM a non-owner gets when
// submitting: flux-core's job-ingest message, with what to do about it.
const ErrGuestNoneSigning = "only instance owner can use sign-type=none" +
	" (this library signs with the \"none\" mechanism only, which a multi-user" +
	" instance accepts from its owner alone; sign J with a real mechanism" +
	" such as munge, e.g. with flux-security, and submit it with FLUX_JOB_PRE_SIGNED)"

// submitRequest is job-ingest.submit's payload.
type submitRequest struct {
	J       string `json:"J"`
	Urgency int    `json:"urgency"`
	Flags   int    `json:"flags"`
}

// Submit submits a jobspec (flux_job_submit): it is wrapped in J with the
// "none" mechanism for the calling user, or passed through when flags has
// FlagPreSigned (a client-only flag, not sent). A caller who is not the
// instance owner (attribute security.owner) cannot use "none": the
// returned future then holds EPERM with ErrGuestNoneSigning and nothing is
// sent. Read the new id with SubmitGetID.
func Submit(h *runtime.Handle, jobspec string, urgency, flags int) (*runtime.Future, error) {
	return SubmitContext(context.Background(), h, jobspec, urgency, flags)
}

// SubmitContext is Submit with a context for the one-time lookup of the
// instance owner.
func SubmitContext(ctx context.Context, h *runtime.Handle, jobspec string, urgency, flags int) (*runtime.Future, error) {
	if h == nil {
		return nil, einval()
	}
	J := jobspec
	if flags&FlagPreSigned != 0 {
		flags &^= FlagPreSigned
	} else {
		uid := uint32(os.Getuid())
		if owner, ok := instanceOwner(ctx, h); ok && owner != uid {
			f := runtime.NewFuture()
			text := ErrGuestNoneSigning
			f.FulfillError(int(syscall.EPERM), &text)
			f.SetFlux(h)
			return f, nil
		}
		J = SignNone([]byte(jobspec), uid)
	}
	return rpcJSON(h, "job-ingest.submit", submitRequest{J: J, Urgency: urgency, Flags: flags}, 0)
}

// instanceOwner returns the instance owner's userid, when the broker says.
func instanceOwner(ctx context.Context, h *runtime.Handle) (uint32, bool) {
	s, err := h.AttrGetContext(ctx, "security.owner")
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(v), true
}

// SubmitGetID returns the id of a submitted job (flux_job_submit_get_id).
func SubmitGetID(f *runtime.Future) (ID, error) { return getID(f) }
