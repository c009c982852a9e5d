package runtime

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestOnDestroyHooks checks that reactor, watcher and message handler
// destroy hooks run exactly once, at the final destruction, and at once
// when registered on an object already destroyed.
func TestOnDestroyHooks(t *testing.T) {
	r := mustReactor(t)
	rcalls := 0
	r.OnDestroy(func() { rcalls++ })
	w, err := r.NewIdleWatcher(func(*Reactor, *Watcher, int) {})
	if err != nil {
		t.Fatal(err)
	}
	wcalls := 0
	w.OnDestroy(func() { wcalls++ })
	r.Destroy() // the watcher still holds a reference
	if rcalls != 0 {
		t.Fatalf("reactor hook ran while a watcher held a reference")
	}
	w.Destroy()
	w.Destroy()
	if wcalls != 1 {
		t.Fatalf("watcher hook ran %d times, want 1", wcalls)
	}
	if rcalls != 1 {
		t.Fatalf("reactor hook ran %d times after its last reference, want 1", rcalls)
	}
	late := 0
	w.OnDestroy(func() { late++ })
	r.OnDestroy(func() { late++ })
	if late != 2 {
		t.Fatalf("hooks registered after destruction ran %d times, want 2", late)
	}

	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	mh, err := h.MsgHandlerCreate(Match{TypeMask: int(msg.TypeAny)}, func(*Handle, *MsgHandler, *msg.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	mcalls := 0
	mh.OnDestroy(func() { mcalls++ })
	mh.Destroy()
	mh.Destroy()
	if mcalls != 1 {
		t.Fatalf("handler hook ran %d times, want 1", mcalls)
	}
}

// TestFulfillFreeReleasesDroppedValues checks that values given with a
// destructor are released when Reset moves past them, when the future is
// destroyed, and when fulfilled after destruction — and that a future
// fulfilled from another does not release the other's value.
func TestFulfillFreeReleasesDroppedValues(t *testing.T) {
	var freed []any
	free := func(v any) { freed = append(freed, v) }

	f := NewFuture()
	f.FulfillFree("a", free)
	f.FulfillFree("b", free)
	if v, err := f.Result(); err != nil || v != "a" {
		t.Fatalf("Result = %v, %v; want a", v, err)
	}
	f.Reset()
	if len(freed) != 1 || freed[0] != "a" {
		t.Fatalf("after Reset freed = %v, want [a]", freed)
	}
	if v, _ := f.Result(); v != "b" {
		t.Fatalf("after Reset Result = %v, want b", v)
	}

	p := NewFuture()
	p.FulfillFree("p", free)
	g := NewFuture()
	if err := g.FulfillWith(p); err != nil {
		t.Fatal(err)
	}
	g.Destroy() // drops g's copy of p's value: p still owns it
	if len(freed) != 1 {
		t.Fatalf("destroying the embedding future freed %v", freed[1:])
	}
	p.Destroy()
	if len(freed) != 2 || freed[1] != "p" {
		t.Fatalf("after destroying p freed = %v, want [a p]", freed)
	}

	f.Destroy()
	if len(freed) != 3 || freed[2] != "b" {
		t.Fatalf("after Destroy freed = %v, want [a p b]", freed)
	}
	f.FulfillFree("late", free)
	if len(freed) != 4 || freed[3] != "late" {
		t.Fatalf("a value given to a destroyed future was not released: %v", freed)
	}
	var nilFuture *Future
	nilFuture.FulfillFree("nil", free)
	if len(freed) != 5 || freed[4] != "nil" {
		t.Fatalf("a value given to a nil future was not released: %v", freed)
	}
}
