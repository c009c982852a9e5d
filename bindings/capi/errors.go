package main

/*
#include "flux/core.h"
*/
import "C"

import (
	"fmt"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// errorTextSize is sizeof(((flux_error_t *)0)->text).
const errorTextSize = 160

// setError reports err to the C shim through errp (which stores it in
// errno last) and, when buf is not NULL and still empty, writes err's text
// into it the way flux-core's error helpers do.
func setError(errp *C.int, err error, buf *C.flux_error_t) {
	if errp != nil {
		*errp = C.int(fluxrt.ErrnoOf(err))
	}
	if buf != nil && buf.text[0] == 0 {
		fillErrorBuf(buf, fluxrt.ErrorText(err))
	}
}

// fillErrorBuf copies text into buf, NUL-terminated. Text that does not fit
// is cut to 159 bytes with a '+' in place of byte 158, marking the cut.
func fillErrorBuf(buf *C.flux_error_t, text string) {
	dst := unsafe.Slice((*byte)(unsafe.Pointer(&buf.text[0])), errorTextSize)
	n := copy(dst[:errorTextSize-1], text)
	dst[n] = 0
	if len(text) >= errorTextSize {
		dst[errorTextSize-2] = '+'
	}
}

// clearErrorBuf zero-fills buf, so that it reads "" after a success.
func clearErrorBuf(buf *C.flux_error_t) {
	if buf == nil {
		return
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(&buf.text[0])), errorTextSize)
	clear(dst)
}

// errInvalid is the EINVAL error for a bad argument.
func errInvalid(what string) error { return fluxrt.Errorf(syscall.EINVAL, "%s", what) }

// panicError turns a recovered panic into an error for C: a bug in Go
// must not bring down the C host, so it becomes EIO with the panic text.
func panicError(r any) error {
	if e, ok := r.(error); ok {
		return fluxrt.Errorf(syscall.EIO, "internal error: %v", e)
	}
	return fluxrt.Errorf(syscall.EIO, "internal error: %s", fmt.Sprint(r))
}

// recoverTo, deferred by every generated export, turns a panic into an
// error for C: *ret becomes the function's error value and errp/buf get
// an EIO with the panic text. A bug in Go never crashes the C host.
func recoverTo[T any](errp *C.int, buf *C.flux_error_t, ret *T, errval T) {
	if r := recover(); r != nil {
		*ret = errval
		setError(errp, panicError(r), buf)
	}
}

// recoverVoid is recoverTo for exports without a return value.
func recoverVoid(errp *C.int, buf *C.flux_error_t) {
	if r := recover(); r != nil {
		setError(errp, panicError(r), buf)
	}
}
