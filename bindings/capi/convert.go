package main

/*
#include "flux/core.h"

static inline void fluxgo_call_free (flux_free_f fn, void *arg)
{
    fn (arg);
}
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// goStringPtr converts a C string that may be NULL: NULL becomes nil.
func goStringPtr(s *C.char) *string {
	if s == nil {
		return nil
	}
	v := C.GoString(s)
	return &v
}

// pointerToAny stores a C pointer as runtime data; NULL becomes nil, so
// the runtime sees "no value".
func pointerToAny(p unsafe.Pointer) any {
	if p == nil {
		return nil
	}
	return p
}

// anyToPointer returns the C pointer stored by pointerToAny; anything else
// (including Go values stored by Go callers) reads as NULL.
func anyToPointer(v any) unsafe.Pointer {
	p, _ := v.(unsafe.Pointer)
	return p
}

// freeFunc wraps a C destructor for the runtime. The runtime calls it
// synchronously from the call that drops the data (flux_close,
// flux_aux_set), so it runs on that C caller's thread. NULL yields nil.
func freeFunc(fn C.flux_free_f) func(any) {
	if fn == nil {
		return nil
	}
	return func(v any) {
		C.fluxgo_call_free(fn, anyToPointer(v))
	}
}

// goStringOrEmpty converts a C string, NULL reading as "".
func goStringOrEmpty(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// slotName names a cached C string by the function that returned it and
// the string arguments it was called with (flux_attr_get's name).
func slotName(fn string, args ...string) string {
	for _, a := range args {
		fn += "\x00" + a
	}
	return fn
}

// goBytes copies n bytes at p into Go memory; NULL or n <= 0 is nil.
func goBytes(p unsafe.Pointer, n int) []byte {
	if p == nil || n <= 0 {
		return nil
	}
	return C.GoBytes(p, C.int(n))
}

// copyOut copies b into the C buffer p of size n.
func copyOut(p unsafe.Pointer, n int, b []byte) {
	if p == nil || n <= 0 {
		return
	}
	copy(unsafe.Slice((*byte)(p), n), b)
}

// matchFromC converts a struct flux_match.
func matchFromC(m C.struct_flux_match) fluxrt.Match {
	return fluxrt.Match{
		TypeMask:  int(m.typemask),
		Matchtag:  uint32(m.matchtag),
		TopicGlob: goStringOrEmpty(m.topic_glob),
	}
}

// countersToC fills a flux_msgcounters_t.
func countersToC(out *C.flux_msgcounters_t, c fluxrt.Msgcounters) {
	out.request_tx = C.int(c.RequestTx)
	out.request_rx = C.int(c.RequestRx)
	out.response_tx = C.int(c.ResponseTx)
	out.response_rx = C.int(c.ResponseRx)
	out.event_tx = C.int(c.EventTx)
	out.event_rx = C.int(c.EventRx)
	out.control_tx = C.int(c.ControlTx)
	out.control_rx = C.int(c.ControlRx)
}
