package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// The Go runtime copies the process environment once, when the library is
// loaded; a C program that calls setenv() later (FLUX_URI before
// flux_open, say) would go unseen. So the library reads the C environment.
func init() {
	fluxrt.SetEnvLookup(cLookupEnv)
}

// cLookupEnv reads one variable of the C environment with getenv(3).
func cLookupEnv(key string) (string, bool) {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	v := C.getenv(ck)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}
