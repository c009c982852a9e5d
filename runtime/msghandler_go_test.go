package runtime

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// goHandle opens uri (loop:// by default) with a running RecvLoop; the
// handle is closed, and the RecvLoop waited for, at cleanup.
func goHandle(t *testing.T, flags int) *Handle {
	t.Helper()
	h := mustOpen(t, "loop://", flags)
	d, err := h.RecvLoopStart()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close()
		<-d.Done()
	})
	return h
}

// goCtx bounds a test's waits so that a bug fails it instead of hanging.
func goCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// goRPC sends an RPC on h and waits for its response.
func goRPC(t *testing.T, h *Handle, topic string) (*msg.Message, error) {
	t.Helper()
	f, err := h.RPC(topic, nil, msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.Wait(goCtx(t)); err != nil {
		t.Fatalf("%s: %v", topic, err)
	}
	return f.Get()
}

// goHandler creates and starts a RecvLoop-driven handler.
func goHandler(t *testing.T, h *Handle, typemask int, glob string, fn GoMsgHandlerFunc) *MsgHandler {
	t.Helper()
	mh, err := h.GoMsgHandlerCreate(Match{TypeMask: typemask, TopicGlob: glob}, fn)
	if err != nil {
		t.Fatal(err)
	}
	mh.Start()
	return mh
}

// answer returns a handler that responds with name.
func answer(name string) GoMsgHandlerFunc {
	return func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
		_ = h.Respond(m, []byte(name+"\x00"))
	}
}

// wantAnswer checks that an RPC to topic is answered by the handler name.
func wantAnswer(t *testing.T, h *Handle, topic, name string) {
	t.Helper()
	m, err := goRPC(t, h, topic)
	if err != nil || string(m.Payload) != name+"\x00" {
		t.Fatalf("%s: got %v %v, want answer from %s", topic, m, err, name)
	}
}

// queued returns how many messages wait for h's handler goroutine.
func queued(h *Handle) int {
	v, err := h.AuxGet(auxDispatch)
	if err != nil {
		return 0
	}
	d := v.(*dispatch)
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.g.queue)
}

// waitFor polls cond until it holds (the test context bounds the wait).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx := goCtx(t)
	for !cond() {
		if ctx.Err() != nil {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestGoMsgHandlerMatchOrderAndENOSYS(t *testing.T) {
	h := goHandle(t, 0)
	_, err := h.GoMsgHandlerCreate(Match{}, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	var nilh *Handle
	_, err = nilh.GoMsgHandlerCreate(Match{}, answer("x"))
	wantErrno(t, err, syscall.EINVAL, "")

	req := int(msg.TypeRequest)
	glob := goHandler(t, h, req, "svc.*", answer("glob"))
	exactOld := goHandler(t, h, req, "svc.ping", answer("exact-old"))
	exact := goHandler(t, h, req, "svc.ping", answer("exact"))
	newer := goHandler(t, h, req, "svc.p*", answer("glob-newer"))
	goHandler(t, h, req, "svc.[ab]?", answer("bracket"))
	goHandler(t, h, req, "svc.[!ab]x", answer("negated"))
	goHandler(t, h, int(msg.TypeEvent), "svc.*", answer("event-only"))
	notStarted, err := h.GoMsgHandlerCreate(Match{TypeMask: req, TopicGlob: "idle.x"}, answer("idle"))
	if err != nil {
		t.Fatal(err)
	}
	defer notStarted.Destroy()

	// An exact-topic request handler wins over every glob, newer or not;
	// among globs the most recent wins.
	wantAnswer(t, h, "svc.ping", "exact")
	wantAnswer(t, h, "svc.pong", "glob-newer")
	wantAnswer(t, h, "svc.ax", "bracket")
	wantAnswer(t, h, "svc.cx", "negated")
	wantAnswer(t, h, "svc.other", "glob")
	exact.Destroy()
	wantAnswer(t, h, "svc.ping", "exact-old")
	exactOld.Stop()
	wantAnswer(t, h, "svc.ping", "glob-newer")
	exactOld.Start()
	wantAnswer(t, h, "svc.ping", "exact-old")
	newer.Destroy()
	glob.Destroy()
	exactOld.Destroy()
	for _, topic := range []string{"svc.ping", "svc.other", "idle.x", "nosvc.method"} {
		_, err := goRPC(t, h, topic)
		wantErrno(t, err, syscall.ENOSYS, "Unknown service method '"+topic+"'")
	}
}

func TestGoMsgHandlerRoles(t *testing.T) {
	h := goHandle(t, 0)
	if err := h.OptSet(OptTestingRolemask, uint32Bytes(msg.RoleUser)); err != nil {
		t.Fatal(err)
	}
	var rolemask atomic.Uint32
	mh := goHandler(t, h, int(msg.TypeRequest), "r.x", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
		rolemask.Store(m.Rolemask)
		_ = h.Respond(m, nil)
	})
	_, err := goRPC(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request requires owner credentials")
	mh.AllowRolemask(msg.RoleAdmin)
	_, err = goRPC(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request rejected due to insufficient privilege")
	if rolemask.Load() != 0 {
		t.Fatal("handler ran for a disallowed role")
	}
	mh.AllowRolemask(msg.RoleUser)
	if _, err := goRPC(t, h, "r.x"); err != nil {
		t.Fatal(err)
	}
	if rolemask.Load() != msg.RoleUser {
		t.Fatalf("rolemask %d", rolemask.Load())
	}
	mh.DenyRolemask(msg.RoleAll)
	_, err = goRPC(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request requires owner credentials")
}

// Events go to every matching handler of the root and of its clones;
// unclaimed responses go to response handlers.
func TestGoMsgHandlerEventsAndResponses(t *testing.T) {
	h := goHandle(t, 0)
	clone, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	var mu sync.Mutex
	got := map[string][]string{}
	seen := make(chan string, 100)
	record := func(name string) GoMsgHandlerFunc {
		return func(_ context.Context, _ *Handle, _ *MsgHandler, m *msg.Message) {
			mu.Lock()
			got[name] = append(got[name], m.Topic)
			mu.Unlock()
			seen <- name
		}
	}
	ev := int(msg.TypeEvent)
	goHandler(t, h, ev, "ev.*", record("root-all"))
	goHandler(t, h, ev, "ev.[xy]", record("root-xy"))
	goHandler(t, clone, ev, "ev.?", record("clone-one"))
	goHandler(t, clone, ev, "other", record("clone-other"))
	goHandler(t, h, int(msg.TypeRequest)|ev, "both", record("root-both"))
	goHandler(t, h, int(msg.TypeResponse), "rsp.*", record("root-rsp"))
	goHandler(t, clone, int(msg.TypeResponse), "rsp.*", record("clone-rsp"))
	goHandler(t, h, ev, "sentinel", record("root-sentinel"))
	goHandler(t, clone, ev, "sentinel", record("clone-sentinel"))
	tagged, err := clone.GoMsgHandlerCreate(Match{TypeMask: int(msg.TypeResponse), Matchtag: 4242}, record("clone-tag"))
	if err != nil {
		t.Fatal(err)
	}
	tagged.Start()
	_, err = clone.GoMsgHandlerCreate(Match{TypeMask: int(msg.TypeResponse), Matchtag: 4242}, record("dup"))
	wantErrno(t, err, syscall.EEXIST, "")

	for _, topic := range []string{"ev.x", "ev.zz", "both"} {
		if err := h.Send(newEvent(topic), 0); err != nil {
			t.Fatal(err)
		}
	}
	rsp, _ := msg.New(msg.TypeResponse)
	rsp.SetTopic("rsp.a")
	_ = h.Send(rsp, 0)
	rsp.SetTopic("tagged")
	rsp.Aux2 = 4242
	_ = h.Send(rsp, 0)
	// Each handle runs its messages in arrival order: once both have
	// seen the sentinel, everything sent before it has been handled.
	_ = h.Send(newEvent("sentinel"), 0)
	for n := 0; n < 2; {
		if name := <-seen; strings.HasSuffix(name, "-sentinel") {
			n++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]string{
		"root-all":       "ev.x ev.zz",
		"root-xy":        "ev.x",
		"clone-one":      "ev.x",
		"root-both":      "both",
		"root-rsp":       "rsp.a", // the root's dispatcher is offered messages first
		"clone-tag":      "tagged",
		"root-sentinel":  "sentinel",
		"clone-sentinel": "sentinel",
	}
	for name, topics := range want {
		if strings.Join(got[name], " ") != topics {
			t.Errorf("%s got %q, want %q", name, got[name], topics)
		}
	}
	if len(got) != len(want) {
		t.Errorf("handlers called: %v", got)
	}
}

// A clone's handlers run on a goroutine of their own: one handle's
// blocked handler holds up neither the other handle's handlers nor the
// receive loop, while the handlers of one handle run one at a time.
func TestGoMsgHandlerCloneIndependent(t *testing.T) {
	root := goHandle(t, 0)
	clone, err := root.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	for _, blocked := range []*Handle{root, clone} {
		other := root
		if blocked == root {
			other = clone
		}
		entered, release := make(chan struct{}), make(chan struct{})
		var released atomic.Bool
		var secondOK atomic.Bool
		b1 := goHandler(t, blocked, int(msg.TypeRequest), "blk.wait", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
			close(entered)
			<-release
			released.Store(true)
			_ = h.Respond(m, nil)
		})
		b2 := goHandler(t, blocked, int(msg.TypeRequest), "blk.second", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
			secondOK.Store(released.Load())
			_ = h.Respond(m, nil)
		})
		o := goHandler(t, other, int(msg.TypeRequest), "free.ping", answer("free"))

		f1, _ := root.RPC("blk.wait", nil, msg.NodeIDAny, 0)
		<-entered
		f2, _ := root.RPC("blk.second", nil, msg.NodeIDAny, 0)
		waitFor(t, "the second request to be queued behind the first", func() bool { return queued(blocked) == 1 })
		// The other handle answers while the first handler still runs.
		wantAnswer(t, root, "free.ping", "free")
		close(release)
		for _, f := range []*Future{f1, f2} {
			if err := f.Wait(goCtx(t)); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Get(); err != nil {
				t.Fatal(err)
			}
			f.Destroy()
		}
		if !secondOK.Load() {
			t.Fatal("the second handler ran while the first was running")
		}
		b1.Destroy()
		b2.Destroy()
		o.Destroy()
	}
}

// Many requests in flight on one handle: its handlers never overlap.
func TestGoMsgHandlerSerialized(t *testing.T) {
	h := goHandle(t, 0)
	var active, maxActive atomic.Int32
	goHandler(t, h, int(msg.TypeRequest), "ser.*", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
		n := active.Add(1)
		if n > maxActive.Load() {
			maxActive.Store(n)
		}
		runtime.Gosched()
		active.Add(-1)
		_ = h.Respond(m, nil)
	})
	var fs []*Future
	for i := 0; i < 200; i++ {
		f, err := h.RPC("ser.x", nil, msg.NodeIDAny, 0)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	for _, f := range fs {
		if err := f.Wait(goCtx(t)); err != nil {
			t.Fatal(err)
		}
		f.Destroy()
	}
	if maxActive.Load() != 1 {
		t.Fatalf("up to %d handlers ran at once", maxActive.Load())
	}
}

// Stopping a handle's handlers cancels their context, waits for the one
// running, and routes the requests it had queued again.
func TestGoMsgHandlersStop(t *testing.T) {
	for _, flags := range []int{0, ONoRequeue} {
		root := goHandle(t, flags)
		clone, err := root.Clone()
		if err != nil {
			t.Fatal(err)
		}
		entered := make(chan struct{})
		var returned atomic.Bool
		goHandler(t, clone, int(msg.TypeRequest), "q.x", func(ctx context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
			if m.Topic == "q.x" && !returned.Load() {
				select {
				case <-entered:
				default:
					close(entered)
				}
				<-ctx.Done()
				_ = h.Respond(m, []byte("cancelled\x00"))
				returned.Store(true)
				return
			}
			_ = h.Respond(m, []byte("clone\x00"))
		})
		goHandler(t, clone, int(msg.TypeEvent), "*", func(context.Context, *Handle, *MsgHandler, *msg.Message) {
			t.Error("queued event delivered after stop")
		})
		// The root's handler starts only once the requests sit in the
		// clone's queue (the root is offered messages first).
		rootMH, err := root.GoMsgHandlerCreate(Match{TypeMask: int(msg.TypeRequest), TopicGlob: "q.*"}, answer("root"))
		if err != nil {
			t.Fatal(err)
		}
		f1, _ := root.RPC("q.x", nil, msg.NodeIDAny, 0)
		<-entered
		f2, _ := root.RPC("q.x", nil, msg.NodeIDAny, 0)
		f3, _ := root.RPC("q.x", nil, msg.NodeIDAny, 0)
		_ = root.Send(newEvent("ev"), 0)
		waitFor(t, "three messages queued for the clone", func() bool { return queued(clone) == 3 })
		rootMH.Start()
		clone.GoMsgHandlersStop()
		if !returned.Load() {
			t.Fatal("GoMsgHandlersStop returned while a handler was running")
		}
		want := []string{"cancelled", "root", "root"}
		for i, f := range []*Future{f1, f2, f3} {
			if err := f.Wait(goCtx(t)); err != nil {
				t.Fatal(err)
			}
			m, err := f.Get()
			if flags == ONoRequeue && i > 0 {
				// Without a requeue queue the rerouted requests are
				// answered as unmatched right away.
				wantErrno(t, err, syscall.ENOSYS, "Unknown service method 'q.x'")
			} else if err != nil || string(m.Payload) != want[i]+"\x00" {
				t.Fatalf("request %d: %v %v, want %s", i, m, err, want[i])
			}
			f.Destroy()
		}
		clone.GoMsgHandlersStop() // idempotent
		_, err = clone.GoMsgHandlerCreate(Match{}, answer("late"))
		wantErrno(t, err, syscall.ENOSYS, "")
		_, err = clone.MsgHandlerCreate(Match{}, func(*Handle, *MsgHandler, *msg.Message) {})
		wantErrno(t, err, syscall.EBUSY, "")
		clone.Close()
		wantAnswer(t, root, "q.x", "root")
	}
}

// A handler may stop its own handle's handlers, or close the handle,
// without waiting for itself.
func TestGoMsgHandlerStopFromHandler(t *testing.T) {
	h := goHandle(t, 0)
	clone, _ := h.Clone()
	goHandler(t, clone, int(msg.TypeRequest), "self.stop", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
		h.GoMsgHandlersStop()
		_ = h.Respond(m, nil)
	})
	if _, err := goRPC(t, h, "self.stop"); err != nil {
		t.Fatal(err)
	}
	_, err := goRPC(t, h, "self.stop")
	wantErrno(t, err, syscall.ENOSYS, "")
	clone.Close()

	root := mustOpen(t, "loop://", 0)
	d, _ := root.RecvLoopStart()
	closed := make(chan struct{})
	goHandler(t, root, int(msg.TypeEvent), "close", func(_ context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
		h.Close()
		close(closed)
	})
	_ = root.Send(newEvent("close"), 0)
	<-closed
	<-d.Done()
}

func TestGoMsgHandlerModesExclusive(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	mh, err := h.MsgHandlerCreate(Match{}, func(*Handle, *MsgHandler, *msg.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	defer mh.Destroy()
	_, err = h.GoMsgHandlerCreate(Match{}, answer("x"))
	wantErrno(t, err, syscall.EBUSY, "")
	h.GoMsgHandlersStop() // no Go handlers: nothing happens

	g := mustOpen(t, "loop://", 0)
	defer g.Close()
	if _, err := g.GoMsgHandlerCreate(Match{}, answer("x")); err != nil {
		t.Fatal(err)
	}
	_, err = g.MsgHandlerCreate(Match{}, func(*Handle, *MsgHandler, *msg.Message) {})
	wantErrno(t, err, syscall.EBUSY, "")
	_, err = g.HandleWatcher()
	wantErrno(t, err, syscall.EBUSY, "")
	g.Close()
	_, err = g.GoMsgHandlerCreate(Match{}, answer("x"))
	wantErrno(t, err, syscall.ENOSYS, "")
}

// Closing handles with handlers in flight leaves no goroutine behind, and
// no handler runs once Close has returned.
func TestGoMsgHandlerCloseNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		h := mustOpen(t, "loop://", 0)
		d, err := h.RecvLoopStart()
		if err != nil {
			t.Fatal(err)
		}
		clone, _ := h.Clone()
		var running atomic.Int32
		entered := make(chan struct{}, 2)
		block := func(ctx context.Context, h *Handle, _ *MsgHandler, m *msg.Message) {
			running.Add(1)
			defer running.Add(-1)
			entered <- struct{}{}
			<-ctx.Done()
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Error(ctx.Err())
			}
		}
		goHandler(t, h, int(msg.TypeRequest), "leak.root", block)
		goHandler(t, clone, int(msg.TypeRequest), "leak.clone", block)
		for _, topic := range []string{"leak.root", "leak.clone"} {
			f, err := h.RPC(topic, nil, msg.NodeIDAny, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Destroy()
		}
		<-entered
		<-entered
		clone.Close()
		h.Close()
		if n := running.Load(); n != 0 {
			t.Fatalf("%d handlers still running after Close", n)
		}
		<-d.Done()
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("goroutines: %d before, %d after\n%s", before, n, buf)
	}
}

// A message offered to a dispatcher that was stopped and whose handle was
// destroyed since it said it wanted the message (the RecvLoop checks,
// then posts) is routed again instead of being lost.
func TestGoMsgHandlerPostAfterClose(t *testing.T) {
	root := goHandle(t, 0)
	clone, _ := root.Clone()
	goHandler(t, clone, int(msg.TypeRequest), "late.x", answer("clone"))
	v, err := clone.AuxGet(auxDispatch)
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*dispatch)
	wantAnswer(t, root, "late.x", "clone")
	clone.Close()
	// The answer to the request below can only come from routing it
	// again; a response handler on the root catches it by matchtag.
	tag := root.MatchtagAlloc()
	defer root.MatchtagFree(tag)
	got := make(chan *msg.Message, 1)
	rh, err := root.GoMsgHandlerCreate(Match{TypeMask: int(msg.TypeResponse), Matchtag: tag},
		func(_ context.Context, _ *Handle, _ *MsgHandler, m *msg.Message) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	rh.Start()
	defer rh.Destroy()
	d.post(newRequest("late.x", tag, "")) // replays the race by hand
	select {
	case m := <-got:
		if m.Errnum() != uint32(syscall.ENOSYS) {
			t.Fatalf("answer errnum %d, want ENOSYS", m.Errnum())
		}
	case <-goCtx(t).Done():
		t.Fatal("the request posted to the closed clone was lost")
	}
}

func TestCurGoroutineID(t *testing.T) {
	a := curGoroutineID()
	if a == 0 || curGoroutineID() != a {
		t.Fatalf("id %d", a)
	}
	ch := make(chan uint64)
	go func() { ch <- curGoroutineID() }()
	if b := <-ch; b == 0 || b == a {
		t.Fatalf("ids %d %d", a, b)
	}
}
