package main

/*
#include <stdlib.h>
*/
import "C"

// builtinPrefix is the flux-core install prefix whose paths
// flux_conf_builtin_get reports (make sets it from FLUX_PREFIX).
var builtinPrefix = "/usr/local"

// fluxgo_builtin_prefix returns builtinPrefix for conf_builtin.c (a C
// string that is never freed).
//
//export fluxgo_builtin_prefix
func fluxgo_builtin_prefix() *C.char { return C.CString(builtinPrefix) }
