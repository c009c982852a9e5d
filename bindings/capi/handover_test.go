package main

import (
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// freeHas reports whether the messages table's free list holds tok.
func freeHas(tok unsafe.Pointer) bool {
	messages.mu.Lock()
	defer messages.mu.Unlock()
	for _, p := range messages.free {
		if p == tok {
			return true
		}
	}
	return false
}

func TestHandoverNeverReceivedFreesTheSlot(t *testing.T) {
	m, _ := msg.New(msg.TypeEvent)
	tok := messages.add(m)
	ho := startHandover(m, tok)
	ho.finish(m, true, nil) // handed over, then the receiver drops it
	if freeHas(tok) || messages.refs(tok) != 0 {
		t.Fatal("a parked token must be reserved, not live and not free")
	}
	m, ho = nil, nil
	deadline := time.Now().Add(5 * time.Second)
	for !freeHas(tok) {
		if time.Now().After(deadline) {
			t.Fatal("the slot of a message that never came back was not freed")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHandoverReceivedBeforeSenderFinishes(t *testing.T) {
	m, _ := msg.New(msg.TypeEvent)
	tok := messages.add(m)
	ho := startHandover(m, tok)
	if got := takeHandedOver(m); got != tok || messages.refs(tok) != 1 {
		t.Fatalf("receiver got %p (refs %d), want the sender's %p with one reference", got, messages.refs(tok), tok)
	}
	ho.finish(m, true, nil) // the sender's call returns afterwards
	if messages.refs(tok) != 1 || m.Binding != nil {
		t.Fatal("finish after the receiver took the token must leave it alone")
	}
	releaseMsg(tok)
}

func TestHandoverFailedSendKeepsTheMessage(t *testing.T) {
	m, _ := msg.New(msg.TypeEvent)
	tok := messages.add(m)
	store, _ := messages.auxOf(tok)
	name := "x"
	_ = store.Set(&name, 1, nil)
	ho := startHandover(m, tok)
	ho.finish(m, false, errInvalid("bogus"))
	if got, _ := messages.get(tok); got != m || m.Binding != nil {
		t.Fatal("a failed send must leave C's message live and unmarked")
	}
	if v, err := store.Get("x"); err != nil || v != 1 {
		t.Fatalf("aux item after a failed send: %v, %v", v, err)
	}
	releaseMsg(tok)
}
