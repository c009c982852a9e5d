package main

// Hand-written exports of the reactor, watcher, message handler and
// composite future functions whose C shapes the generator does not map
// (spec binding "go"): arrays of handler specs, struct stat, a callback
// that shares its arg with another, and iteration names that must stay
// valid. Their C entry points (zz_generated_shims.c) are generated and
// set errno last, as for every other function.

/*
#include <stdlib.h>
#include <sys/stat.h>
#include "flux/core.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"

	"golang.org/x/sys/unix"
)

// periodicArgs keeps the arg each periodic watcher was created with, which
// flux_periodic_watcher_reset passes to a new reschedule callback.
var periodicArgs = struct {
	sync.Mutex
	byWatcher map[*fluxrt.Watcher]unsafe.Pointer
}{byWatcher: map[*fluxrt.Watcher]unsafe.Pointer{}}

// fluxgo_flux_periodic_watcher_create implements flux_periodic_watcher_create.
//
//export fluxgo_flux_periodic_watcher_create
func fluxgo_flux_periodic_watcher_create(r *C.flux_reactor_t, offset, interval C.double, resched C.flux_reschedule_f, cb C.flux_watcher_f, arg unsafe.Pointer, errp *C.int) (ret *C.flux_watcher_t) {
	defer recoverTo(errp, nil, &ret, nil)
	rr, err := lookupReactor(unsafe.Pointer(r))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	w, err := rr.NewPeriodicWatcher(float64(offset), float64(interval), rescheduleFunc(resched, arg), watcherFunc(cb, arg))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	periodicArgs.Lock()
	periodicArgs.byWatcher[w] = arg
	periodicArgs.Unlock()
	w.OnDestroy(func() {
		periodicArgs.Lock()
		delete(periodicArgs.byWatcher, w)
		periodicArgs.Unlock()
	})
	return (*C.flux_watcher_t)(registerWatcher(w))
}

// fluxgo_flux_periodic_watcher_reset implements flux_periodic_watcher_reset.
//
//export fluxgo_flux_periodic_watcher_reset
func fluxgo_flux_periodic_watcher_reset(w *C.flux_watcher_t, next, interval C.double, resched C.flux_reschedule_f, errp *C.int) {
	defer recoverVoid(errp, nil)
	if w == nil {
		return
	}
	ww, err := lookupWatcher(unsafe.Pointer(w))
	if err != nil {
		setError(errp, err, nil)
		return
	}
	periodicArgs.Lock()
	arg := periodicArgs.byWatcher[ww]
	periodicArgs.Unlock()
	ww.PeriodicReset(float64(next), float64(interval), rescheduleFunc(resched, arg))
}

// fluxgo_flux_stat_watcher_get_rstat implements flux_stat_watcher_get_rstat.
//
//export fluxgo_flux_stat_watcher_get_rstat
func fluxgo_flux_stat_watcher_get_rstat(w *C.flux_watcher_t, st, prev *C.struct_stat, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	ww, err := lookupWatcher(unsafe.Pointer(w))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	cur, old, err := ww.StatRstat()
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	statToC(st, &cur)
	statToC(prev, &old)
	return 0
}

// statToC copies stat data into a C struct stat; a NULL destination is
// skipped.
func statToC(out *C.struct_stat, s *unix.Stat_t) {
	if out == nil {
		return
	}
	*out = C.struct_stat{}
	out.st_dev = C.dev_t(s.Dev)
	out.st_ino = C.ino_t(s.Ino)
	out.st_nlink = C.nlink_t(s.Nlink)
	out.st_mode = C.mode_t(s.Mode)
	out.st_uid = C.uid_t(s.Uid)
	out.st_gid = C.gid_t(s.Gid)
	out.st_rdev = C.dev_t(s.Rdev)
	out.st_size = C.off_t(s.Size)
	out.st_blksize = C.blksize_t(s.Blksize)
	out.st_blocks = C.blkcnt_t(s.Blocks)
	out.st_atim.tv_sec = C.time_t(s.Atim.Sec)
	out.st_atim.tv_nsec = C.long(s.Atim.Nsec)
	out.st_mtim.tv_sec = C.time_t(s.Mtim.Sec)
	out.st_mtim.tv_nsec = C.long(s.Mtim.Nsec)
	out.st_ctim.tv_sec = C.time_t(s.Ctim.Sec)
	out.st_ctim.tv_nsec = C.long(s.Ctim.Nsec)
}

// fluxgo_flux_msg_handler_addvec_ex implements flux_msg_handler_addvec_ex.
//
//export fluxgo_flux_msg_handler_addvec_ex
func fluxgo_flux_msg_handler_addvec_ex(h *C.flux_t, service *C.char, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return addvec(h, goStringPtr(service), tab, arg, hp, errp)
}

// fluxgo_flux_msg_handler_addvec implements flux_msg_handler_addvec.
//
//export fluxgo_flux_msg_handler_addvec
func fluxgo_flux_msg_handler_addvec(h *C.flux_t, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return addvec(h, nil, tab, arg, hp, errp)
}

// addvec creates a handler per entry of a C table ended by an entry with
// a NULL callback, and hands C a NULL-terminated array of them.
func addvec(h *C.flux_t, service *string, tab *C.struct_flux_msg_handler_spec, arg unsafe.Pointer, hp ***C.flux_msg_handler_t, errp *C.int) C.int {
	hh, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if tab == nil || hp == nil {
		setError(errp, errInvalid("handler table or result pointer is NULL"), nil)
		return -1
	}
	var specs []fluxrt.MsgHandlerSpec
	for p := tab; p.cb != nil; p = (*C.struct_flux_msg_handler_spec)(unsafe.Add(unsafe.Pointer(p), C.sizeof_struct_flux_msg_handler_spec)) {
		specs = append(specs, fluxrt.MsgHandlerSpec{
			TypeMask:  int(p.typemask),
			TopicGlob: goStringOrEmpty(p.topic_glob),
			Cb:        msgHandlerFunc(p.cb, arg),
			Rolemask:  uint32(p.rolemask),
		})
	}
	hs, err := hh.MsgHandlerAddvec(service, specs)
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

// fluxgo_flux_msg_handler_delvec implements flux_msg_handler_delvec.
//
//export fluxgo_flux_msg_handler_delvec
func fluxgo_flux_msg_handler_delvec(hs **C.flux_msg_handler_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	if hs == nil {
		return
	}
	for p := hs; *p != nil; p = (**C.flux_msg_handler_t)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(uintptr(0)))) {
		if mh, err := lookupMsgHandler(unsafe.Pointer(*p)); err == nil {
			mh.Destroy()
		}
	}
	C.free(unsafe.Pointer(hs))
}

// fluxgo_flux_future_first_child implements flux_future_first_child.
//
//export fluxgo_flux_future_first_child
func fluxgo_flux_future_first_child(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	return childName(cf, (*fluxrt.Future).FirstChild, errp)
}

// fluxgo_flux_future_next_child implements flux_future_next_child.
//
//export fluxgo_flux_future_next_child
func fluxgo_flux_future_next_child(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	return childName(cf, (*fluxrt.Future).NextChild, errp)
}

// childName returns a composite's child name as a C string that stays the
// same pointer, and valid, while the composite lives.
func childName(cf *C.flux_future_t, step func(*fluxrt.Future) (*string, error), errp *C.int) *C.char {
	f, err := lookupFuture(unsafe.Pointer(cf))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	name, err := step(f)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	if name == nil {
		return nil
	}
	return cstringKept(unsafe.Pointer(cf), "child:"+*name, *name)
}
