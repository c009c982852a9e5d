package reactor

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"

	"golang.org/x/sys/unix"
)

// wantErrno fails t unless err carries errno.
func wantErrno(t *testing.T, err error, want syscall.Errno, _ string) {
	t.Helper()
	if got := errno.Of(err); err == nil || got != want {
		t.Fatalf("err = %v (errno %d), want errno %d (%v)", err, int(got), int(want), want)
	}
}

func mustReactor(t *testing.T) *Reactor {
	t.Helper()
	r, err := New(0)
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

func TestReactorArgs(t *testing.T) {
	_, err := New(1)
	wantErrno(t, err, syscall.EINVAL, "")
	var nilr *Reactor
	_, err = nilr.Run(0)
	wantErrno(t, err, syscall.EINVAL, "")
	nilr.Stop()
	nilr.StopError()
	nilr.Incref()
	nilr.Decref()
	r := mustReactor(t)
	_, err = r.Run(4)
	wantErrno(t, err, syscall.EINVAL, "")
	if n := mustRun(t, r, 0); n != 0 {
		t.Fatalf("empty Run = %d", n)
	}
	if n := mustRun(t, r, Nowait|Once); n != 0 {
		t.Fatalf("empty Run(NOWAIT|ONCE) = %d", n)
	}
	_, err = r.NewTimerWatcher(-1, 0, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	_, err = r.NewPeriodicWatcher(0, -1, nil, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	_, err = r.NewFDWatcher(-1, PollIn, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	_, err = r.NewSignalWatcher(0, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	_, err = nilr.NewIdleWatcher(nil)
	wantErrno(t, err, syscall.EINVAL, "")
	var w *Watcher
	w.Start()
	w.Stop()
	w.Destroy()
	w.Ref()
	w.Unref()
	if w.IsActive() || !w.IsReferenced() {
		t.Fatal("nil watcher state")
	}
	_, err = w.NextWakeup()
	wantErrno(t, err, syscall.EINVAL, "")
	if a, b := r.Now(), Time(); b < a {
		t.Fatalf("time went back: now=%f time=%f", a, b)
	}
	r.NowUpdate()
}

func TestTimersFireInOrder(t *testing.T) {
	r := mustReactor(t)
	var order []int
	for i, after := range []float64{0.03, 0.01, 0.02, 0.0} {
		w, err := r.NewTimerWatcher(after, 0, func(_ *Reactor, w *Watcher, rev int) {
			if w.IsActive() {
				t.Error("one-shot timer active in its callback")
			}
			order = append(order, i)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Destroy()
		w.Start()
	}
	if n := mustRun(t, r, 0); n != 0 {
		t.Fatalf("Run = %d", n)
	}
	want := []int{3, 1, 2, 0}
	if len(order) != len(want) {
		t.Fatalf("order = %v", order)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
}

func TestTimerRepeatResetNextWakeup(t *testing.T) {
	r := mustReactor(t)
	count := 0
	w, _ := r.NewTimerWatcher(0.001, 0.001, func(_ *Reactor, w *Watcher, _ int) {
		count++
		if count == 3 || count == 7 {
			w.Stop()
		}
	})
	defer w.Destroy()
	w.Start()
	mustRun(t, r, 0)
	if count != 3 {
		t.Fatalf("count = %d", count)
	}
	nw, err := w.NextWakeup()
	if err != nil || nw < r.Now() {
		t.Fatalf("NextWakeup = %f, %v (now %f)", nw, err, r.Now())
	}
	w.TimerReset(0, 0)
	w.Start()
	mustRun(t, r, 0)
	if count != 4 {
		t.Fatalf("after reset count = %d", count)
	}
	// TimerAgain on a one-shot stops it; on a repeating one starts it.
	w.TimerReset(0, 0.001)
	w.TimerAgain()
	if !w.IsActive() {
		t.Fatal("TimerAgain did not start a repeating timer")
	}
	mustRun(t, r, 0)
	if count != 7 {
		t.Fatalf("after again count = %d", count)
	}
	idle, _ := r.NewIdleWatcher(nil)
	_, err = idle.NextWakeup()
	wantErrno(t, err, syscall.EINVAL, "")
	idle.Destroy()
}

func TestStopAndStopError(t *testing.T) {
	r := mustReactor(t)
	w, _ := r.NewTimerWatcher(0, 0.001, func(r *Reactor, _ *Watcher, _ int) { r.Stop() })
	defer w.Destroy()
	w.Start()
	if n := mustRun(t, r, 0); n != 1 {
		t.Fatalf("Run after Stop = %d, want 1", n)
	}
	w2, _ := r.NewTimerWatcher(0, 0.001, func(r *Reactor, _ *Watcher, _ int) { r.StopError() })
	defer w2.Destroy()
	w2.Start()
	if n, err := r.Run(0); n != -1 || err != nil {
		t.Fatalf("Run after StopError = %d, %v", n, err)
	}
	w2.Stop()
	// A Stop before Run is forgotten.
	r.Stop()
	count := 0
	w.Stop()
	w3, _ := r.NewTimerWatcher(0, 0, func(*Reactor, *Watcher, int) { count++ })
	defer w3.Destroy()
	w3.Start()
	if n := mustRun(t, r, 0); n != 0 || count != 1 {
		t.Fatalf("Run = %d count = %d", n, count)
	}
}

func TestStopFromOtherGoroutine(t *testing.T) {
	r := mustReactor(t)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	w, _ := r.NewFDWatcher(p[0], PollIn, func(*Reactor, *Watcher, int) { t.Error("pipe readable") })
	defer w.Destroy()
	w.Start()
	go func() {
		time.Sleep(20 * time.Millisecond)
		r.Stop()
	}()
	if n := mustRun(t, r, 0); n != 1 {
		t.Fatalf("Run = %d, want 1", n)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Stop()
	}()
	if n := mustRun(t, r, 0); n != 0 {
		t.Fatalf("Run after watcher stop = %d, want 0", n)
	}
}

func TestFDWatcher(t *testing.T) {
	r := mustReactor(t)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	var got []byte
	rw, _ := r.NewFDWatcher(p[0], PollIn|PollErr, func(_ *Reactor, w *Watcher, rev int) {
		if rev != PollIn {
			t.Errorf("read revents = %d", rev)
		}
		var b [16]byte
		n, _ := unix.Read(p[0], b[:])
		got = append(got, b[:n]...)
		if len(got) >= 2 {
			w.Stop()
		}
	})
	defer rw.Destroy()
	ww, _ := r.NewFDWatcher(p[1], PollOut, func(_ *Reactor, w *Watcher, rev int) {
		if rev != PollOut {
			t.Errorf("write revents = %d", rev)
		}
		_, _ = unix.Write(p[1], []byte("x"))
		if fd, _ := w.FD(); fd != p[1] {
			t.Errorf("FD = %d", fd)
		}
		w.Stop()
	})
	defer ww.Destroy()
	rw.Start()
	ww.Start()
	_, _ = unix.Write(p[1], []byte("a"))
	mustRun(t, r, 0)
	if string(got) != "ax" && string(got) != "xa" && string(got) != "ax"[:2] {
		t.Fatalf("got %q", got)
	}
	if _, err := ww.Signum(); err == nil {
		t.Fatal("Signum on fd watcher")
	}
}

func TestIdlePrepareCheckOrderAndNowait(t *testing.T) {
	r := mustReactor(t)
	var log []string
	prep, _ := r.NewPrepareWatcher(func(*Reactor, *Watcher, int) { log = append(log, "prepare") })
	check, _ := r.NewCheckWatcher(func(*Reactor, *Watcher, int) { log = append(log, "check") })
	idleN := 0
	idle, _ := r.NewIdleWatcher(func(_ *Reactor, w *Watcher, _ int) {
		log = append(log, "idle")
		idleN++
		if idleN == 2 {
			w.Stop()
			prep.Stop()
			check.Stop()
		}
	})
	for _, w := range []*Watcher{prep, check, idle} {
		defer w.Destroy()
		w.Start()
	}
	if n := mustRun(t, r, Nowait); n != 3 {
		t.Fatalf("NOWAIT Run = %d, want 3", n)
	}
	want := []string{"prepare", "check", "idle"}
	if len(log) != 3 || log[0] != want[0] || log[1] != want[1] || log[2] != want[2] {
		t.Fatalf("log = %v", log)
	}
	if n := mustRun(t, r, 0); n != 0 {
		t.Fatalf("Run = %d", n)
	}
	if idleN != 2 {
		t.Fatalf("idle ran %d times", idleN)
	}
	// Priority orders check callbacks.
	log = nil
	lo, _ := r.NewCheckWatcher(func(*Reactor, *Watcher, int) { log = append(log, "lo") })
	hi, _ := r.NewCheckWatcher(func(*Reactor, *Watcher, int) { log = append(log, "hi") })
	defer lo.Destroy()
	defer hi.Destroy()
	hi.SetPriority(5)
	lo.Start()
	hi.Start()
	mustRun(t, r, Nowait)
	if len(log) != 2 || log[0] != "hi" {
		t.Fatalf("priority log = %v", log)
	}
}

func TestUnrefAndActiveCount(t *testing.T) {
	r := mustReactor(t)
	fired := false
	w, _ := r.NewTimerWatcher(10, 0, func(*Reactor, *Watcher, int) { fired = true })
	defer w.Destroy()
	w.Start()
	w.Unref()
	if w.IsReferenced() || !w.IsActive() {
		t.Fatal("unref state")
	}
	if n := mustRun(t, r, 0); n != 0 || fired {
		t.Fatalf("Run with unref'd timer = %d fired=%v", n, fired)
	}
	w.Ref()
	if r.ActiveCount() != 1 {
		t.Fatalf("ActiveCount = %d", r.ActiveCount())
	}
	if n := mustRun(t, r, Nowait); n != 1 {
		t.Fatalf("NOWAIT = %d", n)
	}
}

func TestPeriodicWatcher(t *testing.T) {
	r := mustReactor(t)
	var order []string
	once, _ := r.NewPeriodicWatcher(r.Now()+0.02, 0, nil, func(*Reactor, *Watcher, int) { order = append(order, "once") })
	n := 0
	rep, _ := r.NewPeriodicWatcher(0, 0.005, nil, func(_ *Reactor, w *Watcher, _ int) {
		n++
		if n == 3 {
			w.Stop()
		}
	})
	calls := 0
	resched, _ := r.NewPeriodicWatcher(0, 0, func(w *Watcher, now float64) float64 {
		calls++
		if calls > 2 {
			return now - 1 // in the past: stops
		}
		return now + 0.001
	}, func(*Reactor, *Watcher, int) { order = append(order, "resched") })
	for _, w := range []*Watcher{once, rep, resched} {
		defer w.Destroy()
		w.Start()
	}
	if nw, _ := once.NextWakeup(); nw < r.Now() {
		t.Fatalf("NextWakeup = %f", nw)
	}
	mustRun(t, r, 0)
	if n != 3 {
		t.Fatalf("repeating periodic fired %d times", n)
	}
	rs := 0
	for _, s := range order {
		if s == "resched" {
			rs++
		}
	}
	if rs != 2 || order[len(order)-1] != "once" && order[0] != "once" {
		t.Fatalf("order = %v", order)
	}
	// PeriodicReset restarts.
	once.PeriodicReset(r.Now(), 0, nil)
	mustRun(t, r, 0)
	if order[len(order)-1] != "once" {
		t.Fatalf("reset order = %v", order)
	}
}

func TestSignalWatcherRunsOnReactorGoroutine(t *testing.T) {
	r := mustReactor(t)
	inRun := false
	got := 0
	w, err := r.NewSignalWatcher(int(syscall.SIGUSR1), func(r *Reactor, w *Watcher, _ int) {
		if !inRun {
			t.Error("signal callback outside Run")
		}
		if s, _ := w.Signum(); s != int(syscall.SIGUSR1) {
			t.Errorf("Signum = %d", s)
		}
		got++
		w.Stop()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Destroy()
	w.Start()
	kick, _ := r.NewTimerWatcher(0.01, 0, func(*Reactor, *Watcher, int) {
		_ = syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	})
	defer kick.Destroy()
	kick.Start()
	inRun = true
	mustRun(t, r, 0)
	inRun = false
	if got != 1 {
		t.Fatalf("signal callbacks = %d", got)
	}
}

func TestStatWatcher(t *testing.T) {
	r := mustReactor(t)
	path := filepath.Join(t.TempDir(), "f")
	w, err := r.NewStatWatcher(path, 0.01, func(_ *Reactor, w *Watcher, _ int) {
		st, prev, err := w.StatRstat()
		if err != nil || st.Nlink == 0 || prev.Nlink != 0 {
			t.Errorf("rstat: %v nlink=%d prev=%d", err, st.Nlink, prev.Nlink)
		}
		w.Stop()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Destroy()
	w.Start()
	mk, _ := r.NewTimerWatcher(0.02, 0, func(*Reactor, *Watcher, int) {
		if err := os.WriteFile(path, []byte("hi"), 0o600); err != nil {
			t.Error(err)
		}
	})
	defer mk.Destroy()
	mk.Start()
	mustRun(t, r, 0)
	st, _, _ := w.StatRstat()
	if st.Size != 2 {
		t.Fatalf("size = %d", st.Size)
	}
}
