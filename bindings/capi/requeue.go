package main

/*
#include "flux/core.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Requeued messages keep their C identity: flux_requeue takes a reference
// on the token and remembers it under the runtime message, and when the
// runtime hands that message back to C (flux_recv, a message handler, a
// future's response), registerMsg returns the same token, with that
// reference, instead of a new one — so C gets the same flux_msg_t * with
// its aux items, as with flux-core. (A requeued message that never comes
// back to C, because its handle is destroyed first, keeps its token.)
var requeued = struct {
	sync.Mutex
	toks map[*msg.Message]unsafe.Pointer
	n    atomic.Int64 // len(toks), read without the lock
}{toks: map[*msg.Message]unsafe.Pointer{}}

// rememberRequeued records that a runtime queue holds tok's message m
// under a reference taken on tok. Like flux-core, which keeps a message
// in at most one queue at a time, it refuses a message already queued.
func rememberRequeued(m *msg.Message, tok unsafe.Pointer) bool {
	requeued.Lock()
	defer requeued.Unlock()
	if _, ok := requeued.toks[m]; ok {
		return false
	}
	requeued.toks[m] = tok
	requeued.n.Store(int64(len(requeued.toks)))
	return true
}

// forgetRequeued drops the record of rememberRequeued (the requeue failed
// after all).
func forgetRequeued(m *msg.Message) {
	requeued.Lock()
	delete(requeued.toks, m)
	requeued.n.Store(int64(len(requeued.toks)))
	requeued.Unlock()
}

// takeRequeued returns the token of m remembered by a requeue, with its
// reference, or nil when m was not requeued from C (without locking when
// nothing is requeued: every message handed to C asks).
func takeRequeued(m *msg.Message) unsafe.Pointer {
	if requeued.n.Load() == 0 {
		return nil
	}
	requeued.Lock()
	defer requeued.Unlock()
	tok, ok := requeued.toks[m]
	if ok {
		delete(requeued.toks, m)
		requeued.n.Store(int64(len(requeued.toks)))
	}
	return tok
}

// fluxgo_flux_requeue implements flux_requeue.
//
//export fluxgo_flux_requeue
func fluxgo_flux_requeue(h *C.flux_t, m *C.flux_msg_t, flags C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	hd, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	tok := unsafe.Pointer(m)
	gm, err := lookupMsg(tok)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if !rememberRequeued(gm, tok) {
		setError(errp, errInvalid("message is already queued"), nil)
		return -1
	}
	if err := increfMsg(tok); err != nil {
		forgetRequeued(gm)
		setError(errp, err, nil)
		return -1
	}
	if err := hd.Requeue(gm, int(flags)); err != nil {
		forgetRequeued(gm)
		releaseMsg(tok)
		setError(errp, err, nil)
		return -1
	}
	return 0
}
