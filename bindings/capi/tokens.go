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

// tokenTable hands C stable pointers ("tokens": small blocks of C memory)
// for reference-counted Go objects: messages, whose C references are the
// tokens' own (unlike objectNames, whose references are the object's). Go
// pointers never reach C. A pointer that is not a live token is refused
// with EINVAL instead of being dereferenced.
type tokenTable[T any] struct {
	what string // for error texts: "flux_msg_t"
	mu   sync.Mutex
	live map[unsafe.Pointer]*tokenEntry[T]
	// onLast runs after the last reference is dropped, outside the lock.
	onLast func(tok unsafe.Pointer, v *T)
	// size is the size of each token's C block (at least tokenSize);
	// onAdd, if set, fills a new token's block from its object.
	size  C.size_t
	onAdd func(tok unsafe.Pointer, v *T)
}

type tokenEntry[T any] struct {
	v    *T
	refs int
	aux  fluxrt.AuxStore // flux_msg_aux_set items, destroyed with the last reference
}

func newTokenTable[T any](what string, onLast func(unsafe.Pointer, *T)) *tokenTable[T] {
	return &tokenTable[T]{what: what, live: map[unsafe.Pointer]*tokenEntry[T]{}, onLast: onLast, size: tokenSize}
}

// add hands C a new reference to v under a fresh token; nil is NULL.
func (t *tokenTable[T]) add(v *T) unsafe.Pointer {
	if v == nil {
		return nil
	}
	tok := C.calloc(1, t.size)
	if t.onAdd != nil {
		t.onAdd(tok, v)
	}
	t.mu.Lock()
	t.live[tok] = &tokenEntry[T]{v: v, refs: 1}
	t.mu.Unlock()
	return tok
}

// get returns the object behind a token.
func (t *tokenTable[T]) get(p unsafe.Pointer) (*T, error) {
	if p == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "%s is NULL", t.what)
	}
	t.mu.Lock()
	e, ok := t.live[p]
	t.mu.Unlock()
	if !ok {
		return nil, fluxrt.Errorf(syscall.EINVAL, "not a live %s", t.what)
	}
	return e.v, nil
}

// auxOf returns the aux container of the live token p.
func (t *tokenTable[T]) auxOf(p unsafe.Pointer) (*fluxrt.AuxStore, error) {
	if p == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "%s is NULL", t.what)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live[p]
	if !ok {
		return nil, fluxrt.Errorf(syscall.EINVAL, "not a live %s", t.what)
	}
	return &e.aux, nil
}

// refs returns how many references C holds on p (0 if it is not live).
func (t *tokenTable[T]) refs(p unsafe.Pointer) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.live[p]; ok {
		return e.refs
	}
	return 0
}

// incref takes another reference on p.
func (t *tokenTable[T]) incref(p unsafe.Pointer) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live[p]
	if !ok {
		return fluxrt.Errorf(syscall.EINVAL, "not a live %s", t.what)
	}
	e.refs++
	return nil
}

// release drops one reference on p; the last one runs onLast, frees the
// C strings cached for p and frees the token. Unknown pointers and NULL
// are ignored, as flux-core's destroy functions ignore NULL.
func (t *tokenTable[T]) release(p unsafe.Pointer) {
	if p == nil {
		return
	}
	t.mu.Lock()
	e, ok := t.live[p]
	last := false
	if ok {
		e.refs--
		if e.refs <= 0 {
			delete(t.live, p)
			last = true
		}
	}
	t.mu.Unlock()
	if !last {
		return
	}
	e.aux.Destroy()
	if t.onLast != nil {
		t.onLast(p, e.v)
	}
	freeCStrings(p)
	C.free(p)
}
