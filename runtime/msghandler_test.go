package runtime

import (
	"encoding/binary"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// rpcOnReactor sends an RPC on h and runs h's reactor until its reactor
// continuation has the result.
func rpcOnReactor(t *testing.T, h *Handle, topic string) (*msg.Message, error) {
	t.Helper()
	f, err := h.RPC(topic, nil, msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	var m *msg.Message
	var rerr error
	done := false
	if err := f.ThenReactor(5, func(f *Future) {
		m, rerr = f.Get()
		done = true
		r, _ := f.GetReactor()
		r.Stop()
	}); err != nil {
		t.Fatal(err)
	}
	r, _ := h.GetReactor()
	if _, err := r.Run(0); err != nil {
		t.Fatal(err)
	}
	if !done {
		t.Fatal("continuation did not run")
	}
	return m, rerr
}

func TestMsgHandlerRequestsAndENOSYS(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	_, err := h.MsgHandlerCreate(Match{}, nil)
	wantErrno(t, err, syscall.EINVAL, "")
	var nilh *Handle
	_, err = nilh.MsgHandlerCreate(Match{}, func(*Handle, *MsgHandler, *msg.Message) {})
	wantErrno(t, err, syscall.EINVAL, "")

	var calls []string
	mk := func(glob string, name string) *MsgHandler {
		mh, err := h.MsgHandlerCreate(Match{TypeMask: int(msg.TypeRequest), TopicGlob: glob},
			func(h *Handle, mh *MsgHandler, m *msg.Message) {
				calls = append(calls, name)
				_ = h.Respond(m, []byte(name+"\x00"))
			})
		if err != nil {
			t.Fatal(err)
		}
		return mh
	}
	old := mk("svc.ping", "old")
	newer := mk("svc.ping", "new")
	globOld := mk("svc.*", "glob-old")
	globNew := mk("svc.*", "glob-new")
	for _, mh := range []*MsgHandler{old, newer, globOld, globNew} {
		defer mh.Destroy()
		mh.Start()
	}
	if m, err := rpcOnReactor(t, h, "svc.ping"); err != nil || string(m.Payload) != "new\x00" {
		t.Fatalf("svc.ping: %v %v", err, m)
	}
	if _, err := rpcOnReactor(t, h, "svc.other"); err != nil || calls[len(calls)-1] != "glob-new" {
		t.Fatalf("svc.other: %v %v", err, calls)
	}
	newer.Destroy()
	if _, err := rpcOnReactor(t, h, "svc.ping"); err != nil || calls[len(calls)-1] != "old" {
		t.Fatalf("after destroy: %v %v", err, calls)
	}
	old.Stop()
	if _, err := rpcOnReactor(t, h, "svc.ping"); err != nil || calls[len(calls)-1] != "glob-new" {
		t.Fatalf("stopped exact falls to glob: %v %v", err, calls)
	}
	globNew.Stop()
	globOld.Stop()
	_, err = rpcOnReactor(t, h, "nosvc.method")
	wantErrno(t, err, syscall.ENOSYS, "Unknown service method 'nosvc.method'")
}

func TestMsgHandlerRoles(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if err := h.OptSet(OptTestingRolemask, binary.NativeEndian.AppendUint32(nil, msg.RoleUser)); err != nil {
		t.Fatal(err)
	}
	mh, err := h.MsgHandlerCreate(Match{TypeMask: int(msg.TypeRequest), TopicGlob: "r.x"},
		func(h *Handle, _ *MsgHandler, m *msg.Message) { _ = h.Respond(m, nil) })
	if err != nil {
		t.Fatal(err)
	}
	defer mh.Destroy()
	mh.Start()
	_, err = rpcOnReactor(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request requires owner credentials")
	mh.AllowRolemask(msg.RoleAdmin)
	_, err = rpcOnReactor(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request rejected due to insufficient privilege")
	mh.AllowRolemask(msg.RoleUser)
	if _, err := rpcOnReactor(t, h, "r.x"); err != nil {
		t.Fatal(err)
	}
	mh.DenyRolemask(msg.RoleAll)
	_, err = rpcOnReactor(t, h, "r.x")
	wantErrno(t, err, syscall.EPERM, "Request requires owner credentials")
}

func TestMsgHandlerEventsResponsesAddvec(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	var got []string
	svc := "ev"
	hs, err := h.MsgHandlerAddvec(&svc, []MsgHandlerSpec{
		{TypeMask: int(msg.TypeEvent), TopicGlob: "*", Cb: func(_ *Handle, _ *MsgHandler, m *msg.Message) { got = append(got, "a:"+m.Topic) }},
		{TypeMask: int(msg.TypeEvent), TopicGlob: "x", Cb: func(_ *Handle, _ *MsgHandler, m *msg.Message) { got = append(got, "b:"+m.Topic) }},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer MsgHandlerDelvec(hs)
	// Response handler by matchtag; a second one for the tag is EEXIST.
	rh, err := h.MsgHandlerCreate(Match{TypeMask: int(msg.TypeResponse), Matchtag: 42},
		func(h *Handle, mh *MsgHandler, m *msg.Message) {
			got = append(got, "resp")
			r, _ := h.GetReactor()
			r.Stop()
		})
	if err != nil {
		t.Fatal(err)
	}
	defer rh.Destroy()
	_, err = h.MsgHandlerCreate(Match{TypeMask: int(msg.TypeResponse), Matchtag: 42},
		func(*Handle, *MsgHandler, *msg.Message) {})
	wantErrno(t, err, syscall.EEXIST, "")
	rh.Start()
	_ = h.Send(newEvent("ev.x"), 0)
	_ = h.Send(newEvent("ev.y"), 0)
	rsp, _ := msg.New(msg.TypeResponse)
	rsp.SetTopic("whatever")
	rsp.Aux2 = 42
	_ = h.Send(rsp, 0)
	r, _ := h.GetReactor()
	mustRun(t, r, 0)
	want := "b:ev.x a:ev.x a:ev.y resp"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, " "), want)
	}
	w, err := h.HandleWatcher()
	if err != nil || !w.IsActive() {
		t.Fatalf("HandleWatcher: %v", err)
	}
}

func TestDispatchRequeueAndTrace(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	wantErrno(t, h.DispatchRequeue(), syscall.EINVAL, "")
	c, _ := h.Clone()
	defer c.Close()
	mh, _ := c.MsgHandlerCreate(Match{TypeMask: int(msg.TypeEvent), TopicGlob: "stop"},
		func(h *Handle, _ *MsgHandler, _ *msg.Message) {
			r, _ := h.GetReactor()
			r.Stop()
		})
	defer mh.Destroy()
	mh.Start()
	_ = c.Send(newEvent("a"), 0)
	_ = c.Send(newEvent("b"), 0)
	_ = c.Send(newEvent("stop"), 0)
	rc, _ := c.GetReactor()
	mustRun(t, rc, 0)
	if _, err := h.Recv(Match{}, ONonblock); err == nil {
		t.Fatal("clone did not keep unmatched messages")
	}
	if err := c.DispatchRequeue(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a", "b"} {
		m, err := h.Recv(Match{}, ONonblock)
		if err != nil || m.Topic != want {
			t.Fatalf("requeued: %v %v, want %s", m, err, want)
		}
	}
	// FLUX_O_TRACE: unmatched control messages are reported.
	diag := captureDiag(t)
	ht := mustOpen(t, "loop://", 0)
	defer ht.Close()
	stopper, _ := ht.MsgHandlerCreate(Match{TypeMask: int(msg.TypeEvent)}, func(h *Handle, _ *MsgHandler, _ *msg.Message) {
		r, _ := h.GetReactor()
		r.Stop()
	})
	defer stopper.Destroy()
	stopper.Start()
	ctl, _ := msg.New(msg.TypeControl)
	_ = ht.Send(ctl, 0)
	_ = ht.Send(newEvent("e"), 0)
	ht.FlagsSet(OTrace)
	r, _ := ht.GetReactor()
	mustRun(t, r, 0)
	if !strings.Contains(diag.String(), "nomatch: control 'unknown'\n") {
		t.Fatalf("trace output %q", diag.String())
	}
}

// TestCloneOnOtherReactor runs a root's reactor and a clone's reactor on
// two locked OS threads: each handler runs on its own reactor's thread,
// whichever thread received the request.
func TestCloneOnOtherReactor(t *testing.T) {
	server := mustOpen(t, "interthread://twothreads", 0)
	client := mustOpen(t, "interthread://twothreads", 0)
	defer client.Close()
	clone, err := server.Clone()
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := NewReactor(0)
	if err := clone.SetReactor(r2); err != nil {
		t.Fatal(err)
	}
	r1, _ := server.GetReactor()

	var mu sync.Mutex
	tids := map[string]int{}
	handler := func(name string) MsgHandlerFunc {
		return func(h *Handle, _ *MsgHandler, m *msg.Message) {
			mu.Lock()
			tids[name] = unix.Gettid()
			mu.Unlock()
			_ = h.Respond(m, []byte(name+"\x00"))
		}
	}
	mhRoot, _ := server.MsgHandlerCreate(Match{TypeMask: int(msg.TypeRequest), TopicGlob: "root.ping"}, handler("root"))
	mhClone, _ := clone.MsgHandlerCreate(Match{TypeMask: int(msg.TypeRequest), TopicGlob: "clone.ping"}, handler("clone"))
	mhRoot.Start()
	mhClone.Start()

	runTids := make(chan int, 2)
	var wg sync.WaitGroup
	for _, r := range []*Reactor{r1, r2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			runTids <- unix.Gettid()
			if _, err := r.Run(0); err != nil {
				t.Error(err)
			}
		}()
	}
	tid1, tid2 := <-runTids, <-runTids
	for i := 0; i < 20; i++ {
		for _, topic := range []string{"root.ping", "clone.ping"} {
			f, err := client.RPC(topic, nil, msg.NodeIDAny, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.WaitFor(10); err != nil {
				t.Fatalf("%s: %v", topic, err)
			}
			m, err := f.Get()
			if err != nil || string(m.Payload) != strings.TrimSuffix(topic, ".ping")+"\x00" {
				t.Fatalf("%s: %v %v", topic, m, err)
			}
			f.Destroy()
		}
	}
	mu.Lock()
	rootTid, cloneTid := tids["root"], tids["clone"]
	mu.Unlock()
	if rootTid == cloneTid || (rootTid != tid1 && rootTid != tid2) || (cloneTid != tid1 && cloneTid != tid2) {
		t.Fatalf("handler threads root=%d clone=%d, reactor threads %d %d", rootTid, cloneTid, tid1, tid2)
	}
	// Stopping the handlers lets both Runs return; nothing leaks.
	mhRoot.Destroy()
	mhClone.Destroy()
	waitDone := make(chan struct{})
	go func() { wg.Wait(); close(waitDone) }()
	select {
	case <-waitDone:
	case <-time.After(10 * time.Second):
		t.Fatal("reactors did not return after handlers were destroyed")
	}
	clone.Close()
	server.Close()
	r2.Destroy()
}
