package runtime

import (
	"syscall"
	"testing"
)

func mustReactor(t *testing.T) *Reactor {
	t.Helper()
	r, err := NewReactor(0)
	if err != nil {
		t.Fatalf("NewReactor: %v", err)
	}
	t.Cleanup(r.Destroy)
	return r
}

func mustRun(t *testing.T, r *Reactor, flags int) int {
	t.Helper()
	n, err := r.Run(flags)
	if err != nil {
		t.Fatalf("Run(%d): %v", flags, err)
	}
	return n
}

// A handle watcher on a real handle (the reactor's own tests cover its
// mechanics on a fake source): it fires for received messages and
// WatcherHandle gives the handle back.
func TestHandleWatcher(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	r := mustReactor(t)
	got := 0
	w, err := r.NewHandleWatcher(h, PollIn, func(_ *Reactor, w *Watcher, rev int) {
		if rev&PollIn == 0 {
			t.Errorf("revents = %d", rev)
		}
		if hh, _ := WatcherHandle(w); hh != h {
			t.Error("Handle() mismatch")
		}
		if _, err := h.Recv(Match{}, ONonblock); err != nil {
			t.Error(err)
		}
		got++
		if got == 2 {
			w.Stop()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Destroy()
	w.Start()
	if !w.IsActive() {
		t.Fatal("handle watcher not active")
	}
	// As with flux-core, its prepare and check parts count as active.
	if n := mustRun(t, r, ReactorNowait); n != 2 {
		t.Fatalf("NOWAIT with handle watcher = %d, want 2", n)
	}
	_ = h.Send(newEvent("a"), 0)
	_ = h.Send(newEvent("b"), 0)
	mustRun(t, r, 0)
	if got != 2 {
		t.Fatalf("got = %d", got)
	}
}

func TestHandleReactor(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	r1, err := h.GetReactor()
	if err != nil {
		t.Fatal(err)
	}
	if r2, _ := h.GetReactor(); r2 != r1 {
		t.Fatal("GetReactor not stable")
	}
	wantErrno(t, h.SetReactor(mustReactor(t)), syscall.EEXIST, "")
	c, _ := h.Clone()
	defer c.Close()
	own := mustReactor(t)
	if err := c.SetReactor(own); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetReactor(); got != own {
		t.Fatal("clone reactor")
	}
	var nilh *Handle
	_, err = nilh.GetReactor()
	wantErrno(t, err, syscall.EINVAL, "")
}
