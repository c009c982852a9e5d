package flux

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

var svcCounter atomic.Int32

// uniqueName returns a service name (and event topic prefix) no other
// test uses, also against a shared real broker.
func uniqueName(base string) string {
	return fmt.Sprintf("%s%d%d", base, time.Now().UnixNano()%1000000, svcCounter.Add(1))
}

// serve opens a server handle with a registered service name.
func serve(t *testing.T, tb *testBroker, base string) (*Handle, string) {
	t.Helper()
	h := tb.open(t)
	name := uniqueName(base)
	if _, err := h.RegisterServiceName(testCtx(t), name); err != nil {
		t.Fatal(err)
	}
	return h, name
}

// mustHandle registers a handler or fails the test.
func mustHandle(t *testing.T, h *Handle, match Match, fn HandlerFunc, opts ...HandlerOption) *Handler {
	t.Helper()
	hd, err := h.HandleFunc(match, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return hd
}

// reply is a handler answering with text.
func reply(text string) HandlerFunc {
	return func(_ context.Context, _ *Message, r Responder) { _ = r.Respond(text) }
}

// wantReply checks that an RPC to topic is answered with text.
func wantReply(t *testing.T, h *Handle, topic, text string) {
	t.Helper()
	m, err := h.RPC(testCtx(t), topic, nil)
	if err != nil || m.Payload.Text() != text {
		t.Fatalf("%s: %v %v, want %q", topic, m, err, text)
	}
}

// recorder collects "handler:topic" strings from handlers on any goroutine.
type recorder struct {
	mu   sync.Mutex
	got  []string
	seen chan string
}

func newRecorder() *recorder { return &recorder{seen: make(chan string, 100)} }

// fn returns a handler recording its name and the message's type and topic.
func (rc *recorder) fn(name string) HandlerFunc {
	return func(_ context.Context, m *Message, r Responder) {
		rc.mu.Lock()
		rc.got = append(rc.got, fmt.Sprintf("%s:%d:%s", name, m.Type, m.Topic))
		rc.mu.Unlock()
		if m.Type == Request {
			_ = r.Respond(name)
		}
		rc.seen <- name
	}
}

// sorted returns what was recorded, sorted.
func (rc *recorder) sorted() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := append([]string(nil), rc.got...)
	sort.Strings(out)
	return out
}

func TestHandleFuncTypesAndGlobs(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hglob")
	cli := tb.open(t)
	ctx := testCtx(t)
	if err := srv.EventSubscribe(ctx, name+"."); err != nil {
		t.Fatal(err)
	}
	rc := newRecorder()
	mustHandle(t, srv, MatchRequest(name+".*"), rc.fn("any"))
	mustHandle(t, srv, MatchRequest(name+".q?"), rc.fn("q1"))
	mustHandle(t, srv, MatchRequest(name+".[ab][0-9]"), rc.fn("set"))
	mustHandle(t, srv, MatchRequest(name+".[!ab]9"), rc.fn("notset"))
	mustHandle(t, srv, Match{Types: Request | Event, Topic: name + ".both"}, rc.fn("both"))
	mustHandle(t, srv, MatchEvent(name+".*"), rc.fn("ev"))
	mustHandle(t, srv, MatchEvent(name+".q?"), rc.fn("evq"))
	mustHandle(t, srv, MatchResponse(name+".*"), rc.fn("rsp"))

	for topic, want := range map[string]string{
		".qx": "q1", ".qxx": "any", ".a5": "set", ".b0": "set", ".c9": "notset",
		".a9": "set", ".ax": "any", ".both": "both", ".other": "any",
	} {
		wantReply(t, cli, name+topic, want)
	}
	for _, topic := range []string{".both", ".qz", ".plain"} {
		if _, err := cli.Publish(ctx, name+topic, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 9+5; i++ {
		<-rc.seen
	}
	var events []string
	for _, s := range rc.sorted() {
		if !strings.Contains(s, fmt.Sprintf(":%d:", Request)) {
			events = append(events, s)
		}
	}
	want := []string{
		fmt.Sprintf("both:%d:%s.both", Event, name),
		fmt.Sprintf("ev:%d:%s.both", Event, name),
		fmt.Sprintf("ev:%d:%s.plain", Event, name),
		fmt.Sprintf("ev:%d:%s.qz", Event, name),
		fmt.Sprintf("evq:%d:%s.qz", Event, name),
	}
	if strings.Join(events, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", events, want)
	}
	if _, err := srv.HandleFunc(MatchRequest("x"), nil); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("nil fn: %v", err)
	}
	var nilH *Handle
	if _, err := nilH.HandleFunc(MatchRequest("x"), reply("x")); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("nil handle: %v", err)
	}
}

// An exact-topic request handler beats every glob, however recent; among
// globs the most recent wins; Remove uncovers the older ones.
func TestHandleFuncPrecedence(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hprec")
	cli := tb.open(t)
	older := mustHandle(t, srv, MatchRequest(name+".*"), reply("glob-older"))
	exactOld := mustHandle(t, srv, MatchRequest(name+".ping"), reply("exact-older"))
	exact := mustHandle(t, srv, MatchRequest(name+".ping"), reply("exact"))
	newer := mustHandle(t, srv, MatchRequest(name+".p*"), reply("glob-newer"))
	wantReply(t, cli, name+".ping", "exact")
	wantReply(t, cli, name+".pong", "glob-newer")
	wantReply(t, cli, name+".other", "glob-older")
	exact.Remove()
	exact.Remove() // twice is fine
	wantReply(t, cli, name+".ping", "exact-older")
	exactOld.Remove()
	wantReply(t, cli, name+".ping", "glob-newer")
	newer.Remove()
	wantReply(t, cli, name+".ping", "glob-older")
	older.Remove()
	var nilHd *Handler
	nilHd.Remove()
	_, err := cli.RPC(testCtx(t), name+".ping", nil)
	wantErr(t, err, syscall.ENOSYS, "Unknown service method '"+name+".ping'")
}

// An event goes to every matching handler of the handle and its clones
// (and to subscriptions), and to no other.
func TestHandleFuncEventToAllHandlers(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	clone, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	ctx := testCtx(t)
	topic := uniqueName("hev")
	if err := h.EventSubscribe(ctx, topic+"."); err != nil {
		t.Fatal(err)
	}
	sub, err := h.Subscribe(ctx, topic+".a")
	if err != nil {
		t.Fatal(err)
	}
	rc := newRecorder()
	mustHandle(t, h, MatchEvent(topic+".*"), rc.fn("root-glob"))
	mustHandle(t, h, MatchEvent(topic+".a"), rc.fn("root-exact"))
	mustHandle(t, h, Match{Topic: topic + ".?"}, rc.fn("root-anytype"))
	mustHandle(t, h, MatchEvent(topic+".b"), rc.fn("root-other"))
	mustHandle(t, h, MatchRequest(topic+".a"), rc.fn("root-request"))
	mustHandle(t, clone, MatchEvent(topic+".[a-c]"), rc.fn("clone-range"))
	mustHandle(t, clone, MatchEvent(topic+".a*"), rc.fn("clone-glob"))
	mustHandle(t, clone, MatchEvent(topic+".z"), rc.fn("clone-other"))
	if _, err := h.Publish(ctx, topic+".a", "x"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		<-rc.seen
	}
	if ev := <-sub.C(); ev.Topic != topic+".a" || ev.Type != Event {
		t.Fatalf("subscription got %+v", ev)
	}
	// Each handle runs its messages in order: once both have handled a
	// later event, no other handler can still get the first one.
	mustHandle(t, h, MatchEvent(topic+".end"), rc.fn("root-end"))
	mustHandle(t, clone, MatchEvent(topic+".end"), rc.fn("clone-end"))
	if _, err := h.Publish(ctx, topic+".end", nil); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 2; {
		if strings.HasSuffix(<-rc.seen, "-end") {
			n++
		}
	}
	var got []string
	for _, s := range rc.sorted() {
		if !strings.HasSuffix(s, ".end") {
			got = append(got, strings.SplitN(s, ":", 2)[0])
		}
	}
	want := "clone-glob clone-range root-anytype root-exact root-glob"
	if strings.Join(got, " ") != want {
		t.Fatalf("handlers %v, want %s", got, want)
	}
	if err := h.EventUnsubscribe(ctx, topic+"."); err != nil {
		t.Fatal(err)
	}
	wantErr(t, h.EventUnsubscribe(ctx, topic+"."), syscall.ENOENT, "")
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
}

// Requests from another client through the broker: payloads, errors,
// streaming answered after the handler returned, NORESPONSE.
func TestHandleFuncRoundTrip(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hrt")
	cli := tb.open(t)
	ctx := testCtx(t)
	var quiet atomic.Bool
	mustHandle(t, srv, MatchRequest(name+".*"), func(ctx context.Context, m *Message, r Responder) {
		switch strings.TrimPrefix(m.Topic, name+".") {
		case "echo":
			var body map[string]int
			if err := m.Payload.Decode(&body); err != nil {
				_ = r.RespondError(syscall.EPROTO, err.Error())
				return
			}
			body["n"]++
			_ = r.Respond(body)
		case "fail":
			_ = r.RespondError(syscall.ENOENT, "no such thing")
		case "stream":
			if m.Flags&FlagStreaming == 0 {
				_ = r.RespondError(syscall.EPROTO, "streaming flag required")
				return
			}
			// Answered later, from another goroutine.
			go func() {
				for i := 0; i < 3; i++ {
					_ = r.Respond(map[string]int{"i": i})
				}
				_ = r.RespondError(syscall.ENODATA, "")
			}()
		case "quiet":
			if m.Flags&FlagNoResponse != 0 {
				quiet.Store(r.Respond("dropped") == nil)
			}
		case "whoami":
			// A handler may make RPCs of its own on its handle.
			if _, err := srv.RPC(ctx, "broker.ping", map[string]int{"seq": 1}); err != nil {
				_ = r.RespondError(syscall.EIO, err.Error())
				return
			}
			_ = r.Respond(fmt.Sprintf("%d/%v", m.Type, m.Userid != UseridUnknown))
		}
	})
	m, err := cli.RPC(ctx, name+".echo", map[string]int{"n": 41})
	if err != nil || m.Payload.Text() != `{"n":42}` || m.Type != Response {
		t.Fatalf("echo: %v %v", m, err)
	}
	_, err = cli.RPC(ctx, name+".fail", nil)
	wantErr(t, err, syscall.ENOENT, "no such thing")
	_, err = cli.RPC(ctx, name+".echo", "not json")
	wantErr(t, err, syscall.EPROTO, "")
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
	_, err = cli.RPC(ctx, name+".stream", nil)
	wantErr(t, err, syscall.EPROTO, "streaming flag required")
	if _, err := cli.RPC(ctx, name+".quiet", nil, RPCNoResponse); err != nil {
		t.Fatal(err)
	}
	wantReply(t, cli, name+".whoami", fmt.Sprintf("%d/true", Request))
	if !quiet.Load() { // handled before whoami: one handle, in order
		t.Fatal("NORESPONSE request not handled, or Respond failed")
	}
	// The Responder given with an event cannot respond.
	evErr := make(chan error, 1)
	if err := srv.EventSubscribe(ctx, name+".ev"); err != nil {
		t.Fatal(err)
	}
	mustHandle(t, srv, MatchEvent(name+".ev"), func(_ context.Context, _ *Message, r Responder) {
		evErr <- r.Respond("x")
	})
	if _, err := cli.Publish(ctx, name+".ev", nil); err != nil {
		t.Fatal(err)
	}
	wantErr(t, <-evErr, syscall.EPROTO, "")
}

// A request that no handler takes gets ENOSYS with flux-core's text.
func TestHandleFuncUnmatchedENOSYS(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hnosys")
	cli := tb.open(t)
	hd := mustHandle(t, srv, MatchRequest(name+".known"), reply("known"))
	mustHandle(t, srv, MatchEvent(name+".*"), reply("event handlers take no requests"))
	wantReply(t, cli, name+".known", "known")
	for _, topic := range []string{name + ".unknown", name + ".known.x"} {
		_, err := cli.RPC(testCtx(t), topic, nil)
		wantErr(t, err, syscall.ENOSYS, "Unknown service method '"+topic+"'")
	}
	hd.Remove()
	_, err := cli.RPC(testCtx(t), name+".known", nil)
	wantErr(t, err, syscall.ENOSYS, "Unknown service method '"+name+".known'")
}

// Requests from a sender without the owner role: EPERM unless allowed.
func TestHandleFuncRoles(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hrole")
	owner := tb.open(t)
	guest := tb.open(t)
	// The instance owner may send with other credentials (as
	// FLUX_HANDLE_ROLEMASK does); the broker keeps them.
	if err := guest.rt.OptSet(fluxrt.OptTestingRolemask, binary.NativeEndian.AppendUint32(nil, RoleUser)); err != nil {
		t.Fatal(err)
	}
	var ran atomic.Int32
	handler := func(_ context.Context, m *Message, r Responder) {
		ran.Add(1)
		_ = r.Respond(fmt.Sprint(m.Rolemask & (RoleOwner | RoleUser)))
	}
	mustHandle(t, srv, MatchRequest(name+".owner"), handler)
	mustHandle(t, srv, MatchRequest(name+".admin"), handler, AllowRoles(RoleAdmin))
	mustHandle(t, srv, MatchRequest(name+".user"), handler, AllowRoles(RoleUser), nil)
	_, err := guest.RPC(testCtx(t), name+".owner", nil)
	wantErr(t, err, syscall.EPERM, "Request requires owner credentials")
	_, err = guest.RPC(testCtx(t), name+".admin", nil)
	wantErr(t, err, syscall.EPERM, "Request rejected due to insufficient privilege")
	if ran.Load() != 0 {
		t.Fatal("a handler ran for a disallowed sender")
	}
	wantReply(t, guest, name+".user", fmt.Sprint(RoleUser))
	for _, m := range []string{".owner", ".admin", ".user"} {
		wantReply(t, owner, name+m, fmt.Sprint(RoleOwner))
	}
}

// A clone's handlers run independently of the root's: while a handler of
// one blocks, the other's still run; a handle's own handlers wait their
// turn.
func TestHandleFuncCloneIndependent(t *testing.T) {
	tb := startBroker(t)
	srv, name := serve(t, tb, "hclone")
	clone, err := srv.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	cli := tb.open(t)
	for _, tc := range []struct {
		what           string
		blocked, other *Handle
	}{{"root blocks", srv, clone}, {"clone blocks", clone, srv}} {
		t.Run(tc.what, func(t *testing.T) {
			entered, release := make(chan struct{}), make(chan struct{})
			var released, secondAfter atomic.Bool
			hb := mustHandle(t, tc.blocked, MatchRequest(name+".block"), func(_ context.Context, _ *Message, r Responder) {
				close(entered)
				<-release
				released.Store(true)
				_ = r.Respond("unblocked")
			})
			defer hb.Remove()
			h2 := mustHandle(t, tc.blocked, MatchRequest(name+".second"), func(_ context.Context, _ *Message, r Responder) {
				secondAfter.Store(released.Load())
				_ = r.Respond("second")
			})
			defer h2.Remove()
			ho := mustHandle(t, tc.other, MatchRequest(name+".free"), reply("free"))
			defer ho.Remove()

			f1, err := cli.RPCAsync(name+".block", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f1.Close()
			<-entered
			f2, err := cli.RPCAsync(name+".second", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f2.Close()
			for i := 0; i < 3; i++ {
				wantReply(t, cli, name+".free", "free")
			}
			if f1.Ready() {
				t.Fatal("the blocked handler answered early")
			}
			close(release)
			for _, f := range []*Future{f1, f2} {
				if _, err := f.Get(testCtx(t)); err != nil {
					t.Fatal(err)
				}
			}
			if !secondAfter.Load() {
				t.Fatal("a handler ran while another handler of its handle was running")
			}
		})
	}
}

// Close stops a handle's handlers: a running one sees its context
// cancelled and is waited for; requests it had queued still get answers;
// nothing is left running; a handler may close its own handle.
func TestHandleFuncCloseClean(t *testing.T) {
	tb := startBroker(t)
	before := runtime.NumGoroutine()
	func() {
		srv, err := Open(tb.uri)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		cli, err := Open(tb.uri)
		if err != nil {
			t.Fatal(err)
		}
		defer cli.Close()
		ctx := testCtx(t)
		name := uniqueName("hclose")
		if _, err := srv.RegisterServiceName(ctx, name); err != nil {
			t.Fatal(err)
		}

		// A clone closed while its handler runs and more requests wait.
		clone, err := srv.Clone()
		if err != nil {
			t.Fatal(err)
		}
		var running atomic.Int32
		entered := make(chan struct{}, 1)
		mustHandle(t, clone, MatchRequest(name+".slow"), func(ctx context.Context, m *Message, r Responder) {
			running.Add(1)
			defer running.Add(-1)
			select {
			case entered <- struct{}{}:
			default:
			}
			<-ctx.Done()
			// The connection is still up (the root is open): answer.
			_ = r.RespondError(syscall.ECANCELED, ctx.Err().Error())
		})
		var fs []*Future
		for i := 0; i < 3; i++ {
			f, err := cli.RPCAsync(name+".slow", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fs = append(fs, f)
		}
		<-entered
		clone.Close()
		if n := running.Load(); n != 0 {
			t.Fatalf("%d handlers running after Close returned", n)
		}
		_, err = fs[0].Get(ctx)
		wantErr(t, err, syscall.ECANCELED, context.Canceled.Error())
		for _, f := range fs[1:] {
			// Handled by the clone before Close, or routed again after it.
			_, err := f.Get(ctx)
			if !errors.Is(err, syscall.ECANCELED) && !errors.Is(err, syscall.ENOSYS) {
				t.Fatalf("queued request: %v", err)
			}
		}
		_, err = clone.HandleFunc(MatchRequest(name+".slow"), reply("late"))
		if err == nil {
			t.Fatal("HandleFunc on a closed clone worked")
		}

		// A handler that closes its own handle.
		clone2, err := srv.Clone()
		if err != nil {
			t.Fatal(err)
		}
		mustHandle(t, clone2, MatchRequest(name+".bye"), func(_ context.Context, _ *Message, r Responder) {
			_ = r.Respond("bye")
			clone2.Close()
		})
		wantReply(t, cli, name+".bye", "bye")
		_, err = cli.RPC(ctx, name+".bye", nil)
		wantErr(t, err, syscall.ENOSYS, "")

		// The root closed while its handler waits in an RPC.
		inRPC := make(chan struct{})
		var rpcErr error
		mustHandle(t, srv, MatchRequest(name+".hold"), func(ctx context.Context, _ *Message, _ Responder) {
			running.Add(1)
			defer running.Add(-1)
			close(inRPC)
			// Served by this same handle, whose handlers run one at a
			// time: it cannot be answered before this handler returns.
			_, rpcErr = srv.RPC(ctx, name+".never", nil)
		})
		mustHandle(t, srv, MatchRequest(name+".never"), func(context.Context, *Message, Responder) {})
		f, err := cli.RPCAsync(name+".hold", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		<-inRPC
		srv.Close()
		if n := running.Load(); n != 0 {
			t.Fatalf("%d handlers running after Close returned", n)
		}
		// Close cancels the handler's context and routes the queued
		// ".never" request again (nobody takes it); the RPC, made on the
		// closed handle, ends with ErrClosed and is not left waiting.
		if !errors.Is(rpcErr, ErrClosed) {
			t.Fatalf("handler's RPC ended with %v, want ErrClosed", rpcErr)
		}
		if _, err := srv.HandleFunc(MatchRequest("x"), reply("x")); err == nil {
			t.Fatal("HandleFunc on a closed handle worked")
		}
	}()
	waitGoroutines(t, before)
}

// Handlers need no user code after an automatic reconnect: the service
// name and the event subscription are restored with the connection, and
// the handlers stay registered on the handle and its clones.
func TestHandleFuncSurvivesReconnect(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	status := make(chan StatusEvent, 16)
	srv := tb.open(t, WithReconnect(ReconnectPolicy{InitialDelay: time.Millisecond}), WithStatusChannel(status))
	clone, err := srv.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	ctx := testCtx(t)
	name := uniqueName("hrecon")
	if _, err := srv.RegisterServiceName(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := srv.EventSubscribe(ctx, name+"."); err != nil {
		t.Fatal(err)
	}
	mustHandle(t, srv, MatchRequest(name+".root"), reply("root"))
	mustHandle(t, clone, MatchRequest(name+".clone"), reply("clone"))
	events := make(chan string, 4)
	mustHandle(t, clone, MatchEvent(name+".*"), func(_ context.Context, m *Message, _ Responder) {
		events <- m.Topic
	})
	if err := tb.b.Restart(); err != nil {
		t.Fatal(err)
	}
	if ev := nextStatus(t, status); ev.Status != Disconnected {
		t.Fatalf("status %v", ev.Status)
	}
	if ev := nextStatus(t, status); ev.Status != Reconnected || ev.Err != nil {
		t.Fatalf("status %v %v", ev.Status, ev.Err)
	}
	cli := tb.open(t)
	wantReply(t, cli, name+".root", "root")
	wantReply(t, cli, name+".clone", "clone")
	if _, err := cli.Publish(ctx, name+".ev", nil); err != nil {
		t.Fatal(err)
	}
	if topic := <-events; topic != name+".ev" {
		t.Fatalf("event %q", topic)
	}
}
