package reactor

import (
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/eventfd"
)

// fakeSource is a Source without a handle: a count of waiting "messages"
// and an eventfd raised when one is added, as a handle's PollFD is.
type fakeSource struct {
	mu    sync.Mutex
	n     int
	efd   int
	calls int // PollEvents calls
}

func newFakeSource(t *testing.T) *fakeSource {
	t.Helper()
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return &fakeSource{efd: fd}
}

func (s *fakeSource) PollFD() (int, error) { return s.efd, nil }

func (s *fakeSource) PollEvents() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	eventfd.Drain(s.efd)
	if s.n > 0 {
		return PollIn | PollOut, nil
	}
	return PollOut, nil
}

func (s *fakeSource) add() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	eventfd.Raise(s.efd)
}

func (s *fakeSource) take() {
	s.mu.Lock()
	s.n--
	s.mu.Unlock()
}

// The handle watcher needs only a Source: it fires while the source has a
// wanted event, wakes a blocked Run when one arrives from another
// goroutine, and its prepare and check parts count as active watchers.
func TestHandleWatcherOnSource(t *testing.T) {
	r := mustReactor(t)
	src := newFakeSource(t)
	got := 0
	w, err := r.NewHandleWatcher(src, PollIn, func(_ *Reactor, w *Watcher, rev int) {
		if rev != PollIn {
			t.Errorf("revents = %d, want PollIn only", rev)
		}
		if s, _ := w.Source(); s != src {
			t.Error("Source() is not the watched source")
		}
		src.take()
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
		t.Fatal("handle watcher not active after Start")
	}
	if n := mustRun(t, r, Nowait); n != 2 {
		t.Fatalf("Run(Nowait) with an idle handle watcher = %d, want 2", n)
	}
	if got != 0 {
		t.Fatalf("callback ran %d times with nothing to receive", got)
	}
	src.add()
	src.add()
	if n := mustRun(t, r, 0); n != 0 || got != 2 {
		t.Fatalf("Run = %d, callbacks = %d; want 0 and 2", n, got)
	}
	if w.IsActive() {
		t.Fatal("handle watcher active after Stop")
	}

	w.Start()
	got = 1
	go src.add()
	mustRun(t, r, 0)
	if got != 2 {
		t.Fatalf("a message from another goroutine ran %d callbacks, want 1", got-1)
	}
}

func TestHandleWatcherArgs(t *testing.T) {
	r := mustReactor(t)
	var nilSrc *fakeSource
	if _, err := r.NewHandleWatcher(nilSrc, PollIn, nil); err == nil {
		t.Fatal("a nil source was accepted")
	}
	fd, _ := r.NewFDWatcher(0, PollIn, nil)
	defer fd.Destroy()
	if _, err := fd.Source(); err == nil {
		t.Fatal("Source on an fd watcher did not fail")
	}
}

// A handle watcher stopped from another goroutine while its prepare part
// is deciding what to wait on must leave nothing running: Run returns.
// prepareHook holds the reactor's goroutine in that window while the test
// stops the watcher, so the interleaving that once left the fd part
// active on its own (and Run blocked for good) happens every time.
func TestHandleWatcherStopDuringPrepare(t *testing.T) {
	for _, ready := range []bool{false, true} { // fd part, idle part
		r, err := New(0)
		if err != nil {
			t.Fatal(err)
		}
		src := newFakeSource(t)
		if ready {
			src.add()
		}
		w, err := r.NewHandleWatcher(src, PollIn, func(*Reactor, *Watcher, int) {})
		if err != nil {
			t.Fatal(err)
		}
		inWindow := make(chan struct{})
		proceed := make(chan struct{})
		var once sync.Once
		prepareHook = func() {
			once.Do(func() {
				close(inWindow)
				<-proceed
			})
		}
		w.Start()
		done := make(chan int, 1)
		go func() {
			n, _ := r.Run(0)
			done <- n
		}()
		<-inWindow
		w.Stop()
		close(proceed)
		select {
		case n := <-done:
			if n != 0 {
				t.Errorf("ready=%v: Run returned %d active watchers, want 0", ready, n)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ready=%v: Run did not return after the handle watcher was stopped (%d active)", ready, r.ActiveCount())
		}
		prepareHook = nil
		if w.IsActive() || r.ActiveCount() != 0 {
			t.Errorf("ready=%v: watcher active=%v, reactor active count %d", ready, w.IsActive(), r.ActiveCount())
		}
		w.Destroy()
		r.Destroy()
	}
}
