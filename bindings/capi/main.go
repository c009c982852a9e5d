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
//
// File descriptors: a C host sees only the descriptors of its handles, as
// with flux-core (whose own tests count them). The Go runtime would keep
// the cgroup CPU-limit files open to track GOMAXPROCS, opened on a thread
// of its own after the library loads; the go:debug settings below turn
// that off, so GOMAXPROCS is the machine's CPU count as before Go 1.25.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

/*
#cgo CFLAGS: -I${SRCDIR}/include -Wall
#cgo LDFLAGS: -ljansson
*/
import "C"

func main() {}
