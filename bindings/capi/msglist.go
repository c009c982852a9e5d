package main

/*
#include <stdlib.h>
#include "flux/core.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A struct flux_msglist * is a token naming a runtime MsgList of message
// tokens: the list holds one C reference on each message it contains, so
// its items come back as the very flux_msg_t * that was added, aux items
// and all. The token lives from flux_msglist_create to
// flux_msglist_destroy; a stale one is refused with EINVAL.
var msglists = struct {
	sync.Mutex
	live map[unsafe.Pointer]*fluxrt.MsgList[unsafe.Pointer]
}{live: map[unsafe.Pointer]*fluxrt.MsgList[unsafe.Pointer]{}}

func lookupMsgList(l *C.struct_flux_msglist) (*fluxrt.MsgList[unsafe.Pointer], error) {
	if l == nil {
		return nil, errInvalid("msglist is NULL")
	}
	msglists.Lock()
	defer msglists.Unlock()
	ml, ok := msglists.live[unsafe.Pointer(l)]
	if !ok {
		return nil, errInvalid("not a live struct flux_msglist")
	}
	return ml, nil
}

// tokenMsg is the message behind a token held by a list (nil if the token
// is somehow no longer live).
func tokenMsg(tok unsafe.Pointer) *msg.Message {
	m, _ := lookupMsg(tok)
	return m
}

//export fluxgo_flux_msglist_create
func fluxgo_flux_msglist_create(errp *C.int) (ret *C.struct_flux_msglist) {
	defer recoverTo(errp, nil, &ret, nil)
	tok := C.calloc(1, tokenSize)
	msglists.Lock()
	msglists.live[tok] = fluxrt.NewMsgList(releaseMsg)
	msglists.Unlock()
	return (*C.struct_flux_msglist)(tok)
}

//export fluxgo_flux_msglist_destroy
func fluxgo_flux_msglist_destroy(l *C.struct_flux_msglist, errp *C.int) {
	defer recoverVoid(errp, nil)
	if l == nil {
		return
	}
	msglists.Lock()
	ml, ok := msglists.live[unsafe.Pointer(l)]
	delete(msglists.live, unsafe.Pointer(l))
	msglists.Unlock()
	if ok {
		ml.Destroy()
		C.free(unsafe.Pointer(l))
	}
}

// msglistAdd adds a reference to the message m to the list l, at the
// front or the end.
func msglistAdd(l *C.struct_flux_msglist, m *C.flux_msg_t, front bool, errp *C.int) C.int {
	ml, err := lookupMsgList(l)
	if err == nil {
		err = increfMsg(unsafe.Pointer(m))
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if front {
		ml.Push(unsafe.Pointer(m))
	} else {
		ml.Append(unsafe.Pointer(m))
	}
	return 0
}

//export fluxgo_flux_msglist_push
func fluxgo_flux_msglist_push(l *C.struct_flux_msglist, m *C.flux_msg_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return msglistAdd(l, m, true, errp)
}

//export fluxgo_flux_msglist_append
func fluxgo_flux_msglist_append(l *C.struct_flux_msglist, m *C.flux_msg_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return msglistAdd(l, m, false, errp)
}

//export fluxgo_flux_msglist_delete
func fluxgo_flux_msglist_delete(l *C.struct_flux_msglist, errp *C.int) {
	defer recoverVoid(errp, nil)
	if ml, err := lookupMsgList(l); err == nil {
		ml.Delete()
	}
}

// msglistMove runs a cursor move on l and returns the message it lands on.
func msglistMove(l *C.struct_flux_msglist, errp *C.int, move func(*fluxrt.MsgList[unsafe.Pointer]) (unsafe.Pointer, bool)) *C.flux_msg_t {
	ml, err := lookupMsgList(l)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	tok, ok := move(ml)
	if !ok {
		return nil
	}
	return (*C.flux_msg_t)(tok)
}

//export fluxgo_flux_msglist_pop
func fluxgo_flux_msglist_pop(l *C.struct_flux_msglist, errp *C.int) (ret *C.flux_msg_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return msglistMove(l, errp, (*fluxrt.MsgList[unsafe.Pointer]).Pop)
}

//export fluxgo_flux_msglist_first
func fluxgo_flux_msglist_first(l *C.struct_flux_msglist, errp *C.int) (ret *C.flux_msg_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return msglistMove(l, errp, (*fluxrt.MsgList[unsafe.Pointer]).First)
}

//export fluxgo_flux_msglist_next
func fluxgo_flux_msglist_next(l *C.struct_flux_msglist, errp *C.int) (ret *C.flux_msg_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return msglistMove(l, errp, (*fluxrt.MsgList[unsafe.Pointer]).Next)
}

//export fluxgo_flux_msglist_last
func fluxgo_flux_msglist_last(l *C.struct_flux_msglist, errp *C.int) (ret *C.flux_msg_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return msglistMove(l, errp, (*fluxrt.MsgList[unsafe.Pointer]).Last)
}

//export fluxgo_flux_msglist_count
func fluxgo_flux_msglist_count(l *C.struct_flux_msglist, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, 0)
	if l == nil {
		return 0
	}
	ml, err := lookupMsgList(l)
	if err != nil {
		setError(errp, err, nil)
		return 0
	}
	return C.int(ml.Count())
}

//export fluxgo_flux_disconnect_match
func fluxgo_flux_disconnect_match(m1, m2 *C.flux_msg_t, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, false)
	a, b := nilIfNull(lookupMsg, unsafe.Pointer(m1)), nilIfNull(lookupMsg, unsafe.Pointer(m2))
	return C.bool(fluxrt.DisconnectMatch(a, b))
}

//export fluxgo_flux_cancel_match
func fluxgo_flux_cancel_match(m1, m2 *C.flux_msg_t, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, false)
	a, b := nilIfNull(lookupMsg, unsafe.Pointer(m1)), nilIfNull(lookupMsg, unsafe.Pointer(m2))
	return C.bool(fluxrt.CancelMatch(a, b))
}

//export fluxgo_flux_msglist_disconnect
func fluxgo_flux_msglist_disconnect(l *C.struct_flux_msglist, m *C.flux_msg_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	ml, err := lookupMsgList(l)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	disc, err := lookupMsg(unsafe.Pointer(m))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return C.int(fluxrt.MsgListDisconnect(ml, disc, tokenMsg))
}

//export fluxgo_flux_msglist_cancel
func fluxgo_flux_msglist_cancel(h *C.flux_t, l *C.struct_flux_msglist, m *C.flux_msg_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	hd, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	ml, err := lookupMsgList(l)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	cancel, err := lookupMsg(unsafe.Pointer(m))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	n, err := fluxrt.MsgListCancel(hd, ml, cancel, tokenMsg)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return C.int(n)
}
