package main

/*
#include "flux/core.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// flux_send_new gives a message away. Over interthread:// the runtime
// delivers the object itself, and flux-core's receiver gets the very
// flux_msg_t * the sender had, with its aux items gone. To do the same,
// the sender's token travels with the message (msg.Message.Binding), and
// when the runtime hands that message to C again registerMsg brings the
// token back, emptied, instead of making a new one. A message that never
// comes back to C (its receiving handle is closed first) becomes garbage;
// a finalizer on its record then frees the token's slot.

// handover is the record a given-away message carries in Binding.
type handover struct {
	mu    sync.Mutex
	tok   unsafe.Pointer
	state handoverState
}

type handoverState int

const (
	handoverSending handoverState = iota // the sender's token is still live
	handoverParked                       // emptied, slot reserved, waiting for the receiver
	handoverDone                         // taken back by the receiver or the sender, or retired
)

// startHandover puts tok, the only reference to m, on m before the send:
// once handed over, the receiver may ask for it at once.
func startHandover(m *msg.Message, tok unsafe.Pointer) *handover {
	ho := &handover{tok: tok}
	runtime.SetFinalizer(ho, (*handover).retire)
	m.Binding = ho
	return ho
}

// retire frees the slot of a token whose message never came back to C.
func (ho *handover) retire() {
	ho.mu.Lock()
	defer ho.mu.Unlock()
	if ho.state == handoverParked {
		messages.retire(ho.tok)
	}
	ho.state = handoverDone
}

// finish settles the sender's side after the send. Handed over: the
// token is emptied and parked for the receiver (unless the receiver has
// already taken it). Sent as a copy: m is still the sender's, and C's
// reference ends as with flux_msg_destroy. Failed: C keeps its message as
// it was.
func (ho *handover) finish(m *msg.Message, handedOver bool, sendErr error) {
	ho.mu.Lock()
	defer ho.mu.Unlock()
	if ho.state != handoverSending {
		return
	}
	switch {
	case handedOver:
		messages.park(ho.tok)
		ho.state = handoverParked
		return
	case sendErr == nil:
		releaseMsg(ho.tok)
	}
	ho.state = handoverDone
	m.Binding = nil
	runtime.SetFinalizer(ho, nil)
}

// takeHandedOver returns the token m was given away under, live again
// with one reference and no aux items, or nil when m carries none.
func takeHandedOver(m *msg.Message) unsafe.Pointer {
	ho, ok := m.Binding.(*handover)
	if !ok {
		return nil
	}
	ho.mu.Lock()
	defer ho.mu.Unlock()
	switch ho.state {
	case handoverSending: // received before the sender's call returned
		messages.park(ho.tok)
	case handoverDone:
		return nil
	}
	ho.state = handoverDone
	m.Binding = nil
	runtime.SetFinalizer(ho, nil)
	return messages.revive(ho.tok, m)
}

// fluxgo_flux_send_new implements flux_send_new.
//
//export fluxgo_flux_send_new
func fluxgo_flux_send_new(h *C.flux_t, mp **C.flux_msg_t, flags C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	hd, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	gm, err := takeMsg(unsafe.Pointer(mp))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	ho := startHandover(gm, unsafe.Pointer(*mp))
	handedOver, err := hd.SendNew(gm, int(flags))
	ho.finish(gm, handedOver, err)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	*mp = nil
	return 0
}
