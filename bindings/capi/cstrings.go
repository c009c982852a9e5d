package main

/*
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Functions such as flux_msg_get_topic and flux_attr_get return a const
// char * that stays valid while the object it came from lives. Such C
// strings are kept per owner (the token of the message, handle or future)
// and slot (what the string is), replaced when the same slot is asked for
// again, and freed with their owner.
var cstrings = struct {
	sync.Mutex
	byOwner map[unsafe.Pointer]map[string]unsafe.Pointer
}{byOwner: map[unsafe.Pointer]map[string]unsafe.Pointer{}}

// cstringFor returns a C copy of s owned by owner under slot. A nil s
// yields NULL (and drops what the slot held).
func cstringFor(owner unsafe.Pointer, slot string, s *string) *C.char {
	var c unsafe.Pointer
	if s != nil {
		c = C.CBytes(append([]byte(*s), 0))
	}
	cstrings.Lock()
	slots := cstrings.byOwner[owner]
	if slots == nil {
		slots = map[string]unsafe.Pointer{}
		cstrings.byOwner[owner] = slots
	}
	old := slots[slot]
	if c != nil {
		slots[slot] = c
	} else {
		delete(slots, slot)
	}
	cstrings.Unlock()
	if old != nil {
		C.free(old)
	}
	return (*C.char)(c)
}

// cbytesFor is cstringFor for binary data: a C copy of b (NUL-padded so
// string-minded callers stay in bounds) owned by owner under slot.
func cbytesFor(owner unsafe.Pointer, slot string, b []byte) unsafe.Pointer {
	if b == nil {
		cstringFor(owner, slot, nil)
		return nil
	}
	s := string(b)
	return unsafe.Pointer(cstringFor(owner, slot, &s))
}

// freeCStrings frees every C string kept for owner.
func freeCStrings(owner unsafe.Pointer) {
	cstrings.Lock()
	slots := cstrings.byOwner[owner]
	delete(cstrings.byOwner, owner)
	cstrings.Unlock()
	for _, c := range slots {
		C.free(c)
	}
}
