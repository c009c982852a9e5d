package main

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// tokenSize is the size of the C memory block behind each pointer handed
// to C (see objectNames and tokenTable).
const tokenSize = 16

// capiTokenKey is the aux key under which a handle or future keeps the
// destructor that retires its C pointer when it is destroyed.
const capiTokenKey = "fluxgo::capi_token"

// A flux_t * handed to C names a runtime handle (root or clone) for as
// long as it lives (see objectNames); destroying the handle retires it, so
// a stale pointer is refused with EINVAL.
var handles = newObjectNames("flux_t", func(h *fluxrt.Handle, retire func()) {
	key := capiTokenKey
	_ = h.AuxSet(&key, unsafe.Pointer(&key), func(any) { retire() })
})

// registerHandle returns the C pointer of h; nil is NULL.
func registerHandle(h *fluxrt.Handle) unsafe.Pointer { return handles.token(h) }

// lookupHandle returns the runtime handle behind a C flux_t *.
func lookupHandle(p unsafe.Pointer) (*fluxrt.Handle, error) { return handles.lookup(p) }
