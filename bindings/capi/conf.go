package main

/*
#include "capi.h"
*/
import "C"

import "unsafe"

// fluxgo_held lets hand-written C (conf.c) find what it tied to an owner
// with fluxgo_hold: the pointer held under slot, or NULL.
//
//export fluxgo_held
func fluxgo_held(owner unsafe.Pointer, slot *C.char) (ret unsafe.Pointer) {
	defer func() {
		if recover() != nil {
			ret = nil
		}
	}()
	return heldPointer(owner, C.GoString(slot))
}
