package main

/*
#include <errno.h>
#include "flux/core.h"

static inline int fluxgo_call_comms_error (flux_comms_error_f fn, flux_t *h,
                                           void *arg, int errnum, int *errout)
{
    int rc;
    errno = errnum;
    rc = fn (h, arg);
    *errout = errno;
    return rc;
}
*/
import "C"

import (
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// commsErrorFunc wraps a C comms-error callback for the runtime. The
// runtime calls it synchronously from the failing send or receive, so it
// runs on the thread of the C call that was sending or receiving. The
// callback sees errno set to the error; a non-zero return fails the
// operation with the errno the callback left.
func commsErrorFunc(fn C.flux_comms_error_f, arg unsafe.Pointer) func(*fluxrt.Handle, error) error {
	if fn == nil {
		return nil
	}
	return func(root *fluxrt.Handle, err error) error {
		var errout C.int
		h := (*C.flux_t)(registerHandle(root))
		rc := C.fluxgo_call_comms_error(fn, h, arg, C.int(fluxrt.ErrnoOf(err)), &errout)
		if rc == 0 {
			return nil
		}
		if errout == 0 {
			return err
		}
		return fluxrt.ErrnoError(syscall.Errno(errout))
	}
}
