package main

// Hand-written exports of jobspec1.h (spec binding "go"), over
// runtime/job's Jobspec; attr_pack and attr_unpack are in job.c.

/*
#include <stdlib.h>
#include "flux/core.h"
*/
import "C"

import (
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/job"
)

// jobspecs names the live flux_jobspec1_t objects; flux_jobspec1_destroy
// retires a jobspec's pointer (and frees what C unpacked from it).
var jobspecs = newObjectNames("flux_jobspec1_t", func(*job.Jobspec, func()) {})

// jobspecArg looks up a flux_jobspec1_t *.
func jobspecArg(js *C.flux_jobspec1_t) (*job.Jobspec, error) {
	return jobspecs.lookup(unsafe.Pointer(js))
}

// jobspecDo runs op on a looked-up jobspec and reports its error.
func jobspecDo(cjs *C.flux_jobspec1_t, errp *C.int, op func(*job.Jobspec) error) C.int {
	js, err := jobspecArg(cjs)
	if err == nil {
		err = op(js)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// needString is EINVAL for a NULL string argument.
func needString(s *C.char) (string, error) {
	if s == nil {
		return "", fluxrt.ErrnoError(syscall.EINVAL)
	}
	return C.GoString(s), nil
}

//export fluxgo_flux_jobspec1_attr_del
func fluxgo_flux_jobspec1_attr_del(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		p, err := needString(path)
		if err != nil {
			return err
		}
		return js.AttrDel(p)
	})
}

// fluxgo_jobspec1_attr_set_json sets an attribute from JSON text, for
// flux_jobspec1_attr_pack in job.c.
//
//export fluxgo_jobspec1_attr_set_json
func fluxgo_jobspec1_attr_set_json(cjs *C.flux_jobspec1_t, path *C.char, value *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		p, err := needString(path)
		if err != nil {
			return err
		}
		v, err := needString(value)
		if err != nil {
			return err
		}
		return js.AttrSetJSON(p, v)
	})
}

// fluxgo_jobspec1_attr_get_json returns an attribute as malloc'd JSON
// text, for flux_jobspec1_attr_unpack in job.c: ENOENT when absent.
//
//export fluxgo_jobspec1_attr_get_json
func fluxgo_jobspec1_attr_get_json(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	var s string
	if jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		p, err := needString(path)
		if err != nil {
			return err
		}
		s, err = js.AttrGetJSON(p)
		return err
	}) < 0 {
		return nil
	}
	return mallocCString(&s)
}

// checkOut runs a check and writes its text to ebuf on failure.
func checkOut(cjs *C.flux_jobspec1_t, ebuf *C.flux_error_t, errp *C.int, nilText string, check func(*job.Jobspec) error) C.int {
	clearErrorBuf(ebuf)
	if cjs == nil {
		setError(errp, fluxrt.Errorf(syscall.EINVAL, "%s", nilText), ebuf)
		return -1
	}
	js, err := jobspecArg(cjs)
	if err == nil {
		err = check(js)
	}
	if err != nil {
		setError(errp, err, ebuf)
		return -1
	}
	return 0
}

//export fluxgo_flux_jobspec1_attr_check
func fluxgo_flux_jobspec1_attr_check(cjs *C.flux_jobspec1_t, ebuf *C.flux_error_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, ebuf, &ret, -1)
	return checkOut(cjs, ebuf, errp, "jobspec must not be NULL", (*job.Jobspec).AttrCheck)
}

//export fluxgo_flux_jobspec1_check
func fluxgo_flux_jobspec1_check(cjs *C.flux_jobspec1_t, ebuf *C.flux_error_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, ebuf, &ret, -1)
	return checkOut(cjs, ebuf, errp, "jobspec cannot be NULL", (*job.Jobspec).Check)
}

//export fluxgo_flux_jobspec1_unsetenv
func fluxgo_flux_jobspec1_unsetenv(cjs *C.flux_jobspec1_t, name *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		n, err := needString(name)
		if err != nil {
			return err
		}
		return js.Unsetenv(n)
	})
}

//export fluxgo_flux_jobspec1_setenv
func fluxgo_flux_jobspec1_setenv(cjs *C.flux_jobspec1_t, name, value *C.char, overwrite C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		n, err := needString(name)
		if err != nil {
			return err
		}
		v, err := needString(value)
		if err != nil {
			return err
		}
		return js.Setenv(n, v, overwrite != 0)
	})
}

// setPath runs one of the path setters.
func setPath(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int, set func(*job.Jobspec, string) error) C.int {
	return jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		p, err := needString(path)
		if err != nil {
			return err
		}
		return set(js, p)
	})
}

//export fluxgo_flux_jobspec1_set_stdin
func fluxgo_flux_jobspec1_set_stdin(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return setPath(cjs, path, errp, (*job.Jobspec).SetStdin)
}

//export fluxgo_flux_jobspec1_set_stdout
func fluxgo_flux_jobspec1_set_stdout(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return setPath(cjs, path, errp, (*job.Jobspec).SetStdout)
}

//export fluxgo_flux_jobspec1_set_stderr
func fluxgo_flux_jobspec1_set_stderr(cjs *C.flux_jobspec1_t, path *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return setPath(cjs, path, errp, (*job.Jobspec).SetStderr)
}

//export fluxgo_flux_jobspec1_set_cwd
func fluxgo_flux_jobspec1_set_cwd(cjs *C.flux_jobspec1_t, cwd *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return setPath(cjs, cwd, errp, (*job.Jobspec).SetCwd)
}

//export fluxgo_flux_jobspec1_encode
func fluxgo_flux_jobspec1_encode(cjs *C.flux_jobspec1_t, flags C.size_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	var s string
	if jobspecDo(cjs, errp, func(js *job.Jobspec) error {
		var err error
		s, err = js.Encode(int(flags))
		return err
	}) < 0 {
		return nil
	}
	return mallocCString(&s)
}

//export fluxgo_flux_jobspec1_decode
func fluxgo_flux_jobspec1_decode(s *C.char, ebuf *C.flux_error_t, errp *C.int) (ret *C.flux_jobspec1_t) {
	defer recoverTo(errp, ebuf, &ret, nil)
	clearErrorBuf(ebuf)
	if s == nil {
		setError(errp, fluxrt.Errorf(syscall.EINVAL, "%s", fluxrt.StrError(syscall.EINVAL)), ebuf)
		return nil
	}
	js, err := job.JobspecDecode(C.GoString(s))
	if err != nil {
		setError(errp, err, ebuf)
		return nil
	}
	return (*C.flux_jobspec1_t)(jobspecs.token(js))
}

//export fluxgo_flux_jobspec1_from_command
func fluxgo_flux_jobspec1_from_command(argc C.int, argv **C.char, env **C.char, ntasks, coresPerTask, gpusPerTask, nnodes C.int, duration C.double, errp *C.int) (ret *C.flux_jobspec1_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if argc < 0 || argv == nil {
		setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
		return nil
	}
	args := make([]string, int(argc))
	for i, p := range unsafe.Slice(argv, int(argc)) {
		if p == nil {
			setError(errp, fluxrt.ErrnoError(syscall.EINVAL), nil)
			return nil
		}
		args[i] = C.GoString(p)
	}
	var envs []string
	if env != nil {
		for p := env; *p != nil; p = (**C.char)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(p))) {
			envs = append(envs, C.GoString(*p))
		}
	}
	js, err := job.JobspecFromCommand(args, envs, int(ntasks), int(coresPerTask), int(gpusPerTask), int(nnodes), float64(duration))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_jobspec1_t)(jobspecs.token(js))
}

//export fluxgo_flux_jobspec1_destroy
func fluxgo_flux_jobspec1_destroy(cjs *C.flux_jobspec1_t, errp *C.int) {
	defer recoverVoid(nil, nil)
	if js, err := jobspecArg(cjs); err == nil {
		jobspecs.retire(js)
	}
}
