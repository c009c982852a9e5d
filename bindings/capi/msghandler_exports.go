package main

// Hand-written exports of flux_msg_handler_addvec(_ex) and
// flux_msg_handler_delvec (spec binding "go"): C arrays of handler specs
// and of handlers. Their C entry points are generated and set errno last.

/*
#include <stdlib.h>
#include "flux/core.h"
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// fluxgo_flux_msg_handler_addvec_ex implements flux_msg_handler_addvec_ex.
//
//export fluxgo_flux_msg_handler_addvec_ex
func fluxgo_flux_msg_handler_addvec_ex(h *C.flux_t, service *C.char, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return addvec(h, goStringPtr(service), tab, arg, hp, errp)
}

// fluxgo_flux_msg_handler_addvec implements flux_msg_handler_addvec.
//
//export fluxgo_flux_msg_handler_addvec
func fluxgo_flux_msg_handler_addvec(h *C.flux_t, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return addvec(h, nil, tab, arg, hp, errp)
}

// addvec creates a handler per entry of a C table ended by an entry with
// a NULL callback, and hands C a NULL-terminated array of them.
func addvec(h *C.flux_t, service *string, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) C.int {
	hh, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if tab == nil || hp == nil {
		setError(errp, errInvalid("handler table or result pointer is NULL"), nil)
		return -1
	}
	var specs []fluxrt.MsgHandlerSpec
	for p := tab; p.cb != nil; p = (*C.struct_flux_msg_handler_spec)(unsafe.Add(unsafe.Pointer(p), C.sizeof_struct_flux_msg_handler_spec)) {
		specs = append(specs, fluxrt.MsgHandlerSpec{
			TypeMask:  int(p.typemask),
			TopicGlob: goStringOrEmpty(p.topic_glob),
			Cb:        msgHandlerFunc(p.cb, arg),
			Rolemask:  uint32(p.rolemask),
		})
	}
	hs, err := hh.MsgHandlerAddvec(service, specs)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	arr := (**C.flux_msg_handler_t)(C.calloc(C.size_t(len(hs)+1), C.size_t(unsafe.Sizeof(uintptr(0)))))
	out := unsafe.Slice(arr, len(hs)+1)
	for i, mh := range hs {
		out[i] = (*C.flux_msg_handler_t)(registerMsgHandler(mh))
	}
	*hp = arr
	return 0
}

// fluxgo_flux_msg_handler_delvec implements flux_msg_handler_delvec.
//
//export fluxgo_flux_msg_handler_delvec
func fluxgo_flux_msg_handler_delvec(hs **C.flux_msg_handler_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	if hs == nil {
		return
	}
	for p := hs; *p != nil; p = (**C.flux_msg_handler_t)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(uintptr(0)))) {
		if mh, err := lookupMsgHandler(unsafe.Pointer(*p)); err == nil {
			mh.Destroy()
		}
	}
	C.free(unsafe.Pointer(hs))
}
