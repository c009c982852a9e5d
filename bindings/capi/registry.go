package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"sync"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// A handle token is a small block of C memory whose address is the flux_t *
// a C caller holds. Go pointers never reach C: the registry maps tokens to
// runtime handles and back. A pointer that is not a live token (freed,
// foreign, garbage) is refused with EINVAL instead of being dereferenced.
const tokenSize = 16

// capiTokenKey is the aux key under which a handle keeps the destructor
// that retires its token when the handle is destroyed.
const capiTokenKey = "fluxgo::capi_token"

var registry = struct {
	sync.RWMutex
	byToken  map[unsafe.Pointer]*fluxrt.Handle
	byHandle map[*fluxrt.Handle]unsafe.Pointer
}{
	byToken:  map[unsafe.Pointer]*fluxrt.Handle{},
	byHandle: map[*fluxrt.Handle]unsafe.Pointer{},
}

// registerHandle returns the token of h, making one on first use. nil maps
// to NULL.
func registerHandle(h *fluxrt.Handle) unsafe.Pointer {
	if h == nil {
		return nil
	}
	registry.Lock()
	if tok, ok := registry.byHandle[h]; ok {
		registry.Unlock()
		return tok
	}
	tok := C.calloc(1, tokenSize)
	registry.byToken[tok] = h
	registry.byHandle[h] = tok
	registry.Unlock()
	key := capiTokenKey
	// Retire the token when the handle is destroyed, so that a stale
	// pointer is refused afterwards.
	_ = h.AuxSet(&key, tok, func(any) { retireHandle(h) })
	return tok
}

// retireHandle forgets h's token and frees its memory.
func retireHandle(h *fluxrt.Handle) {
	registry.Lock()
	tok, ok := registry.byHandle[h]
	if ok {
		delete(registry.byHandle, h)
		delete(registry.byToken, tok)
	}
	registry.Unlock()
	if ok {
		freeCStrings(tok)
		C.free(tok)
	}
}

// lookupHandle returns the runtime handle behind a C flux_t *.
func lookupHandle(p unsafe.Pointer) (*fluxrt.Handle, error) {
	if p == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "handle is NULL")
	}
	registry.RLock()
	h, ok := registry.byToken[p]
	registry.RUnlock()
	if !ok {
		return nil, fluxrt.Errorf(syscall.EINVAL, "not a live flux_t handle")
	}
	return h, nil
}
