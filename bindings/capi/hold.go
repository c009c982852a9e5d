package main

/*
#include "capi.h"
*/
import "C"

import "unsafe"

// fluxgo_hold lets hand-written C (the JSON pack/unpack functions) tie a
// C object to the lifetime of a message or future: owner frees p with fn
// when it is destroyed, or when the same slot is filled again.
//
//export fluxgo_hold
func fluxgo_hold(owner unsafe.Pointer, slot *C.char, p unsafe.Pointer, fn C.flux_free_f) {
	defer func() { _ = recover() }()
	hold(owner, C.GoString(slot), p, fn)
}
