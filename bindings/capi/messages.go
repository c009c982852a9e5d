package main

import (
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A flux_msg_t * handed to C is a token of the messages table: flux-core
// messages are reference counted, and so are the tokens.
var messages = newTokenTable[msg.Message]("flux_msg_t", nil)

// registerMsg hands C a new reference to m under a fresh token.
func registerMsg(m *msg.Message) unsafe.Pointer { return messages.add(m) }

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
