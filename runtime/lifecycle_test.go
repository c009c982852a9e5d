package runtime

import (
	"syscall"
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

// TestConfLifecycle: GetConf makes one empty configuration per handle on
// first use and keeps returning it; SetConfNew(nil) drops it (running its
// destroy hooks) so the next GetConf makes a new one; closing the handle
// destroys the current one.
func TestConfLifecycle(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	c1, err := h.GetConf()
	if err != nil || c1 == nil {
		t.Fatalf("GetConf = %v, %v", c1, err)
	}
	if c2, _ := h.GetConf(); c2 != c1 {
		t.Fatal("a second GetConf returned another configuration")
	}
	gone := 0
	c1.OnDestroy(func() { gone++ })
	if err := h.SetConfNew(nil); err != nil {
		t.Fatal(err)
	}
	if gone != 1 {
		t.Fatalf("SetConfNew(nil) ran the old configuration's hooks %d times, want 1", gone)
	}
	c3, _ := h.GetConf()
	if c3 == nil || c3 == c1 {
		t.Fatal("GetConf after SetConfNew(nil) did not make a new configuration")
	}
	c3.OnDestroy(func() { gone++ })
	h.Close()
	if gone != 2 {
		t.Fatalf("closing the handle did not destroy its configuration (hooks ran %d times)", gone)
	}
	var nilH *Handle
	if _, err := nilH.GetConf(); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("GetConf on nil: %v, want EINVAL", err)
	}
}

// TestAuxStoreRules: AuxStore follows flux_aux_set's argument rules and
// runs destructors on replace, delete and Destroy.
func TestAuxStoreRules(t *testing.T) {
	var s AuxStore
	freed := []any{}
	free := func(v any) { freed = append(freed, v) }
	name := "x"
	if err := s.Set(nil, nil, nil); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("Set(nil, nil, nil) = %v, want EINVAL", err)
	}
	if err := s.Set(&name, nil, free); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("Set(name, nil, free) = %v, want EINVAL", err)
	}
	if err := s.Set(nil, 1, nil); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("anonymous Set without destructor = %v, want EINVAL", err)
	}
	if _, err := s.Get("x"); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("Get of a missing name = %v, want ENOENT", err)
	}
	_ = s.Set(&name, "a", free)
	_ = s.Set(&name, "b", free)
	if v, _ := s.Get("x"); v != "b" || len(freed) != 1 || freed[0] != "a" {
		t.Fatalf("after replace: Get = %v, freed = %v", v, freed)
	}
	_ = s.Set(nil, "anon", free)
	_ = s.Set(&name, nil, nil)
	if _, err := s.Get("x"); !isErrno(err, syscall.ENOENT) || len(freed) != 2 {
		t.Fatalf("after delete: err %v, freed %v", err, freed)
	}
	s.Destroy()
	if len(freed) != 3 || freed[2] != "anon" {
		t.Fatalf("Destroy freed %v", freed)
	}
}
