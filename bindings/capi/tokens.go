package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// tokenTable hands C stable pointers ("tokens": small blocks of C memory)
// for reference-counted Go objects: messages, whose C references are the
// tokens' own (unlike objectNames, whose references are the object's). Go
// pointers never reach C. A pointer that is not a live token is refused
// with EINVAL instead of being dereferenced.
//
// Messages are made and looked up on every message call, so finding a
// token's entry costs no lock, map or allocation: tokens are carved out
// of chunks of C memory that are never freed (a retired token goes back
// to a free list), each chunk carries its entries, and a pointer is
// placed by address among the chunks (one range check while there is a
// single chunk). Only taking and returning a token lock the free list.
type tokenTable[T any] struct {
	what string // for error texts: "flux_msg_t"
	// onLast runs after the last reference is dropped.
	onLast func(tok unsafe.Pointer, v *T)
	// size is the size of each token's C block (at least tokenSize);
	// onAdd, if set, fills a new token's block from its object.
	size  uintptr
	onAdd func(tok unsafe.Pointer, v *T)
	// trackHeld: the C memory cstrings.go keeps for a token is looked
	// for on release only when the token's entry says it holds some
	// (holdMarked); otherwise always.
	trackHeld bool

	mu     sync.Mutex                       // free list and growth
	free   []unsafe.Pointer                 // retired tokens, reused last-in first-out
	chunks atomic.Pointer[[]*tokenChunk[T]] // sorted by address
}

// tokenChunkLen is the number of tokens per chunk of C memory.
const tokenChunkLen = 256

// tokenChunk is one block of C memory holding tokenChunkLen tokens and
// the Go side of each.
type tokenChunk[T any] struct {
	mem     unsafe.Pointer // the C block
	addr    uintptr        // its address
	entries [tokenChunkLen]tokenEntry[T]
}

type tokenEntry[T any] struct {
	v    atomic.Pointer[T] // nil while the token is not live
	refs atomic.Int32
	held atomic.Bool                     // cstrings.go keeps C memory for the token
	aux  atomic.Pointer[fluxrt.AuxStore] // flux_msg_aux_set items, made on first use
}

func newTokenTable[T any](what string, onLast func(unsafe.Pointer, *T)) *tokenTable[T] {
	return &tokenTable[T]{what: what, onLast: onLast, size: tokenSize}
}

// entry returns the entry of the token slot at p, live or not, or nil
// when p is not a token of t. It reads no memory at p.
func (t *tokenTable[T]) entry(p unsafe.Pointer) *tokenEntry[T] {
	cp := t.chunks.Load()
	if cp == nil || p == nil {
		return nil
	}
	cs, a := *cp, uintptr(p)
	lo, hi := 0, len(cs) // the chunk is the last one starting at or below a
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cs[mid].addr <= a {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return nil
	}
	c := cs[lo-1]
	off := a - c.addr
	if off >= tokenChunkLen*t.size || off%t.size != 0 {
		return nil
	}
	return &c.entries[off/t.size]
}

// live returns the entry and object of the live token p.
func (t *tokenTable[T]) live(p unsafe.Pointer) (*tokenEntry[T], *T, error) {
	if p == nil {
		return nil, nil, fluxrt.Errorf(syscall.EINVAL, "%s is NULL", t.what)
	}
	if e := t.entry(p); e != nil {
		if v := e.v.Load(); v != nil {
			return e, v, nil
		}
	}
	return nil, nil, fluxrt.Errorf(syscall.EINVAL, "not a live %s", t.what)
}

// grow adds a chunk of free tokens; t.mu is held.
func (t *tokenTable[T]) grow() {
	mem := C.calloc(tokenChunkLen, C.size_t(t.size))
	if mem == nil {
		panic("out of memory for " + t.what + " tokens")
	}
	c := &tokenChunk[T]{mem: mem, addr: uintptr(mem)}
	var cs []*tokenChunk[T]
	if cp := t.chunks.Load(); cp != nil {
		cs = append(cs, *cp...)
	}
	i := 0
	for i < len(cs) && cs[i].addr < c.addr {
		i++
	}
	cs = append(cs[:i], append([]*tokenChunk[T]{c}, cs[i:]...)...)
	t.chunks.Store(&cs)
	for k := tokenChunkLen - 1; k >= 0; k-- {
		t.free = append(t.free, unsafe.Add(mem, uintptr(k)*t.size))
	}
}

// add hands C a new reference to v under a fresh token; nil is NULL.
func (t *tokenTable[T]) add(v *T) unsafe.Pointer {
	if v == nil {
		return nil
	}
	t.mu.Lock()
	if len(t.free) == 0 {
		t.grow()
	}
	tok := t.free[len(t.free)-1]
	t.free = t.free[:len(t.free)-1]
	t.mu.Unlock()
	clear(unsafe.Slice((*byte)(tok), t.size))
	e := t.entry(tok)
	// A free slot has no aux store and holds nothing (release cleared
	// them); its reference count is 0 or, after a stray extra release,
	// below.
	if e.refs.Load() != 0 {
		e.refs.Store(0)
	}
	e.refs.Add(1)
	if t.onAdd != nil {
		t.onAdd(tok, v)
	}
	e.v.Store(v)
	return tok
}

// get returns the object behind a token.
func (t *tokenTable[T]) get(p unsafe.Pointer) (*T, error) {
	_, v, err := t.live(p)
	return v, err
}

// auxOf returns the aux container of the live token p.
func (t *tokenTable[T]) auxOf(p unsafe.Pointer) (*fluxrt.AuxStore, error) {
	e, _, err := t.live(p)
	if err != nil {
		return nil, err
	}
	if a := e.aux.Load(); a != nil {
		return a, nil
	}
	e.aux.CompareAndSwap(nil, &fluxrt.AuxStore{})
	return e.aux.Load(), nil
}

// refs returns how many references C holds on p (0 if it is not live).
func (t *tokenTable[T]) refs(p unsafe.Pointer) int {
	if e, _, err := t.live(p); err == nil {
		return int(e.refs.Load())
	}
	return 0
}

// incref takes another reference on p.
func (t *tokenTable[T]) incref(p unsafe.Pointer) error {
	e, _, err := t.live(p)
	if err != nil {
		return err
	}
	e.refs.Add(1)
	return nil
}

// markHeld records that cstrings.go keeps C memory for p, if p is one of
// t's tokens.
func (t *tokenTable[T]) markHeld(p unsafe.Pointer) {
	if e := t.entry(p); e != nil {
		e.held.Store(true)
	}
}

// release drops one reference on p; the last one runs onLast, frees the
// C strings cached for p and retires the token. Unknown pointers and NULL
// are ignored, as flux-core's destroy functions ignore NULL.
func (t *tokenTable[T]) release(p unsafe.Pointer) {
	if p == nil {
		return
	}
	e, v, err := t.live(p)
	if err != nil || e.refs.Add(-1) != 0 {
		return
	}
	t.empty(p, e, v)
	t.retire(p)
}

// empty ends the life of the live token p (entry e, object v) whose last
// reference is gone: its aux items are destroyed, onLast runs and its C
// strings are freed. The slot stays reserved until retire.
func (t *tokenTable[T]) empty(p unsafe.Pointer, e *tokenEntry[T], v *T) {
	e.v.Store(nil)
	if e.aux.Load() != nil {
		e.aux.Swap(nil).Destroy()
	}
	if t.onLast != nil {
		t.onLast(p, v)
	}
	if !t.trackHeld || e.held.Load() {
		e.held.Store(false)
		freeCStrings(p)
	}
}

// retire returns the emptied slot p to the free list.
func (t *tokenTable[T]) retire(p unsafe.Pointer) {
	t.mu.Lock()
	t.free = append(t.free, p)
	t.mu.Unlock()
}

// park ends the life of the token p, on which the caller holds the only
// reference, as its release would, but keeps the slot reserved so that
// revive can bring it back with the same address (or retire free it).
func (t *tokenTable[T]) park(p unsafe.Pointer) {
	if e, v, err := t.live(p); err == nil {
		e.refs.Store(0)
		t.empty(p, e, v)
	}
}

// revive makes the parked slot p a live token again, for v, with one
// reference, as add does for a fresh slot.
func (t *tokenTable[T]) revive(p unsafe.Pointer, v *T) unsafe.Pointer {
	clear(unsafe.Slice((*byte)(p), t.size))
	e := t.entry(p)
	e.refs.Store(1)
	if t.onAdd != nil {
		t.onAdd(p, v)
	}
	e.v.Store(v)
	return p
}
