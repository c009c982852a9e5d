package main

/*
#include <stdlib.h>
#include "flux/core.h"
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// fluxgo_flux_module_config_request_decode implements
// flux_module_config_request_decode: the configuration is handed to C
// with its one reference, or dropped when conf is NULL.
//
//export fluxgo_flux_module_config_request_decode
func fluxgo_flux_module_config_request_decode(m *C.flux_msg_t, conf **C.flux_conf_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	req, err := lookupMsg(unsafe.Pointer(m))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	c, err := fluxrt.ModuleConfigRequestDecode(req)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if conf == nil {
		c.Decref()
		return 0
	}
	*conf = (*C.flux_conf_t)(registerConf(c))
	return 0
}

// fluxgo_flux_register_default_methods implements
// flux_register_default_methods: *msg_handlers receives a NULL-terminated
// array for flux_msg_handler_delvec.
//
//export fluxgo_flux_register_default_methods
func fluxgo_flux_register_default_methods(h *C.flux_t, service *C.char, hp ***C.flux_msg_handler_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	hd, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if service == nil || hp == nil {
		setError(errp, errInvalid("service name or result pointer is NULL"), nil)
		return -1
	}
	hs, err := hd.RegisterDefaultMethods(C.GoString(service))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	arr := (**C.flux_msg_handler_t)(C.calloc(C.size_t(len(hs)+1), C.size_t(unsafe.Sizeof(uintptr(0)))))
	out := unsafe.Slice(arr, len(hs)+1)
	for i, mh := range hs {
		out[i] = (*C.flux_msg_handler_t)(registerMsgHandler(mh))
	}
	*hp = arr
	return 0
}
