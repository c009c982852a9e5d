package main

/*
#include <stdlib.h>
#include "capi.h"
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Functions such as flux_msg_get_topic and flux_attr_get return a const
// char * that stays valid while the object it came from lives; the pack
// and unpack functions keep parsed JSON alive the same way. Such C memory
// is kept per owner (the token of the message, handle or future) and slot
// (what it is), replaced when the same slot is filled again, and freed
// with its owner.
type ownedC struct {
	p    unsafe.Pointer
	free C.flux_free_f // nil: free(3)
}

var owned = struct {
	sync.Mutex
	byOwner map[unsafe.Pointer]map[string]ownedC
}{byOwner: map[unsafe.Pointer]map[string]ownedC{}}

// hold makes owner responsible for p (freed with fn, or free(3) when fn
// is nil) under slot, freeing what the slot held before. A nil p just
// empties the slot.
func hold(owner unsafe.Pointer, slot string, p unsafe.Pointer, fn C.flux_free_f) {
	if p != nil {
		messages.markHeld(owner)
	}
	owned.Lock()
	slots := owned.byOwner[owner]
	if slots == nil {
		slots = map[string]ownedC{}
		owned.byOwner[owner] = slots
	}
	old, had := slots[slot]
	if p != nil {
		slots[slot] = ownedC{p: p, free: fn}
	} else {
		delete(slots, slot)
	}
	owned.Unlock()
	if had && old.p != p {
		C.fluxgo_free_with(old.free, old.p)
	}
}

// cstringFor returns a C copy of s owned by owner under slot. A nil s
// yields NULL (and drops what the slot held).
func cstringFor(owner unsafe.Pointer, slot string, s *string) *C.char {
	var c unsafe.Pointer
	if s != nil {
		c = C.CBytes(append([]byte(*s), 0))
	}
	hold(owner, slot, c, nil)
	return (*C.char)(c)
}

// cbytesFor is cstringFor for binary data: a C copy of b (NUL-padded so
// string-minded callers stay in bounds) owned by owner under slot.
func cbytesFor(owner unsafe.Pointer, slot string, b []byte) unsafe.Pointer {
	if b == nil {
		hold(owner, slot, nil, nil)
		return nil
	}
	c := C.malloc(C.size_t(len(b) + 1))
	dst := unsafe.Slice((*byte)(c), len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	hold(owner, slot, c, nil)
	return c
}

// freeCStrings frees everything owner holds.
func freeCStrings(owner unsafe.Pointer) {
	owned.Lock()
	slots := owned.byOwner[owner]
	delete(owned.byOwner, owner)
	owned.Unlock()
	for _, o := range slots {
		C.fluxgo_free_with(o.free, o.p)
	}
}

// static C strings: texts such as flux_msg_typestr's that C may keep
// forever; one C copy per distinct text, never freed.
var statics = struct {
	sync.Mutex
	byText map[string]*C.char
}{byText: map[string]*C.char{}}

// staticCString returns the permanent C copy of s; nil yields NULL.
func staticCString(s *string) *C.char {
	if s == nil {
		return nil
	}
	statics.Lock()
	defer statics.Unlock()
	c, ok := statics.byText[*s]
	if !ok {
		c = C.CString(*s)
		statics.byText[*s] = c
	}
	return c
}

// mallocCString returns a malloc'd C copy of s for the caller to free;
// nil yields NULL.
func mallocCString(s *string) *C.char {
	if s == nil {
		return nil
	}
	return C.CString(*s)
}

// cstringKept returns a C copy of s owned by owner under slot, reusing the
// copy the slot already holds: the pointer stays the same, and valid, for
// as long as the owner lives (names handed out while iterating).
func cstringKept(owner unsafe.Pointer, slot, s string) *C.char {
	owned.Lock()
	if old, ok := owned.byOwner[owner][slot]; ok {
		owned.Unlock()
		return (*C.char)(old.p)
	}
	owned.Unlock()
	return cstringFor(owner, slot, &s)
}

// heldPointer returns what owner holds under slot, or nil.
func heldPointer(owner unsafe.Pointer, slot string) unsafe.Pointer {
	owned.Lock()
	defer owned.Unlock()
	return owned.byOwner[owner][slot].p
}
