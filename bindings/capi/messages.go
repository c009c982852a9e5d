package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"sync"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A flux_msg_t * handed to C is a token, as with handles. flux-core
// messages are reference counted: each token counts the references C
// holds, and the message is forgotten (and its token and cached C strings
// freed) when the count drops to zero.
type msgEntry struct {
	m    *msg.Message
	refs int
}

var messages = struct {
	sync.Mutex
	byToken map[unsafe.Pointer]*msgEntry
}{byToken: map[unsafe.Pointer]*msgEntry{}}

// registerMsg hands C a new reference to m under a fresh token.
func registerMsg(m *msg.Message) unsafe.Pointer {
	if m == nil {
		return nil
	}
	tok := C.calloc(1, tokenSize)
	messages.Lock()
	messages.byToken[tok] = &msgEntry{m: m, refs: 1}
	messages.Unlock()
	return tok
}

// lookupMsg returns the message behind a C flux_msg_t *.
func lookupMsg(p unsafe.Pointer) (*msg.Message, error) {
	if p == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "message is NULL")
	}
	messages.Lock()
	e, ok := messages.byToken[p]
	messages.Unlock()
	if !ok {
		return nil, fluxrt.Errorf(syscall.EINVAL, "not a live flux_msg_t")
	}
	return e.m, nil
}

// msgRefs returns how many references C holds on the message token p.
func msgRefs(p unsafe.Pointer) int {
	messages.Lock()
	defer messages.Unlock()
	if e, ok := messages.byToken[p]; ok {
		return e.refs
	}
	return 0
}

// increfMsg takes another reference on the token p.
func increfMsg(p unsafe.Pointer) error {
	messages.Lock()
	defer messages.Unlock()
	e, ok := messages.byToken[p]
	if !ok {
		return fluxrt.Errorf(syscall.EINVAL, "not a live flux_msg_t")
	}
	e.refs++
	return nil
}

// releaseMsg drops one reference on the token p; the last one frees the
// token and the C strings cached for it. Unknown pointers are ignored, as
// flux_msg_destroy ignores NULL.
func releaseMsg(p unsafe.Pointer) {
	if p == nil {
		return
	}
	messages.Lock()
	e, ok := messages.byToken[p]
	last := false
	if ok {
		e.refs--
		if e.refs <= 0 {
			delete(messages.byToken, p)
			last = true
		}
	}
	messages.Unlock()
	if last {
		freeCStrings(p)
		C.free(p)
	}
}

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
	if msgRefs(p) > 1 {
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
