package main

// flux_watcher_t tokens laid out as flux-core's private watcher
// structure, so that the copies of flux-core's generic watcher functions
// linked into some of its commands work on our watchers (the layout and
// the two ways a token is disposed of are described in watcher_compat.h).

/*
#include <stdlib.h>
#include "watcher_compat.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

func init() {
	watchers.newToken = newWatcherToken
	watchers.freeToken = freeWatcherToken
}

// handedBack holds the tokens being destroyed through their ops->destroy
// entry: whoever called it frees them and drops their reactor reference.
var handedBack = struct {
	sync.Mutex
	toks map[unsafe.Pointer]bool
}{toks: map[unsafe.Pointer]bool{}}

// newWatcherToken makes w's token: the reactor (with a reference held by
// the token), the operations table and the referenced state; fn and arg
// are filled in by registerNewWatcher. Runs with watchers.mu held.
func newWatcherToken(w *fluxrt.Watcher) unsafe.Pointer {
	t := (*C.struct_fluxgo_watcher_token)(C.calloc(1, C.sizeof_struct_fluxgo_watcher_token))
	tok := unsafe.Pointer(t)
	r := w.Reactor()
	r.Incref()
	t.r = (*C.flux_reactor_t)(registerReactor(r))
	t.ops = &C.fluxgo_watcher_ops
	t.unreferenced = C.bool(!w.IsReferenced())
	w.OnReferenceChange(func(referenced bool) {
		watchers.mu.RLock()
		if watchers.byObj[w] == tok {
			t.unreferenced = C.bool(!referenced)
		}
		watchers.mu.RUnlock()
	})
	return tok
}

// freeWatcherToken disposes of a retired token: nothing to do when its
// destroy came through ops->destroy (the caller frees it and drops the
// reactor reference), else free it and drop that reference here.
func freeWatcherToken(tok unsafe.Pointer, w *fluxrt.Watcher) {
	handedBack.Lock()
	back := handedBack.toks[tok]
	delete(handedBack.toks, tok)
	handedBack.Unlock()
	if back {
		return
	}
	w.OnReferenceChange(nil)
	r := w.Reactor()
	C.free(tok)
	r.Decref()
}

// registerNewWatcher returns the token of a watcher just created through
// C with callback fn and its arg, recording both in the token.
func registerNewWatcher(w *fluxrt.Watcher, fn C.flux_watcher_f, arg unsafe.Pointer) unsafe.Pointer {
	tok := registerWatcher(w)
	if tok != nil {
		t := (*C.struct_fluxgo_watcher_token)(tok)
		t.fn = fn
		t.arg = arg
	}
	return tok
}

// fluxgo_watcher_op_destroy is the destroy entry of the operations
// table: it destroys the watcher and forgets the token, leaving the
// token's memory and its reactor reference to the caller (a copy of
// flux-core's flux_watcher_destroy, which frees both next). A pointer
// that is not a live token is ignored.
//
//export fluxgo_watcher_op_destroy
func fluxgo_watcher_op_destroy(w *C.flux_watcher_t) {
	var e C.int
	defer recoverVoid(&e, nil)
	p := unsafe.Pointer(w)
	ww, err := lookupWatcher(p)
	if err != nil {
		return
	}
	handedBack.Lock()
	handedBack.toks[p] = true
	handedBack.Unlock()
	ww.OnReferenceChange(nil)
	ww.Destroy()
}
