package main

// Hand-written exports of the message calls that copy bytes across the
// C ABI (spec binding "go"): each reads or writes the caller's buffer in
// place, copying once (set_payload, decode) or not at all (encode), and
// refreshes the header mirror of the token it already holds.

/*
#include "flux/core.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// cView returns the C buffer p of n bytes as a slice, without copying;
// only for callees that copy what they keep.
func cView(p unsafe.Pointer, n int) []byte {
	if p == nil || n <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(p), n)
}

// fluxgo_flux_msg_set_topic implements flux_msg_set_topic.
//
//export fluxgo_flux_msg_set_topic
func fluxgo_flux_msg_set_topic(cm *C.flux_msg_t, topic *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	tok := unsafe.Pointer(cm)
	m, err := lookupMsg(tok)
	if err == nil {
		var t *string
		if topic != nil {
			s := topicString(topic)
			t = &s
		}
		err = fluxrt.MsgSetTopic(m, t)
		writeMsgMirror(tok, m)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_msg_set_payload implements flux_msg_set_payload: the
// payload is copied once, by the runtime.
//
//export fluxgo_flux_msg_set_payload
func fluxgo_flux_msg_set_payload(cm *C.flux_msg_t, buf unsafe.Pointer, size C.size_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	tok := unsafe.Pointer(cm)
	m, err := lookupMsg(tok)
	if err == nil {
		err = fluxrt.MsgSetPayload(m, cView(buf, int(size)))
		writeMsgMirror(tok, m)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_msg_encode implements flux_msg_encode, encoding straight
// into the caller's buffer.
//
//export fluxgo_flux_msg_encode
func fluxgo_flux_msg_encode(cm *C.flux_msg_t, buf unsafe.Pointer, size C.size_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	m, err := lookupMsg(unsafe.Pointer(cm))
	if err == nil && buf == nil {
		err = errInvalid("buf is NULL")
	}
	if err == nil {
		_, err = fluxrt.MsgEncodeTo(m, cView(buf, int(size)))
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_msg_decode implements flux_msg_decode; the decoder copies
// what the message keeps, so the caller's buffer is read in place.
//
//export fluxgo_flux_msg_decode
func fluxgo_flux_msg_decode(buf unsafe.Pointer, size C.size_t, errp *C.int) (ret *C.flux_msg_t) {
	defer recoverTo(errp, nil, &ret, nil)
	m, err := fluxrt.MsgDecode(cView(buf, int(size)))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_msg_t)(registerMsg(m))
}

// lastTopic is the topic string set last: programs tend to set the same
// topic over and over, and reusing the string spares an allocation.
var lastTopic atomic.Pointer[string]

// topicString returns the C string s as Go, reusing lastTopic when it
// has the same text.
func topicString(s *C.char) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(s), n)) != 0 {
		n++
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(s)), n)
	if last := lastTopic.Load(); last != nil && *last == string(b) {
		return *last
	}
	t := string(b)
	lastTopic.Store(&t)
	return t
}
