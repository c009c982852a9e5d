package main

/*
#include "flux/core.h"
*/
import "C"

import (
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A flux_msg_t * handed to C is a token of the messages table: flux-core
// messages are reference counted, and so are the tokens. The aux items set
// on a token are destroyed with its last reference.
var messages = func() *tokenTable[msg.Message] {
	t := newTokenTable[msg.Message]("flux_msg_t", nil)
	t.size, t.onAdd, t.trackHeld = msgTokenSize, writeMsgMirror, true
	return t
}()

// fluxgo_flux_msg_aux_set implements flux_msg_aux_set.
//
//export fluxgo_flux_msg_aux_set
func fluxgo_flux_msg_aux_set(m *C.flux_msg_t, name *C.char, aux unsafe.Pointer, destroy C.flux_free_f, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	store, err := messages.auxOf(unsafe.Pointer(m))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if err := store.Set(goStringPtr(name), pointerToAny(aux), freeFunc(destroy)); err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_msg_aux_get implements flux_msg_aux_get.
//
//export fluxgo_flux_msg_aux_get
func fluxgo_flux_msg_aux_get(m *C.flux_msg_t, name *C.char, errp *C.int) (ret unsafe.Pointer) {
	defer recoverTo(errp, nil, &ret, nil)
	store, err := messages.auxOf(unsafe.Pointer(m))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	if name == nil {
		setError(errp, errInvalid("name is NULL"), nil)
		return nil
	}
	v, err := store.Get(C.GoString(name))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return anyToPointer(v)
}

// Texts flux_msg_last_error returns when there is no message to ask.
var (
	lastErrNull         = "msg object is NULL"
	lastErrUnreferenced = "msg object is unreferenced"
	lastErrNone         = ""
)

// fluxgo_flux_msg_last_error implements flux_msg_last_error: the reason
// the message's last pack or unpack failed (recorded by jansson.c).
//
//export fluxgo_flux_msg_last_error
func fluxgo_flux_msg_last_error(m *C.flux_msg_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	tok := unsafe.Pointer(m)
	switch {
	case m == nil:
		return staticCString(&lastErrNull)
	case messages.refs(tok) <= 0:
		return staticCString(&lastErrUnreferenced)
	}
	if p := heldPointer(tok, "lasterr"); p != nil {
		return (*C.char)(p)
	}
	return staticCString(&lastErrNone)
}

// registerMsg hands C a new reference to m: under a fresh token, or
// under its old one when C requeued it (requeue.go).
func registerMsg(m *msg.Message) unsafe.Pointer {
	if tok := takeRequeued(m); tok != nil {
		refreshMsgMirror(tok)
		return tok
	}
	if tok := takeHandedOver(m); tok != nil {
		return tok
	}
	return messages.add(m)
}

// lookupMsg returns the message behind a C flux_msg_t *.
func lookupMsg(p unsafe.Pointer) (*msg.Message, error) { return messages.get(p) }

// increfMsg takes another reference on the token p.
func increfMsg(p unsafe.Pointer) error { return messages.incref(p) }

// releaseMsg drops one reference on the token p.
func releaseMsg(p unsafe.Pointer) { messages.release(p) }

// takeMsg checks a flux_msg_t ** whose message the callee will own on
// success (flux_send_new): the pointer and *pointer must be set, and C
// must hold the only reference.
func takeMsg(pp unsafe.Pointer) (*msg.Message, error) {
	if pp == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "message pointer is NULL")
	}
	p := *(*unsafe.Pointer)(pp)
	m, err := lookupMsg(p)
	if err != nil {
		return nil, err
	}
	if messages.refs(p) > 1 {
		return nil, fluxrt.Errorf(syscall.EINVAL, "message has other references")
	}
	return m, nil
}

// releaseTakenMsg drops C's reference to a message taken by takeMsg and
// clears the caller's pointer.
func releaseTakenMsg(pp unsafe.Pointer) {
	p := (*unsafe.Pointer)(pp)
	releaseMsg(*p)
	*p = nil
}

// nilIfNull looks p up with lookup, yielding nil for NULL or an unknown
// pointer, for parameters that may be NULL.
func nilIfNull[T any](lookup func(unsafe.Pointer) (*T, error), p unsafe.Pointer) *T {
	if p == nil {
		return nil
	}
	v, _ := lookup(p)
	return v
}
