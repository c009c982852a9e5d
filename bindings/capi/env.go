package main

/*
#include <stdlib.h>

extern char **environ;

static char *fluxgo_environ_at (int i)
{
    return environ[i];
}
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// The Go runtime copies the process environment once, when the library is
// loaded; a C program that calls setenv() later (FLUX_URI before
// flux_open, FLUX_KVS_NAMESPACE, say) would go unseen. So the library
// reads the C environment, for every runtime package (they share the
// lookup).
func init() {
	fluxrt.SetEnvLookup(cLookupEnv)
	fluxrt.SetEnviron(cEnviron)
}

// cEnviron lists the C environment (environ(7)), which child processes
// such as the ssh connector's are given.
func cEnviron() []string {
	var env []string
	for i := 0; ; i++ {
		p := C.fluxgo_environ_at(C.int(i))
		if p == nil {
			return env
		}
		env = append(env, C.GoString(p))
	}
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
