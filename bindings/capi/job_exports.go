package main

// Hand-written exports of job.h (spec binding "go"): each is one call into
// package runtime/job with the C arguments converted. Their C entry points
// are generated and set errno last; the variadic ones are in job.c.

/*
#include <stdlib.h>
#include <stdbool.h>
#include "flux/core.h"

int fluxgo_f58_unicode (void);
*/
import "C"

import (
	"context"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/job"
)

// futureOut registers a new future for C, or reports err.
func futureOut(f *fluxrt.Future, err error, errp *C.int) *C.flux_future_t {
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_future_t)(registerFuture(f))
}

// handleArg looks up a flux_t *.
func handleArg(h *C.flux_t) (*fluxrt.Handle, error) { return lookupHandle(unsafe.Pointer(h)) }

// futureArg looks up a flux_future_t *.
func futureArg(f *C.flux_future_t) (*fluxrt.Future, error) { return lookupFuture(unsafe.Pointer(f)) }

// copyToBuf copies s into buf with its NUL, as snprintf would: EINVAL
// for a NULL buffer or a size below 1, EOVERFLOW when s does not fit. It
// returns len(s).
func copyToBuf(buf *C.char, bufsz int, s string) (int, error) {
	if buf == nil || bufsz <= 0 {
		return -1, fluxrt.ErrnoError(syscall.EINVAL)
	}
	if len(s) >= bufsz {
		return -1, fluxrt.ErrnoError(syscall.EOVERFLOW)
	}
	copyOut(unsafe.Pointer(buf), len(s)+1, append([]byte(s), 0))
	return len(s), nil
}

// cstringSame returns a C copy of s owned by owner under slot, reusing the
// copy already there when it holds the same text, so a pointer handed out
// for the current response stays valid when it is asked for again.
func cstringSame(owner unsafe.Pointer, slot, s string) *C.char {
	if p := heldPointer(owner, slot); p != nil && C.GoString((*C.char)(p)) == s {
		return (*C.char)(p)
	}
	return cstringFor(owner, slot, &s)
}

//export fluxgo_flux_job_id_parse
func fluxgo_flux_job_id_parse(s *C.char, id *C.flux_jobid_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if s == nil || id == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	v, err := job.IDParse(C.GoString(s))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	*id = C.flux_jobid_t(v)
	return 0
}

//export fluxgo_flux_job_id_encode
func fluxgo_flux_job_id_encode(id C.flux_jobid_t, typ *C.char, buf *C.char, bufsz C.size_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if buf == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	enc := goStringOrEmpty(typ)
	var s string
	var err error
	if len(enc) == 3 && (enc[0]|0x20) == 'f' && enc[1] == '5' && enc[2] == '8' {
		// "f58" follows the C locale, as flux-core's does.
		s = job.F58Encode(uint64(id), C.fluxgo_f58_unicode() != 0)
	} else {
		s, err = job.IDEncode(uint64(id), enc)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if uint64(len(s))+1 > uint64(bufsz) {
		setError(errp, fluxrt.ErrnoError(syscall.EOVERFLOW), nil)
		return -1
	}
	copyOut(unsafe.Pointer(buf), len(s)+1, append([]byte(s), 0))
	return 0
}

//export fluxgo_flux_job_statetostr
func fluxgo_flux_job_statetostr(state C.flux_job_state_t, fmt *C.char, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	s := job.StateToString(job.State(state), goStringOrEmpty(fmt))
	return staticCString(&s)
}

//export fluxgo_flux_job_strtostate
func fluxgo_flux_job_strtostate(s *C.char, state *C.flux_job_state_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if s == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	v, err := job.StringToState(C.GoString(s))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if state != nil {
		*state = C.flux_job_state_t(v)
	}
	return 0
}

//export fluxgo_flux_job_resulttostr
func fluxgo_flux_job_resulttostr(result C.flux_job_result_t, fmt *C.char, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	s := job.ResultToString(job.Result(result), goStringOrEmpty(fmt))
	return staticCString(&s)
}

//export fluxgo_flux_job_strtoresult
func fluxgo_flux_job_strtoresult(s *C.char, result *C.flux_job_result_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if s == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	v, err := job.StringToResult(C.GoString(s))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if result != nil {
		*result = C.flux_job_result_t(v)
	}
	return 0
}

//export fluxgo_flux_job_submit
func fluxgo_flux_job_submit(h *C.flux_t, jobspec *C.char, urgency C.int, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if h == nil || jobspec == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.Submit(rh, C.GoString(jobspec), int(urgency), int(flags))
	return futureOut(f, err, errp)
}

// idOut stores an id read by get into *id (when not NULL).
func idOut(cf *C.flux_future_t, id *C.flux_jobid_t, errp *C.int, get func(*fluxrt.Future) (job.ID, error)) C.int {
	f, err := futureArg(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	v, err := get(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if id != nil {
		*id = C.flux_jobid_t(v)
	}
	return 0
}

//export fluxgo_flux_job_submit_get_id
func fluxgo_flux_job_submit_get_id(f *C.flux_future_t, id *C.flux_jobid_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return idOut(f, id, errp, job.SubmitGetID)
}

//export fluxgo_flux_job_wait
func fluxgo_flux_job_wait(h *C.flux_t, id C.flux_jobid_t, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.Wait(rh, uint64(id))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_wait_get_status
func fluxgo_flux_job_wait_get_status(cf *C.flux_future_t, success *C.bool, errstr **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	f, err := futureArg(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	ok, text, err := job.WaitGetStatus(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if success != nil {
		*success = C.bool(ok)
	}
	if errstr != nil {
		*errstr = cstringSame(unsafe.Pointer(cf), "job_wait_errstr", text)
	}
	return 0
}

//export fluxgo_flux_job_wait_get_id
func fluxgo_flux_job_wait_get_id(f *C.flux_future_t, id *C.flux_jobid_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return idOut(f, id, errp, job.WaitGetID)
}

// attrsArg is the attribute list of the list functions; NULL is EINVAL.
func attrsArg(s *C.char) (string, error) {
	if s == nil {
		return "", fluxrt.ErrnoError(syscall.EINVAL)
	}
	return C.GoString(s), nil
}

//export fluxgo_flux_job_list
func fluxgo_flux_job_list(h *C.flux_t, max C.int, attrs *C.char, userid C.uint32_t, states C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	a, err := attrsArg(attrs)
	if err != nil || max < 0 {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.List(rh, int(max), a, uint32(userid), int(states))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_list_inactive
func fluxgo_flux_job_list_inactive(h *C.flux_t, max C.int, since C.double, attrs *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	a, err := attrsArg(attrs)
	if err != nil || max < 0 || since < 0 {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.ListInactive(rh, int(max), float64(since), a)
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_list_id
func fluxgo_flux_job_list_id(h *C.flux_t, id C.flux_jobid_t, attrs *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	a, err := attrsArg(attrs)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.ListID(rh, uint64(id), a)
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_raise
func fluxgo_flux_job_raise(h *C.flux_t, id C.flux_jobid_t, typ *C.char, severity C.int, note *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if typ == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.Raise(rh, uint64(id), C.GoString(typ), int(severity), goStringPtr(note))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_cancel
func fluxgo_flux_job_cancel(h *C.flux_t, id C.flux_jobid_t, reason *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.Cancel(rh, uint64(id), goStringPtr(reason))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_kill
func fluxgo_flux_job_kill(h *C.flux_t, id C.flux_jobid_t, signum C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if signum <= 0 {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.Kill(rh, uint64(id), int(signum))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_set_urgency
func fluxgo_flux_job_set_urgency(h *C.flux_t, id C.flux_jobid_t, urgency C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.SetUrgency(rh, uint64(id), int(urgency))
	return futureOut(f, err, errp)
}

// keyOut copies a computed KVS key into buf.
func keyOut(buf *C.char, bufsz C.int, key string, errp *C.int) C.int {
	n, err := copyToBuf(buf, int(bufsz), key)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return C.int(n)
}

//export fluxgo_flux_job_kvs_key
func fluxgo_flux_job_kvs_key(buf *C.char, bufsz C.int, id C.flux_jobid_t, key *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if buf == nil || bufsz <= 0 {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	return keyOut(buf, bufsz, job.KVSKey(uint64(id), goStringPtr(key)), errp)
}

//export fluxgo_flux_job_kvs_guest_key
func fluxgo_flux_job_kvs_guest_key(buf *C.char, bufsz C.int, id C.flux_jobid_t, key *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	if buf == nil || bufsz <= 0 {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return -1
	}
	_, inJob := cLookupEnv("FLUX_KVS_NAMESPACE")
	return keyOut(buf, bufsz, job.KVSGuestKeyIn(uint64(id), goStringPtr(key), inJob), errp)
}

//export fluxgo_flux_job_kvs_namespace
func fluxgo_flux_job_kvs_namespace(buf *C.char, bufsz C.int, id C.flux_jobid_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return keyOut(buf, bufsz, job.KVSNamespace(uint64(id)), errp)
}

//export fluxgo_flux_job_event_watch
func fluxgo_flux_job_event_watch(h *C.flux_t, id C.flux_jobid_t, path *C.char, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if path == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.EventWatch(rh, uint64(id), C.GoString(path), int(flags))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_event_watch_get
func fluxgo_flux_job_event_watch_get(cf *C.flux_future_t, event **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	f, err := futureArg(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	e, err := job.EventWatchGet(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if event != nil {
		if e == nil {
			*event = nil
		} else {
			*event = cstringSame(unsafe.Pointer(cf), "job_event", *e)
		}
	}
	return 0
}

//export fluxgo_flux_job_event_watch_cancel
func fluxgo_flux_job_event_watch_cancel(cf *C.flux_future_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	f, err := futureArg(cf)
	if err == nil {
		err = job.EventWatchCancel(f)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

//export fluxgo_flux_job_result
func fluxgo_flux_job_result(h *C.flux_t, id C.flux_jobid_t, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := job.ResultFuture(rh, uint64(id), int(flags))
	return futureOut(f, err, errp)
}

//export fluxgo_flux_job_result_get
func fluxgo_flux_job_result_get(cf *C.flux_future_t, jsonStr **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	f, err := futureArg(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	s, err := job.ResultGet(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if jsonStr != nil {
		*jsonStr = cstringKept(unsafe.Pointer(cf), "job_result", s)
	}
	return 0
}

// fluxgo_job_result_object returns a flux_job_result future's result
// object as malloc'd JSON, for flux_job_result_get_unpack in job.c.
//
//export fluxgo_job_result_object
func fluxgo_job_result_object(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	f, err := futureArg(cf)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	o, err := job.ResultObject(f)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	b, err := o.MarshalJSON()
	if err != nil {
		setError(errp, fluxrt.ErrnoError(syscall.ENOMEM), nil)
		return nil
	}
	s := string(b)
	return mallocCString(&s)
}

//export fluxgo_flux_job_timeleft
func fluxgo_flux_job_timeleft(h *C.flux_t, ebuf *C.flux_error_t, timeleft *C.double, errp *C.int) (ret C.int) {
	defer recoverTo(errp, ebuf, &ret, -1)
	clearErrorBuf(ebuf) // flux-core overwrites the buffer
	if h == nil || timeleft == nil {
		setError(errp, fluxrt.Errorf(syscall.EINVAL, "Invalid argument"), ebuf)
		return -1
	}
	rh, err := handleArg(h)
	if err != nil {
		setError(errp, err, ebuf)
		return -1
	}
	var jobID *string
	if s, ok := cLookupEnv("FLUX_JOB_ID"); ok {
		jobID = &s
	}
	v, err := job.TimeleftFor(context.Background(), rh, jobID)
	if err != nil {
		setError(errp, err, ebuf)
		return -1
	}
	*timeleft = C.double(v)
	return 0
}

//export fluxgo_flux_unwrap_string
func fluxgo_flux_unwrap_string(in *C.char, verify C.bool, userid *C.uint32_t, ebuf *C.flux_error_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, ebuf, &ret, nil)
	clearErrorBuf(ebuf)
	if in == nil {
		setError(errp, fluxrt.Errorf(syscall.EINVAL, "sign-none-unwrap failed: Invalid argument"), ebuf)
		return nil
	}
	s, uid, err := job.UnwrapString(C.GoString(in), bool(verify))
	if err != nil {
		setError(errp, err, ebuf)
		return nil
	}
	if userid != nil {
		*userid = C.uint32_t(uid)
	}
	return mallocCString(&s)
}

//export fluxgo_flux_job_waitstatus_to_exitcode
func fluxgo_flux_job_waitstatus_to_exitcode(status C.int, ebuf *C.flux_error_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, ebuf, &ret, -1)
	clearErrorBuf(ebuf)
	code, text, err := job.WaitstatusToExitcode(int(status))
	if err != nil {
		setError(errp, err, ebuf)
		return -1
	}
	if ebuf != nil && text != "" {
		fillErrorBuf(ebuf, text)
	}
	return C.int(code)
}
