package main

// Hand-written exports of flux_future_first_child and
// flux_future_next_child (spec binding "go"): the names they return must
// keep their address while the composite lives. Their C entry points are
// generated and set errno last.

/*
#include "flux/core.h"
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// fluxgo_flux_future_first_child implements flux_future_first_child.
//
//export fluxgo_flux_future_first_child
func fluxgo_flux_future_first_child(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	return childName(cf, (*fluxrt.Future).FirstChild, errp)
}

// fluxgo_flux_future_next_child implements flux_future_next_child.
//
//export fluxgo_flux_future_next_child
func fluxgo_flux_future_next_child(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	return childName(cf, (*fluxrt.Future).NextChild, errp)
}

// childName returns a composite's child name as a C string that stays the
// same pointer, and valid, while the composite lives.
func childName(cf *C.flux_future_t, step func(*fluxrt.Future) (*string, error), errp *C.int) *C.char {
	f, err := lookupFuture(unsafe.Pointer(cf))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	name, err := step(f)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	if name == nil {
		return nil
	}
	return cstringKept(unsafe.Pointer(cf), "child:"+*name, *name)
}
