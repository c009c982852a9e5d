package runtime

import (
	"encoding/binary"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestSendRecvArgs(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	var nh *Handle
	tests := []struct {
		name string
		err  error
	}{
		{"send nil handle", nh.Send(newEvent("x"), 0)},
		{"send nil msg", h.Send(nil, 0)},
		{"send TRACE flag", h.Send(newEvent("x"), OTrace)},
		{"send unknown flag", h.Send(newEvent("x"), 0x100)},
		{"requeue nil", h.Requeue(nil, RQHead)},
		{"requeue flags 0", h.Requeue(newEvent("x"), 0)},
		{"requeue flags 3", h.Requeue(newEvent("x"), 3)},
		{"requeue nil handle", nh.Requeue(newEvent("x"), RQTail)},
	}
	for _, tc := range tests {
		if !isErrno(tc.err, syscall.EINVAL) {
			t.Errorf("%s: %v, want EINVAL", tc.name, tc.err)
		}
	}
	if _, err := h.Recv(Match{}, OTrace); !isErrno(err, syscall.EINVAL) {
		t.Errorf("recv TRACE flag: %v", err)
	}
	if _, err := nh.Recv(Match{}, 0); !isErrno(err, syscall.EINVAL) {
		t.Errorf("recv nil handle: %v", err)
	}
}

func TestLoopSendRecv(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	// Empty loop never blocks, with or without NONBLOCK.
	for _, f := range []int{0, ONonblock} {
		if _, err := h.Recv(Match{}, f); !isErrno(err, syscall.EWOULDBLOCK) {
			t.Fatalf("empty recv flags %d: %v", f, err)
		}
	}
	m := newRequest("svc.method", 7, `{"a":1}`)
	if err := h.Send(m, 0); err != nil {
		t.Fatal(err)
	}
	if m.Userid != msg.UseridUnknown || m.Rolemask != msg.RoleNone {
		t.Fatal("Send modified the message")
	}
	got, err := h.Recv(Match{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got == m {
		t.Fatal("loop returned the caller's message, not a copy")
	}
	if got.Userid != uint32(unix.Getuid()) || got.Rolemask != msg.RoleOwner {
		t.Fatalf("creds %d %#x", got.Userid, got.Rolemask)
	}
	if got.Topic != "svc.method" || got.Matchtag() != 7 || string(got.Payload) != "{\"a\":1}\x00" {
		t.Fatalf("message changed: %+v", got)
	}
	// Set credentials are kept.
	m2 := newEvent("e")
	m2.Userid, m2.Rolemask = 42, msg.RoleUser
	_ = h.Send(m2, 0)
	got, _ = h.Recv(Match{}, 0)
	if got.Userid != 42 || got.Rolemask != msg.RoleUser {
		t.Fatalf("creds overwritten: %d %#x", got.Userid, got.Rolemask)
	}
}

func TestRecvMatching(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	routed := newRequest("r.x", 5, "")
	_ = routed.PushRoute("abc")
	rep5, _ := deriveResponse(newRequest("svc.b", 5, ""), 0)
	msgs := []*msg.Message{newEvent("ev.one"), newRequest("svc.a", 5, ""), routed, rep5, newEvent("ev.two")}
	send := func() {
		for _, m := range msgs {
			if err := h.Send(m, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	drain := func() []string {
		var out []string
		for {
			m, err := h.Recv(Match{}, 0)
			if err != nil {
				return out
			}
			out = append(out, m.Topic)
		}
	}
	tests := []struct {
		name  string
		match Match
		want  string
		rest  []string
	}{
		{"any", Match{}, "ev.one", []string{"svc.a", "r.x", "svc.b", "ev.two"}},
		{"typemask response", Match{TypeMask: int(msg.TypeResponse)}, "svc.b", []string{"ev.one", "svc.a", "r.x", "ev.two"}},
		{"typemask req|resp", Match{TypeMask: int(msg.TypeRequest | msg.TypeResponse)}, "svc.a", []string{"ev.one", "r.x", "svc.b", "ev.two"}},
		{"matchtag skips routed", Match{TypeMask: int(msg.TypeResponse), Matchtag: 5}, "svc.b", []string{"ev.one", "svc.a", "r.x", "ev.two"}},
		{"exact topic", Match{TopicGlob: "ev.two"}, "ev.two", []string{"ev.one", "svc.a", "r.x", "svc.b"}},
		{"glob", Match{TopicGlob: "svc.*"}, "svc.a", []string{"ev.one", "r.x", "svc.b", "ev.two"}},
		{"glob ?", Match{TopicGlob: "ev.tw?"}, "ev.two", []string{"ev.one", "svc.a", "r.x", "svc.b"}},
		{"glob class", Match{TopicGlob: "[r]*"}, "r.x", []string{"ev.one", "svc.a", "svc.b", "ev.two"}},
		{"star", Match{TopicGlob: "*"}, "ev.one", []string{"svc.a", "r.x", "svc.b", "ev.two"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			send()
			m, err := h.Recv(tc.match, 0)
			if err != nil {
				t.Fatal(err)
			}
			if m.Topic != tc.want {
				t.Fatalf("got %q, want %q", m.Topic, tc.want)
			}
			rest := drain()
			if len(rest) != len(tc.rest) {
				t.Fatalf("rest %v, want %v", rest, tc.rest)
			}
			for i := range rest {
				if rest[i] != tc.rest[i] {
					t.Fatalf("rest %v, want %v", rest, tc.rest)
				}
			}
		})
	}
	// No match: everything set aside is requeued and EWOULDBLOCK.
	send()
	if _, err := h.Recv(Match{TopicGlob: "nope"}, 0); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatal(err)
	}
	if rest := drain(); len(rest) != 5 || rest[0] != "ev.one" || rest[4] != "ev.two" {
		t.Fatalf("requeued %v", rest)
	}
}

func TestSetAsideGoesToTail(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	// Queue a, b in the requeue queue; the connector has c. Matching "c"
	// sets aside a and b and appends them behind anything queued since.
	_ = h.Requeue(newEvent("a"), RQTail)
	_ = h.Requeue(newEvent("b"), RQTail)
	_ = h.Send(newEvent("c"), 0)
	m, err := h.Recv(Match{TopicGlob: "c"}, 0)
	if err != nil || m.Topic != "c" {
		t.Fatal(m, err)
	}
	_ = h.Requeue(newEvent("head"), RQHead)
	var got []string
	for {
		m, err := h.Recv(Match{}, 0)
		if err != nil {
			break
		}
		got = append(got, m.Topic)
	}
	if len(got) != 3 || got[0] != "head" || got[1] != "a" || got[2] != "b" {
		t.Fatalf("order %v", got)
	}
}

func TestNoRequeue(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", ONoRequeue)
	defer h.Close()
	if err := h.Requeue(newEvent("x"), RQTail); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("requeue on NOREQUEUE: %v", err)
	}
	_ = h.Send(newEvent("a"), 0)
	if m, err := h.Recv(Match{}, 0); err != nil || m.Topic != "a" {
		t.Fatal(m, err)
	}
	// A non-matching message followed by a match: EINVAL, both lost.
	_ = h.Send(newEvent("skip"), 0)
	_ = h.Send(newEvent("want"), 0)
	if _, err := h.Recv(Match{TopicGlob: "want"}, 0); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("got %v, want EINVAL", err)
	}
	if _, err := h.Recv(Match{}, 0); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("messages not dropped: %v", err)
	}
	// A non-matching message with nothing else: EINVAL too.
	_ = h.Send(newEvent("skip"), 0)
	if _, err := h.Recv(Match{TopicGlob: "want"}, 0); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("got %v, want EINVAL", err)
	}
	// PollFD works without a requeue queue.
	if ev, err := h.PollEvents(); err != nil || ev != PollOut {
		t.Fatalf("pollevents %d %v", ev, err)
	}
}

func TestRequeueHeadTail(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	_ = h.Send(newEvent("conn"), 0)
	_ = h.Requeue(newEvent("t1"), RQTail)
	_ = h.Requeue(newEvent("h1"), RQHead)
	_ = h.Requeue(newEvent("t2"), RQTail)
	_ = h.Requeue(newEvent("h2"), RQHead)
	want := []string{"h2", "h1", "t1", "t2", "conn"}
	for _, w := range want {
		m, err := h.Recv(Match{}, 0)
		if err != nil || m.Topic != w {
			t.Fatalf("got %v %v, want %s", m, err, w)
		}
	}
}

func TestFnmatch(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"a*", "abc", true}, {"a*", "bac", false}, {"*", "", true}, {"a*c", "a/b/c", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"[abc]x", "bx", true}, {"[!abc]x", "bx", false},
		{"[^abc]x", "dx", true}, {"[a-c]", "b", true}, {"[a-c]", "d", false}, {"[]]", "]", true},
		{"[", "[", true}, {"a[", "a[", true}, {`a\*`, "a*", true}, {`a\*`, "ab", false},
		{"*.disconnect", "svc.disconnect", true}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false},
		{"**", "x", true}, {"?", "", false},
	} {
		if got := fnmatch(tc.pat, tc.s); got != tc.want {
			t.Errorf("fnmatch(%q, %q) = %v", tc.pat, tc.s, got)
		}
	}
}

func TestPollFDAndEvents(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	fd, err := h.PollFD()
	if err != nil || fd < 0 {
		t.Fatal(fd, err)
	}
	if fd2, _ := h.PollFD(); fd2 != fd {
		t.Fatal("PollFD changed")
	}
	c, _ := h.Clone()
	if fd3, _ := c.PollFD(); fd3 != fd {
		t.Fatal("clone PollFD differs")
	}
	c.Close()
	readable := func() bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, _ := unix.Poll(p, 0)
		return n == 1
	}
	if ev, _ := h.PollEvents(); ev != PollOut {
		t.Fatalf("empty: %d", ev)
	}
	if readable() {
		t.Fatal("pollfd readable while idle")
	}
	_ = h.Send(newEvent("x"), 0)
	if !readable() {
		t.Fatal("pollfd not readable after send")
	}
	if ev, _ := h.PollEvents(); ev != PollIn|PollOut {
		t.Fatalf("queued: %d, want 3", ev)
	}
	if readable() {
		t.Fatal("PollEvents did not drain the pollfd")
	}
	_, _ = h.Recv(Match{}, 0)
	if ev, _ := h.PollEvents(); ev != PollOut {
		t.Fatalf("drained: %d, want 2", ev)
	}
	// A requeued message raises PollIn and wakes the pollfd.
	_ = h.Requeue(newEvent("r"), RQTail)
	if !readable() {
		t.Fatal("pollfd not readable after requeue")
	}
	if ev, _ := h.PollEvents(); ev != PollIn|PollOut {
		t.Fatalf("requeued: %d", ev)
	}
	// A full loop queue drops PollOut.
	_, _ = h.Recv(Match{}, 0)
	_ = h.OptSet(OptMessageCountLimit, uint32Bytes(1))
	_ = h.Send(newEvent("y"), 0)
	if ev, _ := h.PollEvents(); ev != PollIn {
		t.Fatalf("full: %d", ev)
	}
}

func TestLoopOptions(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	u32 := func(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }
	if b, err := h.OptGet(OptTestingUserid, 4); err != nil || u32(b) != uint32(unix.Getuid()) {
		t.Fatal(b, err)
	}
	if b, err := h.OptGet(OptTestingRolemask, 4); err != nil || u32(b) != 1 {
		t.Fatal(b, err)
	}
	if b, err := h.OptGet(OptPollfdEvents, 4); err != nil || u32(b) != uint32(unix.POLLIN) {
		t.Fatal(b, err)
	}
	if b, err := h.OptGet(OptMessageCountLimit, 4); err != nil || u32(b) != 0 {
		t.Fatal(b, err)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"get wrong size", func() error { _, e := h.OptGet(OptTestingUserid, 8); return e }()},
		{"get unknown", func() error { _, e := h.OptGet("flux::nope", 4); return e }()},
		{"set wrong size", h.OptSet(OptTestingUserid, []byte{1, 2})},
		{"set unknown", h.OptSet("flux::nope", uint32Bytes(1))},
		{"set negative limit", h.OptSet(OptMessageCountLimit, uint32Bytes(0xffffffff))},
		{"attr_redirect with value", h.OptSet(OptAttrRedirect, []byte{1})},
	} {
		if !isErrno(tc.err, syscall.EINVAL) {
			t.Errorf("%s: %v", tc.name, tc.err)
		}
	}
	_ = h.OptSet(OptTestingUserid, uint32Bytes(9))
	_ = h.OptSet(OptTestingRolemask, uint32Bytes(2))
	_ = h.Send(newEvent("e"), 0)
	m, _ := h.Recv(Match{}, 0)
	if m.Userid != 9 || m.Rolemask != 2 {
		t.Fatalf("creds %d %d", m.Userid, m.Rolemask)
	}
}

func TestLoopAttrRedirect(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if err := h.OptSet(OptAttrRedirect, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AttrGet("nosuch"); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("attr.get: %v", err)
	}
	if err := h.Send(newRequest("attr.set", 3, `{"name":"foo","value":"bar"}`), 0); err != nil {
		t.Fatal(err)
	}
	rep, err := h.Recv(Match{TypeMask: int(msg.TypeResponse), Matchtag: 3}, 0)
	if err != nil || rep.Errnum() != 0 {
		t.Fatal(rep, err)
	}
	if v, err := h.AttrGet("foo"); err != nil || v != "bar" {
		t.Fatalf("cached attr %q %v", v, err)
	}
	_ = h.Send(newRequest("attr.rm", 4, `{"name":"foo"}`), 0)
	if _, err := h.Recv(Match{Matchtag: 4}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AttrGet("foo"); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("removed attr: %v", err)
	}
	if err := h.Send(newRequest("attr.list", 5, ""), 0); !isErrno(err, syscall.ENOSYS) {
		t.Fatalf("attr.list: %v", err)
	}
	if err := h.Send(newRequest("attr.set", 6, `{"name":1}`), 0); !isErrno(err, syscall.EPROTO) {
		t.Fatalf("bad attr.set: %v", err)
	}
	// Counters include the synthesized responses.
	c := h.Msgcounters()
	if c.ResponseTx != 4 || c.RequestTx != 6 {
		t.Fatalf("counters %+v", c)
	}
}

func TestAttrCache(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if r, err := h.GetRank(); err != nil || r != 0 {
		t.Fatal(r, err)
	}
	if s, err := h.GetSize(); err != nil || s != 1 {
		t.Fatal(s, err)
	}
	v := "17"
	_ = h.AttrSetCacheonly("size", &v)
	if s, _ := h.GetSize(); s != 17 {
		t.Fatal(s)
	}
	_ = h.AttrSetCacheonly("size", nil)
	if _, err := h.GetSize(); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("uncached size on loop: %v", err)
	}
	if h.Msgcounters().RequestTx != 1 {
		t.Fatal("no attr.get sent")
	}
	var nh *Handle
	if _, err := nh.AttrGet("x"); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	if err := nh.AttrSetCacheonly("x", nil); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
}

func TestReconnectUnsupported(t *testing.T) {
	clearHandleEnv(t)
	for _, uri := range []string{"loop://", "interthread://rc"} {
		h := mustOpen(t, uri, 0)
		wantErrno(t, h.Reconnect(), syscall.ENOSYS, "")
		h.Close()
	}
	var nh *Handle
	wantErrno(t, nh.Reconnect(), syscall.EINVAL, "")
}
