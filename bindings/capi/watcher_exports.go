package main

// Hand-written exports of the watcher functions the generator does not
// map (spec binding "go"): a periodic watcher's reschedule callback, which
// shares its arg with the watcher callback, and struct stat results. Their
// C entry points (zz_generated_shims.c) are generated and set errno last.

/*
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
	return (*C.flux_watcher_t)(registerNewWatcher(w, cb, arg))
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
