package main

/*
#include "flux/core.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// nullHost is what flux_get_hostbyrank returns for an unknown rank or
// host map, as flux-core does.
var nullHost = "(null)"

// fluxgo_flux_get_hostbyrank implements flux_get_hostbyrank. It never
// fails: a NULL or stale handle gives "(null)". Each rank's name is kept
// by the handle, so it stays valid as long as the handle.
//
//export fluxgo_flux_get_hostbyrank
func fluxgo_flux_get_hostbyrank(h *C.flux_t, rank C.uint32_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	hd, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		return staticCString(&nullHost)
	}
	host := hd.GetHostByRank(uint32(rank))
	return cstringKept(unsafe.Pointer(h), fmt.Sprintf("flux_get_hostbyrank:%d:%s", rank, host), host)
}
