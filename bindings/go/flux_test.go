package flux

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// wantErr checks errno and (when text != "") the error text.
func wantErr(t *testing.T, err error, errno syscall.Errno, text string) {
	t.Helper()
	if !errors.Is(err, errno) {
		t.Fatalf("err = %v, want errno %d (%v)", err, errno, errno)
	}
	if text != "" && causeText(err) != text {
		t.Fatalf("text = %q, want %q", causeText(err), text)
	}
}

// causeText is the text of err's cause, what flux-core says, without the
// "<op> <subject>: " an *Error puts in front.
func causeText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Err.Error()
	}
	return err.Error()
}

func TestOpenRankSize(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t, RPCTrack, MatchDebug)
	if h.Flags()&RPCTrack == 0 {
		t.Fatal("RPCTrack flag not set")
	}
	r, err := h.Rank()
	if err != nil || r != 0 {
		t.Fatalf("rank %d %v", r, err)
	}
	if s, err := h.Size(); err != nil || s < 1 {
		t.Fatalf("size %d %v", s, err)
	}
	var nilH *Handle
	if _, err := nilH.Rank(); !errors.Is(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	if _, err := nilH.RPC(context.Background(), "a.b", nil); !errors.Is(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	nilH.Close()
	if _, err := Open("nosuch://x"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("bad scheme: %v", err)
	}
}

func TestRPCErrorsBinding(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	cases := []struct {
		name    string
		topic   string
		payload any
		opts    []RPCOption
		errno   syscall.Errno
		text    string
	}{
		{"no service", "nosuch.method", nil, nil, syscall.ENOSYS, "No service matching nosuch.method is registered"},
		{"unknown method", "broker.nosuch", map[string]int{}, nil, syscall.ENOSYS, "Unknown service method 'broker.nosuch'"},
		{"unknown attr", "attr.get", map[string]string{"name": "nosuch"}, nil, syscall.ENOENT, "No such file or directory"},
		{"not json", "attr.get", "x", nil, syscall.EPROTO, ""},
		{"no rank 5", "broker.ping", map[string]int{}, []RPCOption{ToRank(5)}, syscall.EHOSTUNREACH, ""},
		{"upstream of 0", "broker.ping", map[string]int{}, []RPCOption{Upstream()}, syscall.EHOSTUNREACH, ""},
		{"bad flag", "broker.ping", nil, []RPCOption{RPCFlag(4)}, syscall.EINVAL, ""},
		{"unencodable", "broker.ping", func() {}, nil, syscall.EINVAL, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.RPC(ctx, tc.topic, tc.payload, tc.opts...)
			wantErr(t, err, tc.errno, tc.text)
		})
	}
}

func TestRPCPayloadsAndNoResponse(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	for _, p := range []any{map[string]int{"seq": 7}, `{"seq":7}`, []byte("{\"seq\":7}\x00")} {
		m, err := h.RPC(ctx, "broker.ping", p)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Seq, Rank int }
		if err := m.Payload.Decode(&body); err != nil || body.Seq != 7 || m.Topic != "broker.ping" {
			t.Fatalf("%T: %q %v", p, m.Payload.Text(), err)
		}
	}
	m, err := h.RPC(ctx, "broker.ping", map[string]int{}, RPCNoResponse)
	if err != nil || len(m.Payload) != 0 {
		t.Fatalf("noresponse: %v %v", m, err)
	}
	f, err := h.RPCAsync("attr.get", map[string]string{"name": "rank"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Matchtag() == 0 {
		t.Fatal("no matchtag")
	}
	got := make(chan string, 1)
	if err := f.Then(func(m *Message, err error) { got <- m.Payload.Text() }); err != nil {
		t.Fatal(err)
	}
	if s := <-got; !strings.Contains(s, `"value":"0"`) {
		t.Fatalf("then got %q", s)
	}
	if !f.Ready() {
		t.Fatal("not ready after Then ran")
	}
	f.Close()
}

func TestRPCContext(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h := tb.open(t)
	tb.b.HoldResponses("broker.ping")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := h.RPC(ctx, "broker.ping", map[string]int{})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, syscall.ETIMEDOUT) {
		t.Fatalf("deadline: %v", err)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err = h.RPC(cctx, "broker.ping", map[string]int{})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, syscall.ECANCELED) {
		t.Fatalf("canceled: %v", err)
	}
	if _, orphans := h.rt.PendingRPCs(); orphans != 2 {
		t.Fatalf("orphans %d, want 2 (tags kept while responses may come)", orphans)
	}
	tb.b.ReleaseResponses()
	// The late responses reclaim the tags; a later RPC proves they came.
	for {
		if _, err := h.RPC(testCtx(t), "attr.get", map[string]string{"name": "rank"}); err != nil {
			t.Fatal(err)
		}
		if _, orphans := h.rt.PendingRPCs(); orphans == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRPCStream(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	var states []string
	for m, err := range h.RPCStream(ctx, "state-machine.monitor", map[string]int{"final": 5}) {
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, m.Payload.Text())
	}
	if strings.Join(states, ",") != `{"state":5}` {
		t.Fatalf("states %v", states)
	}
	var n int
	for item := range h.RPCStreamChan(ctx, "state-machine.monitor", map[string]int{"final": 5}) {
		if item.Err != nil {
			t.Fatal(item.Err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d items", n)
	}
	// A service without the streaming method: the error ends the stream.
	var errs []error
	for _, err := range h.RPCStream(ctx, "nosuch.x", nil) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], syscall.ENOSYS) {
		t.Fatalf("errs %v", errs)
	}
}

func TestAttrBinding(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	if v, err := h.Attr(ctx, "rank"); err != nil || v != "0" {
		t.Fatalf("rank %q %v", v, err)
	}
	_, err := h.Attr(ctx, "nosuch")
	wantErr(t, err, syscall.ENOENT, "")
	cases := []struct {
		name, value string
		force       bool
		errno       syscall.Errno
		text        string
	}{
		{"test.binding", "x", false, 0, ""},
		{"rank", "3", false, syscall.EINVAL, "attribute may not be updated"},
		{"nosuch", "1", false, syscall.ENOENT, "unknown attribute"},
		{"test.binding", "y", true, 0, ""},
	}
	for _, tc := range cases {
		set := h.SetAttr
		if tc.force {
			set = h.SetAttrForce
		}
		err := set(ctx, tc.name, tc.value)
		if tc.errno == 0 {
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if v, err := h.Attr(ctx, tc.name); err != nil || v != tc.value {
				t.Fatalf("%s = %q %v", tc.name, v, err)
			}
			continue
		}
		wantErr(t, err, tc.errno, tc.text)
	}
}

func TestEventsBinding(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	sub, err := h.Subscribe(ctx, "bind.")
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.Subscribe(ctx, "other.")
	if err != nil {
		t.Fatal(err)
	}
	seq, err := h.Publish(ctx, "bind.a", map[string]int{"n": 1})
	if err != nil || seq < 1 {
		t.Fatalf("publish %d %v", seq, err)
	}
	seq2, err := h.Publish(ctx, "bind.b", nil, FlagPrivate)
	if err != nil || seq2 != seq+1 {
		t.Fatalf("private publish %d %v", seq2, err)
	}
	if err := h.PublishRaw("bind.c", []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	for _, flags := range []PublishOption{FlagStreaming, MsgFlag(1)} {
		_, err := h.Publish(ctx, "bind.x", nil, flags)
		wantErr(t, err, syscall.EINVAL, "")
		wantErr(t, h.PublishRaw("bind.x", nil, flags), syscall.EINVAL, "")
	}
	want := []struct {
		topic   string
		text    string
		private bool
	}{{"bind.a", `{"n":1}`, false}, {"bind.b", "", true}, {"bind.c", "\x00\x01\x02", false}}
	for i, w := range want {
		ev := <-sub.C()
		if ev.Topic != w.topic || string(ev.Payload.Text()) != w.text || ev.Private != w.private || ev.Seq != uint32(seq+i) {
			t.Fatalf("event %d: %+v", i, ev)
		}
	}
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-sub.C(); ok {
		t.Fatal("channel open after Unsubscribe")
	}
	if _, err := h.Publish(ctx, "other.z", "s"); err != nil {
		t.Fatal(err)
	}
	if ev := <-other.C(); ev.Topic != "other.z" || ev.Payload.Text() != "s" {
		t.Fatalf("other: %+v", ev)
	}
	wantErr(t, h.rt.EventUnsubscribe("never."), syscall.ENOENT, "")
}

func TestServiceBinding(t *testing.T) {
	tb := startBroker(t)
	srv := tb.open(t)
	cli := tb.open(t)
	ctx := testCtx(t)
	name := fmt.Sprintf("bindsvc%d", time.Now().UnixNano()%100000)
	svc, err := srv.RegisterService(ctx, name, func(req *ServiceRequest) {
		switch strings.TrimPrefix(req.Topic, name+".") {
		case "echo":
			_ = req.Respond(req.Payload)
		case "stream":
			if !req.Streaming {
				_ = req.RespondError(syscall.EPROTO, "streaming flag required")
				return
			}
			for i := 0; i < 3; i++ {
				_ = req.Respond(map[string]int{"i": i})
			}
			_ = req.RespondError(syscall.ENODATA, "")
		case "err":
			_ = req.RespondError(0, "custom text")
		case "quiet":
			_ = req.Respond("ignored") // NORESPONSE: nothing is sent
		default:
			_ = req.RespondError(syscall.ENOSYS, "Unknown service method '"+req.Topic+"'")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cli.RPC(ctx, name+".echo", "hello")
	if err != nil || m.Payload.Text() != "hello" {
		t.Fatalf("echo %v %v", m, err)
	}
	var got []string
	for m, err := range cli.RPCStream(ctx, name+".stream", nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Payload.Text())
	}
	if strings.Join(got, " ") != `{"i":0} {"i":1} {"i":2}` {
		t.Fatalf("stream %v", got)
	}
	if _, err := cli.RPC(ctx, name+".quiet", nil, RPCNoResponse); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		topic string
		errno syscall.Errno
		text  string
	}{
		{name + ".stream", syscall.EPROTO, "streaming flag required"},
		{name + ".err", syscall.EINVAL, "custom text"},
		{name + ".nosuch", syscall.ENOSYS, "Unknown service method '" + name + ".nosuch'"},
	}
	for _, tc := range cases {
		_, err := cli.RPC(ctx, tc.topic, nil)
		wantErr(t, err, tc.errno, tc.text)
	}
	regErrs := []struct {
		name  string
		errno syscall.Errno
	}{{name, syscall.EEXIST}, {"attr", syscall.EEXIST}, {"a.b", syscall.EINVAL}}
	for _, tc := range regErrs {
		_, err := cli.RegisterService(ctx, tc.name, func(*ServiceRequest) {})
		wantErr(t, err, tc.errno, "")
	}
	_, err = srv.RegisterService(ctx, name, func(*ServiceRequest) {})
	wantErr(t, err, syscall.EEXIST, "")
	_, err = srv.RegisterService(ctx, "x", nil)
	wantErr(t, err, syscall.EINVAL, "")
	if err := svc.Unregister(ctx); err != nil {
		t.Fatal(err)
	}
	wantErr(t, svc.Unregister(ctx), syscall.ENOENT, "")
	_, err = cli.RPC(ctx, name+".echo", "x")
	wantErr(t, err, syscall.ENOSYS, "")
}
