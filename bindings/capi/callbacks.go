package main

/*
#include <errno.h>
#include <stdlib.h>
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

static inline void fluxgo_call_watcher (flux_watcher_f fn, flux_reactor_t *r,
                                        flux_watcher_t *w, int revents, void *arg)
{
    fn (r, w, revents, arg);
}

static inline void fluxgo_call_msg_handler (flux_msg_handler_f fn, flux_t *h,
                                            flux_msg_handler_t *mh,
                                            flux_msg_t *msg, void *arg)
{
    fn (h, mh, msg, arg);
}

static inline void fluxgo_call_continuation (flux_continuation_f fn,
                                             flux_future_t *f, void *arg)
{
    fn (f, arg);
}

static inline void fluxgo_call_future_init (flux_future_init_f fn,
                                            flux_future_t *f, void *arg)
{
    fn (f, arg);
}

static inline void fluxgo_call_log (flux_log_f fn, const char *buf, int len,
                                    void *arg)
{
    fn (buf, len, arg);
}

static inline double fluxgo_call_reschedule (flux_reschedule_f fn,
                                             flux_watcher_t *w, double now,
                                             void *arg)
{
    return fn (w, now, arg);
}
*/
import "C"

import (
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
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

// The C callbacks below are called by the runtime's reactor, which makes
// every call from the goroutine running flux_reactor_run (or a blocking
// flux_future_get/wait_for): that goroutine is inside a cgo call from C,
// so the callback runs on the C thread that is driving the reactor.

// watcherFunc wraps a C watcher callback; NULL yields nil.
func watcherFunc(fn C.flux_watcher_f, arg unsafe.Pointer) fluxrt.WatcherFunc {
	if fn == nil {
		return nil
	}
	return func(r *fluxrt.Reactor, w *fluxrt.Watcher, revents int) {
		C.fluxgo_call_watcher(fn, (*C.flux_reactor_t)(registerReactor(r)),
			(*C.flux_watcher_t)(registerWatcher(w)), C.int(revents), arg)
	}
}

// msgHandlerFunc wraps a C message handler; NULL yields nil. The message
// is lent to the callback: its pointer is valid until the callback
// returns, or longer if the callback takes a reference with
// flux_msg_incref.
func msgHandlerFunc(fn C.flux_msg_handler_f, arg unsafe.Pointer) fluxrt.MsgHandlerFunc {
	if fn == nil {
		return nil
	}
	return func(h *fluxrt.Handle, mh *fluxrt.MsgHandler, m *msg.Message) {
		tok := registerMsg(m)
		defer releaseMsg(tok)
		C.fluxgo_call_msg_handler(fn, (*C.flux_t)(registerHandle(h)),
			(*C.flux_msg_handler_t)(registerMsgHandler(mh)), (*C.flux_msg_t)(tok), arg)
	}
}

// continuationFunc wraps a C future continuation (flux_future_then,
// and_then, or_then); NULL yields nil. The future is the pointer C holds.
func continuationFunc(fn C.flux_continuation_f, arg unsafe.Pointer) func(*fluxrt.Future) {
	if fn == nil {
		return nil
	}
	return func(f *fluxrt.Future) {
		C.fluxgo_call_continuation(fn, (*C.flux_future_t)(registerFuture(f)), arg)
	}
}

// futureInitFunc wraps the init callback of flux_future_create; NULL
// yields nil (a future the caller fulfills by other means).
func futureInitFunc(fn C.flux_future_init_f, arg unsafe.Pointer) func(*fluxrt.Future) {
	if fn == nil {
		return nil
	}
	return func(f *fluxrt.Future) {
		C.fluxgo_call_future_init(fn, (*C.flux_future_t)(registerFuture(f)), arg)
	}
}

// rescheduleFunc wraps a periodic watcher's C reschedule callback with the
// arg its watcher was created with; NULL yields nil.
func rescheduleFunc(fn C.flux_reschedule_f, arg unsafe.Pointer) func(*fluxrt.Watcher, float64) float64 {
	if fn == nil {
		return nil
	}
	return func(w *fluxrt.Watcher, now float64) float64 {
		return float64(C.fluxgo_call_reschedule(fn, (*C.flux_watcher_t)(registerWatcher(w)), C.double(now), arg))
	}
}

// logFunc wraps a C log redirect (flux_log_set_redirect); NULL yields nil,
// which restores sending to the broker. It is called from flux_log, on
// the logging thread, with the formatted message as a NUL-terminated
// string and its length.
func logFunc(fn C.flux_log_f, arg unsafe.Pointer) func(level int, text string) {
	if fn == nil {
		return nil
	}
	return func(_ int, text string) {
		buf := C.CString(text)
		defer C.free(unsafe.Pointer(buf))
		C.fluxgo_call_log(fn, buf, C.int(len(text)), arg)
	}
}
