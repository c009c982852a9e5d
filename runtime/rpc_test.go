package runtime

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// standIn starts a stand-in broker and opens a handle on it (on-demand
// mode: no dispatcher).
func standIn(t *testing.T, flags int) (*broker.Broker, *Handle) {
	t.Helper()
	clearHandleEnv(t)
	b := brokertest.Start(t)
	h := mustOpen(t, b.URI(), flags)
	t.Cleanup(h.Close)
	return b, h
}

func TestRPCErrors(t *testing.T) {
	_, h := standIn(t, 0)
	cases := []struct {
		name   string
		topic  string
		pay    string
		nodeid uint32
		errno  syscall.Errno
		text   string
	}{
		{"no service", "nosuch.method", "", msg.NodeIDAny, syscall.ENOSYS, "No service matching nosuch.method is registered"},
		{"unknown method", "attr.nosuch", "{}", msg.NodeIDAny, syscall.ENOSYS, "Unknown service method 'attr.nosuch'"},
		{"unknown attr", "attr.get", `{"name":"nosuch"}`, msg.NodeIDAny, syscall.ENOENT, "No such file or directory"},
		{"bad payload", "attr.get", "x", msg.NodeIDAny, syscall.EPROTO, ""},
		{"no such rank", "broker.ping", "{}", 5, syscall.EHOSTUNREACH, ""},
		{"upstream of rank 0", "broker.ping", "{}", msg.NodeIDUpstream, syscall.EHOSTUNREACH, ""},
		{"not updatable", "attr.set", `{"name":"rank","value":"3"}`, msg.NodeIDAny, syscall.EINVAL, "attribute may not be updated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p []byte
			if tc.pay != "" {
				p = append([]byte(tc.pay), 0)
			}
			f, err := h.RPC(tc.topic, p, tc.nodeid, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Destroy()
			_, err = f.Get()
			wantErrno(t, err, tc.errno, tc.text)
			if es := f.ErrorString(); es == nil || *es != ErrorText(err) {
				t.Fatalf("ErrorString %v, error %q", es, ErrorText(err))
			}
			if f.Nodeid() != tc.nodeid {
				t.Fatalf("Nodeid = %#x", f.Nodeid())
			}
		})
	}
}

func TestRPCArgErrors(t *testing.T) {
	_, h := standIn(t, 0)
	var nilH *Handle
	_, err := nilH.RPC("a.b", nil, 0, 0)
	wantErrno(t, err, syscall.EINVAL, "")
	for _, flags := range []int{4, 8, -1} {
		_, err = h.RPC("broker.ping", nil, msg.NodeIDAny, flags)
		wantErrno(t, err, syscall.EINVAL, "")
	}
	_, err = h.RPCMessage(nil, 0, 0)
	wantErrno(t, err, syscall.EINVAL, "")
	ev, _ := EventEncode("x", nil)
	_, err = h.RPCMessage(ev, 0, 0)
	wantErrno(t, err, syscall.EINVAL, "")
	var nilF *Future
	wantErrno(t, nilF.WaitFor(0), syscall.EINVAL, "")
	_, err = nilF.Get()
	wantErrno(t, err, syscall.EINVAL, "")
	wantErrno(t, nilF.Then(func(*Future) {}), syscall.EINVAL, "")
	nilF.Reset()
	nilF.Destroy()
	if nilF.IsReady() || nilF.Matchtag() != 0 || nilF.Nodeid() != msg.NodeIDAny || nilF.ErrorString() != nil {
		t.Fatal("nil future accessors")
	}
}

func TestRPCSuccessAndTagReuse(t *testing.T) {
	_, h := standIn(t, 0)
	for i := 0; i < 3; i++ {
		f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.Matchtag() != 1 {
			t.Fatalf("matchtag %d, want 1 (freed by the previous Destroy)", f.Matchtag())
		}
		m, err := f.RPCGet()
		if err != nil {
			t.Fatal(err)
		}
		_, s, err := ResponseDecodeString(m)
		if err != nil || s == nil || !strings.Contains(*s, `"rank": 0`) {
			t.Fatalf("response %v %v", s, err)
		}
		f.Destroy()
	}
	if h.MatchtagAvail() != 1023 {
		t.Fatalf("avail %d", h.MatchtagAvail())
	}
}

func TestRPCNoResponse(t *testing.T) {
	_, h := standIn(t, 0)
	for _, flags := range []int{RPCNoResponse, RPCNoResponse | RPCStreaming} {
		f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, flags)
		if err != nil {
			t.Fatal(err)
		}
		if !f.IsReady() || f.Matchtag() != 0 {
			t.Fatal("NORESPONSE future not ready at once or has a tag")
		}
		if m, err := f.Get(); m != nil || err != nil {
			t.Fatalf("Get = %v, %v", m, err)
		}
		_, err = f.RPCGet()
		wantErrno(t, err, syscall.EINVAL, "")
		f.Destroy()
	}
}

func TestWaitForTimeoutAndLateReclaim(t *testing.T) {
	b, h := standIn(t, OMatchdebug)
	diag := captureDiag(t)
	b.HoldResponses("broker.ping")
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantErrno(t, f.WaitFor(0), syscall.ETIMEDOUT, "")
	wantErrno(t, f.WaitFor(0.05), syscall.ETIMEDOUT, "")
	tag := f.Matchtag()
	f.Destroy()
	if !strings.Contains(diag.String(), "MATCHDEBUG: unfulfilled RPC leaks matchtag=1\n") {
		t.Fatalf("diag %q", diag.String())
	}
	// The tag is not reused while the response can still arrive.
	g, err := h.RPC("attr.get", []byte(`{"name":"rank"}`+"\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Matchtag() == tag {
		t.Fatal("tag of an unfinished RPC was reused")
	}
	b.ReleaseResponses()
	if _, err := g.Get(); err != nil {
		t.Fatal(err)
	}
	g.Destroy()
	// Another wait pumps the late response, which reclaims the tag.
	k, _ := h.RPC("attr.get", []byte(`{"name":"size"}`+"\x00"), msg.NodeIDAny, 0)
	if _, err := k.Get(); err != nil {
		t.Fatal(err)
	}
	k.Destroy()
	if _, orphans := h.PendingRPCs(); orphans != 0 {
		t.Fatalf("%d orphaned tags left", orphans)
	}
	if !strings.Contains(diag.String(), "MATCHDEBUG: reclaimed matchtag=1\n") {
		t.Fatalf("diag %q", diag.String())
	}
}

func TestStreamingRPCReset(t *testing.T) {
	_, h := standIn(t, OMatchdebug)
	f, err := h.RPC("state-machine.monitor", []byte(`{"final":5}`+"\x00"), msg.NodeIDAny, RPCStreaming)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Get()
	if err != nil || !m.HasFlag(msg.FlagStreaming) {
		t.Fatalf("first: %v %v", m, err)
	}
	if s, _, _ := m.String(); s != `{"state":5}` {
		t.Fatalf("payload %q", s)
	}
	f.Reset()
	_, err = f.Get()
	wantErrno(t, err, syscall.ENODATA, "")
	f.Destroy()
	if h.MatchtagAvail() != 1023 {
		t.Fatal("terminated stream did not free its tag")
	}
}

func TestUserFuture(t *testing.T) {
	f := NewFuture()
	if f.IsReady() {
		t.Fatal("ready")
	}
	wantErrno(t, f.WaitFor(0), syscall.ETIMEDOUT, "")
	done := make(chan int, 4)
	if err := f.Then(func(g *Future) { v, _ := g.Result(); done <- v.(int) }); err != nil {
		t.Fatal(err)
	}
	f.Fulfill(1)
	f.Fulfill(2)
	if <-done != 1 {
		t.Fatal("first result")
	}
	f.Reset()
	if <-done != 2 {
		t.Fatal("second result")
	}
	text := "boom"
	g := NewFuture()
	g.FulfillError(int(syscall.EPERM), &text)
	_, err := g.Get()
	wantErrno(t, err, syscall.EPERM, "boom")
	g.FatalError(int(syscall.EIO), nil)
	g.Reset()
	_, err = g.Get()
	wantErrno(t, err, syscall.EIO, "")
	g.Destroy()
	_, err = g.Get()
	wantErrno(t, err, syscall.EINVAL, "")
}

func TestThenNeedsRecvLoop(t *testing.T) {
	_, h := standIn(t, 0)
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	wantErrno(t, f.Then(func(*Future) {}), syscall.EINVAL, "")
	d, err := h.RecvLoopStart()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	if err := f.Then(func(g *Future) { _, err := g.Get(); got <- err }); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	d.Stop()
}

func TestEventsAndPublish(t *testing.T) {
	_, h := standIn(t, 0)
	if err := h.EventSubscribe("cap."); err != nil {
		t.Fatal(err)
	}
	// FLUX_RPC flags other than 0 and PRIVATE are rejected.
	for _, flags := range []int{1, 2, 0x40} {
		_, err := h.EventPublish("cap.x", flags, nil)
		wantErrno(t, err, syscall.EINVAL, "")
	}
	f, err := h.EventPublish("cap.pub", 0, []byte("{\"a\":1}\x00"))
	if err != nil {
		t.Fatal(err)
	}
	seq, err := f.EventPublishGetSeq()
	if err != nil || seq != 1 {
		t.Fatalf("seq %d %v", seq, err)
	}
	f.Destroy()
	ev, err := h.Recv(Match{TypeMask: int(msg.TypeEvent)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	topic, s, err := EventDecodeString(ev)
	if err != nil || topic != "cap.pub" || s == nil || *s != `{"a":1}` || ev.Seq() != 1 {
		t.Fatalf("event %q %v %v", topic, s, err)
	}
	if err := h.EventSend("cap.raw", int(msg.FlagPrivate), []byte{1, 0, 2}); err != nil {
		t.Fatal(err)
	}
	ev, err = h.Recv(Match{TypeMask: int(msg.TypeEvent)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	topic, p, err := EventDecode(ev)
	if err != nil || topic != "cap.raw" || string(p) != "\x01\x00\x02" || ev.Seq() != 2 || !ev.HasFlag(msg.FlagPrivate) {
		t.Fatalf("raw event %q %q %v", topic, p, err)
	}
	if _, _, err := EventDecodeString(ev); ErrnoOf(err) != syscall.EPROTO {
		t.Fatalf("binary payload as string: %v", err)
	}
	if err := h.EventUnsubscribe("cap."); err != nil {
		t.Fatal(err)
	}
	wantErrno(t, h.EventUnsubscribe("cap."), syscall.ENOENT, "")
	if topics, _ := h.Subscriptions(); len(topics) != 0 {
		t.Fatalf("subscriptions left: %v", topics)
	}
}

func TestEventPublishPayloadShape(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	f, err := h.EventPublish("cap.pub", int(msg.FlagPrivate), []byte("{\"a\":1}\x00"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	req, err := h.Recv(Match{TypeMask: int(msg.TypeRequest)}, ONonblock)
	if err != nil {
		t.Fatal(err)
	}
	if req.Topic != "event.publish" || req.Nodeid() != 0 {
		t.Fatalf("request %s nodeid %d", req.Topic, req.Nodeid())
	}
	var body map[string]any
	s, _, _ := req.String()
	if err := json.Unmarshal([]byte(s), &body); err != nil {
		t.Fatal(err)
	}
	want := base64.StdEncoding.EncodeToString([]byte("{\"a\":1}\x00"))
	if body["topic"] != "cap.pub" || body["flags"] != float64(32) || body["payload"] != want {
		t.Fatalf("body %s", s)
	}
}

func TestTestNosub(t *testing.T) {
	h := mustOpen(t, "loop://", OTestNosub)
	defer h.Close()
	if err := h.EventSubscribe("x"); err != nil {
		t.Fatal(err)
	}
	if err := h.EventUnsubscribe("x"); err != nil {
		t.Fatal(err)
	}
	if n := h.Msgcounters().RequestTx; n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestAttrSetAndCache(t *testing.T) {
	_, h := standIn(t, 0)
	cases := []struct {
		name  string
		val   *string
		force bool
		errno syscall.Errno
		text  string
	}{
		{"test.foo", strp("1"), false, 0, ""},
		{"nosuch-attr", strp("1"), false, syscall.ENOENT, "unknown attribute"},
		{"rank", strp("3"), false, syscall.EINVAL, "attribute may not be updated"},
		{"test.foo", nil, false, syscall.EINVAL, ""},
	}
	for _, tc := range cases {
		err := h.AttrSet(tc.name, tc.val, tc.force)
		if tc.errno == 0 {
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			continue
		}
		wantErrno(t, err, tc.errno, tc.text)
	}
	if v, err := h.AttrGet("test.foo"); err != nil || v != "1" {
		t.Fatalf("test.foo = %q %v", v, err)
	}
	if _, ok := h.AttrCacheFirst(); ok {
		t.Fatal("cache not empty")
	}
	_, _ = h.GetRank()
	_, _ = h.GetSize()
	var names []string
	for n, ok := h.AttrCacheFirst(); ok; n, ok = h.AttrCacheNext() {
		names = append(names, n)
	}
	if strings.Join(names, ",") != "rank,size" {
		t.Fatalf("cache names %v", names)
	}
	st, err := h.GetInstanceStarttime()
	if err != nil || st <= 0 {
		t.Fatalf("starttime %v %v", st, err)
	}
}

func TestServiceRespond(t *testing.T) {
	_, srv := standIn(t, 0)
	b2 := srv // same broker for the client
	_ = b2
	f, err := srv.ServiceRegister("capsvc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(); err != nil {
		t.Fatal(err)
	}
	f.Destroy()
	cases := []struct {
		name, svc string
		errno     syscall.Errno
	}{
		{"duplicate", "capsvc", syscall.EEXIST},
		{"broker service", "attr", syscall.EEXIST},
		{"dot", "a.b", syscall.EINVAL},
	}
	for _, tc := range cases {
		f, err := srv.ServiceRegister(tc.svc)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Get()
		wantErrno(t, err, tc.errno, "")
		f.Destroy()
	}
	f, _ = srv.ServiceUnregister("notreg")
	_, err = f.Get()
	wantErrno(t, err, syscall.ENOENT, "")
	f.Destroy()
	if _, svcs := srv.Subscriptions(); len(svcs) != 1 || svcs[0] != "capsvc" {
		t.Fatalf("services %v", svcs)
	}
}

func TestRespondRules(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	var nilH *Handle
	req := newRequest("svc.m", 7, "")
	wantErrno(t, nilH.Respond(req, nil), syscall.EINVAL, "")
	wantErrno(t, h.Respond(nil, nil), syscall.EINVAL, "")
	wantErrno(t, h.RespondError(nil, 1, nil), syscall.EINVAL, "")
	wantErrno(t, h.Respond(newEvent("x"), nil), syscall.EPROTO, "")
	nr := newRequest("svc.m", 0, "")
	nr.Flags |= msg.FlagNoResponse
	if err := h.Respond(nr, nil); err != nil {
		t.Fatal(err)
	}
	if err := h.RespondError(nr, 5, nil); err != nil {
		t.Fatal(err)
	}
	if h.Msgcounters().ResponseTx != 0 {
		t.Fatal("NORESPONSE request was answered")
	}
	req.Routes = []string{"a", "b"}
	req.Flags |= msg.FlagStreaming
	req.Userid, req.Rolemask = 5, 5
	if err := h.RespondError(req, 0, strp("why")); err != nil {
		t.Fatal(err)
	}
	rep, err := h.Recv(Match{TypeMask: int(msg.TypeResponse)}, ONonblock)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errnum() != uint32(syscall.EINVAL) || rep.Matchtag() != 7 || rep.Topic != "svc.m" ||
		len(rep.Routes) != 2 || !rep.HasFlag(msg.FlagStreaming) {
		t.Fatalf("response %+v", rep)
	}
	if text, err := ResponseDecodeError(rep); err != nil || text != "why" {
		t.Fatalf("text %q %v", text, err)
	}
}

func TestMessageHelpersErrors(t *testing.T) {
	req, _ := RequestEncode("a.b", nil)
	ev, _ := EventEncode("e", nil)
	rep, _ := ResponseEncode("a.b", nil)
	erep, _ := ResponseEncodeError("a.b", int(syscall.EPERM), nil)
	cases := []struct {
		name  string
		fn    func() error
		errno syscall.Errno
	}{
		{"request decode nil", func() error { _, _, err := RequestDecode(nil); return err }, syscall.EINVAL},
		{"request decode event", func() error { _, _, err := RequestDecode(ev); return err }, syscall.EPROTO},
		{"response decode nil", func() error { _, _, err := ResponseDecode(nil); return err }, syscall.EINVAL},
		{"response decode request", func() error { _, _, err := ResponseDecode(req); return err }, syscall.EPROTO},
		{"response decode error", func() error { _, _, err := ResponseDecode(erep); return err }, syscall.EPERM},
		{"decode error nil", func() error { _, err := ResponseDecodeError(nil); return err }, syscall.EINVAL},
		{"decode error request", func() error { _, err := ResponseDecodeError(req); return err }, syscall.EPROTO},
		{"decode error success", func() error { _, err := ResponseDecodeError(rep); return err }, syscall.ENOENT},
		{"decode error no text", func() error { _, err := ResponseDecodeError(erep); return err }, syscall.ENOENT},
		{"encode error 0", func() error { _, err := ResponseEncodeError("a", 0, nil); return err }, syscall.EINVAL},
		{"event decode nil", func() error { _, _, err := EventDecode(nil); return err }, syscall.EINVAL},
		{"event decode request", func() error { _, _, err := EventDecode(req); return err }, syscall.EPROTO},
		{"derive nil", func() error { _, err := ResponseDerive(nil, 0); return err }, syscall.EINVAL},
		{"derive event", func() error { _, err := ResponseDerive(ev, 0); return err }, syscall.EPROTO},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantErrno(t, tc.fn(), tc.errno, "") })
	}
	if !req.HasRoute() || !ev.HasRoute() {
		t.Fatal("encoders must enable routing")
	}
}
