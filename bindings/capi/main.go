// Command capi is built with -buildmode=c-shared into libflux-core.so.2, a
// drop-in for flux-core's client library: every flux_* function of
// <flux/core.h> with flux-core's signature, errno values and error texts.
//
// The layer is thin. zz_generated_exports.go (from spec/handle.yaml)
// converts C arguments and calls package runtime; zz_generated_shims.c holds
// the C entry points, which call those exports and set errno last. The
// hand-written files here hold what the generated code shares: the registry
// that hands C stable pointers for Go objects, error reporting, argument
// conversion and the trampolines that call C function pointers.
//
// Threads: every export runs on the thread of the C call that entered it,
// and so does every C callback it makes (destructors, comms-error
// callbacks): none is called from a goroutine of its own.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/include -Wall
#cgo LDFLAGS: -ljansson
*/
import "C"

func main() {}
