package main

/*
#include "flux/core.h"

static inline void fluxgo_call_free (flux_free_f fn, void *arg)
{
    fn (arg);
}
*/
import "C"

import "unsafe"

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
