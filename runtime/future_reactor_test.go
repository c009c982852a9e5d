package runtime

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// timerFuture is a user future whose init starts a timer on the future's
// current reactor that fulfills it with val (or errnum) after sec.
func timerFuture(sec float64, val any, errnum int) *Future {
	return NewFutureInit(func(f *Future) {
		r, err := f.GetReactor()
		if err != nil {
			f.FulfillError(int(ErrnoOf(err)), nil)
			return
		}
		w, _ := r.NewTimerWatcher(sec, 0, func(_ *Reactor, w *Watcher, _ int) {
			if errnum != 0 {
				f.FulfillError(errnum, nil)
			} else {
				f.Fulfill(val)
			}
			w.Destroy()
		})
		w.Start()
	})
}

func TestFutureThenReactorTimeoutAndCrossGoroutine(t *testing.T) {
	r := mustReactor(t)
	f := NewFuture()
	defer f.Destroy()
	wantErrno(t, f.ThenReactor(-1, func(*Future) {}), syscall.EINVAL, "")
	_, err := f.GetReactor()
	wantErrno(t, err, syscall.EINVAL, "")
	f.SetReactor(r)
	var got error
	calls := 0
	if err := f.ThenReactor(0.01, func(f *Future) {
		calls++
		_, got = f.Result()
	}); err != nil {
		t.Fatal(err)
	}
	if n := mustRun(t, r, 0); n != 0 {
		t.Fatalf("Run = %d", n)
	}
	wantErrno(t, got, syscall.ETIMEDOUT, "")
	if calls != 1 {
		t.Fatalf("calls = %d", calls)
	}

	// Fulfilled from another goroutine: the continuation runs in Run.
	g := NewFuture()
	defer g.Destroy()
	g.SetReactor(r)
	inRun := false
	var val any
	_ = g.ThenReactor(-1, func(g *Future) {
		if !inRun {
			t.Error("continuation outside Run")
		}
		val, _ = g.Result()
		r.Stop()
	})
	keep, _ := r.NewTimerWatcher(30, 0, nil) // keeps Run blocking
	defer keep.Destroy()
	keep.Start()
	go func() {
		time.Sleep(10 * time.Millisecond)
		g.Fulfill("hello")
	}()
	inRun = true
	mustRun(t, r, 0)
	inRun = false
	if val != "hello" {
		t.Fatalf("val = %v", val)
	}
}

func TestFutureInitWaitForAndDeadlock(t *testing.T) {
	f := timerFuture(0.01, 7, 0)
	defer f.Destroy()
	wantErrno(t, f.WaitFor(0), syscall.ETIMEDOUT, "")
	if err := f.WaitFor(-1); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Result(); v != 7 {
		t.Fatalf("val = %v", v)
	}
	dead := NewFutureInit(func(*Future) {})
	defer dead.Destroy()
	wantErrno(t, dead.WaitFor(-1), syscall.EDEADLK, "")
	slow := timerFuture(10, 1, 0)
	defer slow.Destroy()
	wantErrno(t, slow.WaitFor(0.01), syscall.ETIMEDOUT, "")
}

func TestCompositeFutures(t *testing.T) {
	all := NewWaitAllFuture()
	defer all.Destroy()
	wantErrno(t, NewFuture().Push(nil, NewFuture()), syscall.EINVAL, "")
	for _, d := range []float64{0.02, 0.01} {
		if err := all.Push(nil, timerFuture(d, d, 0)); err != nil {
			t.Fatal(err)
		}
	}
	wantErrno(t, all.Push(strp("0"), NewFuture()), syscall.EEXIST, "")
	if err := all.Push(strp("named"), timerFuture(0.005, "n", 0)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n, _ := all.FirstChild(); n != nil; n, _ = all.NextChild() {
		names = append(names, *n)
	}
	if len(names) != 3 || names[0] != "0" || names[1] != "1" || names[2] != "named" {
		t.Fatalf("names = %v", names)
	}
	if err := all.WaitFor(5); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		c, _ := all.GetChild(n)
		if !c.IsReady() {
			t.Fatalf("child %s not ready", n)
		}
	}
	if c, _ := all.GetChild("nope"); c != nil {
		t.Fatal("GetChild of unknown name")
	}

	anyf := NewWaitAnyFuture()
	defer anyf.Destroy()
	_ = anyf.Push(strp("slow"), timerFuture(10, nil, 0))
	_ = anyf.Push(strp("fail"), timerFuture(0.01, nil, int(syscall.ENOENT)))
	_, err := anyf.Result()
	wantErrno(t, err, syscall.ENOENT, "")

	empty := NewWaitAllFuture()
	defer empty.Destroy()
	if err := empty.WaitFor(1); err != nil {
		t.Fatal(err)
	}

	// On a reactor with ThenReactor.
	r := mustReactor(t)
	all2 := NewWaitAllFuture()
	defer all2.Destroy()
	all2.SetReactor(r)
	_ = all2.Push(nil, timerFuture(0.01, 1, 0))
	_ = all2.Push(nil, timerFuture(0.02, 2, int(syscall.EIO)))
	var res error
	_ = all2.ThenReactor(-1, func(f *Future) { _, res = f.Result() })
	mustRun(t, r, 0)
	wantErrno(t, res, syscall.EIO, "")
	_, err = NewFuture().FirstChild()
	wantErrno(t, err, syscall.EINVAL, "")
}

func TestChainedFutures(t *testing.T) {
	prev := timerFuture(0.01, 1, 0)
	next, err := prev.AndThen(func(p *Future) {
		v, _ := p.Result()
		_ = p.Continue(timerFuture(0.01, v.(int)+1, 0))
		p.Destroy()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer next.Destroy()
	if err := next.WaitFor(5); err != nil {
		t.Fatal(err)
	}
	if v, _ := next.Result(); v != 2 {
		t.Fatalf("chained value = %v", v)
	}

	failing := timerFuture(0.01, nil, int(syscall.EPERM))
	n2, _ := failing.OrThen(func(p *Future) {
		p.ContinueError(int(syscall.ENOTSUP), strp("recovered"))
		p.Destroy()
	})
	defer n2.Destroy()
	_, err = n2.Result()
	wantErrno(t, err, syscall.ENOTSUP, "recovered")

	// No callback for the outcome: next takes prev's result.
	plain := timerFuture(0.01, "v", 0)
	n3, _ := plain.OrThen(func(*Future) { t.Error("or_then on success") })
	defer n3.Destroy()
	if v, err := n3.Result(); err != nil || v != "v" {
		t.Fatalf("pass-through %v %v", v, err)
	}
	wantErrno(t, NewFuture().Continue(nil), syscall.EINVAL, "")
	wantErrno(t, NewFuture().FulfillNext(1, nil), syscall.EINVAL, "")
}

func TestFutureAuxFulfillWithRefs(t *testing.T) {
	f := NewFuture()
	p := NewFuture()
	wantErrno(t, f.FulfillWith(f), syscall.EINVAL, "")
	wantErrno(t, f.FulfillWith(p), syscall.EAGAIN, "")
	destroyed := 0
	_ = p.AuxSet(strp("k"), "pv", func(any) { destroyed++ })
	p.FulfillError(int(syscall.EIO), strp("boom"))
	if err := f.FulfillWith(p); err != nil {
		t.Fatal(err)
	}
	_, err := f.Result()
	wantErrno(t, err, syscall.EIO, "boom")
	if v, err := f.AuxGet("k"); err != nil || v != "pv" {
		t.Fatalf("aux through embed: %v %v", v, err)
	}
	_, err = f.AuxGet("none")
	wantErrno(t, err, syscall.ENOENT, "")
	q := NewFuture()
	q.Fulfill(1)
	wantErrno(t, f.FulfillWith(q), syscall.EEXIST, "")
	q.Destroy()
	p.Destroy() // f still holds p
	if destroyed != 0 {
		t.Fatal("embedded future released early")
	}
	f.Incref()
	f.Decref()
	if destroyed != 0 {
		t.Fatal("released with a reference left")
	}
	f.Destroy()
	if destroyed != 1 {
		t.Fatalf("aux destructor ran %d times", destroyed)
	}
	var nilf *Future
	_, err = nilf.AuxGet("x")
	wantErrno(t, err, syscall.EINVAL, "")
	_, err = nilf.GetFlux()
	wantErrno(t, err, syscall.EINVAL, "")
}

func TestRPCFutureOnReactorAndGetFlux(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	svc, _ := h.MsgHandlerCreate(Match{TypeMask: 1, TopicGlob: "a.*"},
		func(h *Handle, _ *MsgHandler, m *msg.Message) { _ = h.Respond(m, nil) })
	svc.Start()
	defer svc.Destroy()
	f, _ := h.RPC("a.x", nil, 0, 0)
	defer f.Destroy()
	if got, _ := f.GetFlux(); got != h {
		t.Fatal("RPC future's handle")
	}
	r, _ := h.GetReactor()
	if got, _ := f.GetReactor(); got != r {
		t.Fatal("RPC future's reactor")
	}
	ok := false
	_ = f.ThenReactor(-1, func(f *Future) { _, err := f.Get(); ok = err == nil })
	// Run returns on its own once the response came and the handler stops.
	stop, _ := r.NewIdleWatcher(func(_ *Reactor, w *Watcher, _ int) {
		if ok {
			svc.Stop()
			w.Stop()
		}
	})
	defer stop.Destroy()
	stop.Start()
	if n := mustRun(t, r, 0); n != 0 || !ok {
		t.Fatalf("Run = %d ok=%v", n, ok)
	}

	// A composite of RPC futures waited on without a reactor: the RPCs
	// are received by a clone on the wait's private reactor.
	svc.Start()
	all := NewWaitAllFuture()
	all.SetFlux(h)
	for i := 0; i < 3; i++ {
		g, _ := h.RPC("a.y", nil, 0, 0)
		_ = all.Push(nil, g)
	}
	// The wait's reactor needs the service running on it too: serve from
	// h's reactor in another goroutine.
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		_, _ = r.Run(0)
		close(done)
	}()
	if err := all.WaitFor(5); err != nil {
		t.Fatal(err)
	}
	all.Destroy()
	svc.Stop()
	r.Stop()
	<-done
}
