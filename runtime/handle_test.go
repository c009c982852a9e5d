package runtime

import (
	"reflect"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestFlags(t *testing.T) {
	clearHandleEnv(t)
	tests := []struct {
		name  string
		open  int
		set   int
		unset int
		want  int
	}{
		{"set filters rpctrack/norequeue/unknown", 0, ORPCTrack | ONoRequeue | OTrace | 0x1000, 0, OTrace},
		{"set all accepted", 0, FlagsSetAccepted, 0, FlagsSetAccepted},
		{"open keeps rpctrack", ORPCTrack | ONoRequeue, 0, 0, ORPCTrack | ONoRequeue},
		{"unset is unfiltered", ORPCTrack | OTrace, 0, ORPCTrack | 0x4000, OTrace},
		{"set then unset", 0, ONonblock | OMatchdebug, ONonblock, OMatchdebug},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustOpen(t, "loop://", tc.open)
			defer h.Close()
			h.FlagsSet(tc.set)
			h.FlagsUnset(tc.unset)
			if got := h.FlagsGet(); got != tc.want {
				t.Fatalf("flags = %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestClone(t *testing.T) {
	clearHandleEnv(t)
	if _, err := (*Handle)(nil).Clone(); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("Clone(nil) = %v", err)
	}
	buf := captureDiag(t)
	h := mustOpen(t, "loop://", OTrace)
	defer h.Close()
	c, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.FlagsGet() != OTrace|OClone {
		t.Fatalf("clone flags %#x", c.FlagsGet())
	}
	if !c.IsClone() || h.IsClone() {
		t.Fatal("IsClone wrong")
	}
	// Flags are a snapshot.
	h.FlagsSet(ONonblock)
	c.FlagsSet(OMatchdebug)
	if h.FlagsGet() != OTrace|ONonblock || c.FlagsGet() != OTrace|OClone|OMatchdebug {
		t.Fatalf("flags not independent: %#x %#x", h.FlagsGet(), c.FlagsGet())
	}
	// Own aux.
	k := "k"
	if err := h.AuxSet(&k, 1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AuxGet("k"); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("clone sees parent aux: %v", err)
	}
	// Own attribute cache: the loop root has rank cached, the clone must
	// ask (and on loop:// gets its own request back, so EWOULDBLOCK).
	if r, err := h.GetRank(); err != nil || r != 0 {
		t.Fatalf("root rank %d %v", r, err)
	}
	if _, err := c.GetRank(); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("clone GetRank = %v", err)
	}
	// Shared message state: matchtags, counters, queue.
	h.ClearMsgcounters()
	if tag := c.MatchtagAlloc(); tag != 2 { // the clone's attr.get leaked tag 1
		t.Fatalf("clone tag %d", tag)
	}
	if h.MatchtagAvail() != 1021 {
		t.Fatalf("avail %d", h.MatchtagAvail())
	}
	if err := c.Send(newEvent("ev"), 0); err != nil {
		t.Fatal(err)
	}
	// The clone's unanswered attr.get request was requeued, so it comes
	// first.
	m, err := h.Recv(Match{}, ONonblock)
	if err != nil || m.Topic != "attr.get" {
		t.Fatalf("root did not get the requeued attr.get: %v %v", m, err)
	}
	m, err = h.Recv(Match{}, ONonblock)
	if err != nil || m.Topic != "ev" {
		t.Fatalf("root did not get clone's event: %v %v", m, err)
	}
	want := Msgcounters{EventTx: 1, RequestRx: 1, EventRx: 1}
	if h.Msgcounters() != want || c.Msgcounters() != want {
		t.Fatalf("counters %+v %+v", h.Msgcounters(), c.Msgcounters())
	}
	// Clone of a clone, and the root's flags govern sends: NONBLOCK set
	// on a clone is not needed for loop, but TRACE on the clone alone
	// does not trace.
	*buf = syncBuffer{}
	h.FlagsUnset(OTrace)
	c.FlagsSet(OTrace)
	cc, err := c.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if err := cc.Send(newEvent("quiet"), 0); err != nil {
		t.Fatal(err)
	}
	cc.Close()
	if buf.String() != "" {
		t.Fatalf("clone flag traced: %q", buf.String())
	}
}

func TestRefcountAndDestroy(t *testing.T) {
	clearHandleEnv(t)
	var order []string
	mk := func(name string) func(any) {
		return func(any) { order = append(order, name) }
	}
	h := mustOpen(t, "loop://", 0)
	if h.Incref() != h {
		t.Fatal("Incref did not return h")
	}
	if (*Handle)(nil).Incref() != nil {
		t.Fatal("nil Incref")
	}
	a, b := "a", "b"
	_ = h.AuxSet(&a, 1, mk("a"))
	_ = h.AuxSet(nil, 2, mk("anon1"))
	_ = h.AuxSet(&b, 3, mk("b"))
	_ = h.AuxSet(nil, 4, mk("anon2"))
	var sendErr error
	s := "sender"
	_ = h.AuxSet(&s, 5, func(any) { sendErr = h.Send(newEvent("x"), 0) })

	c, _ := h.Clone()
	h.Close() // refs 2 -> 1
	if len(order) != 0 {
		t.Fatal("destroyed too early")
	}
	h.Close() // refs 1 -> 0, but the clone holds one
	if len(order) != 0 {
		t.Fatal("destroyed while clone alive")
	}
	if err := h.Send(newEvent("y"), 0); err != nil {
		t.Fatalf("root unusable while clone alive: %v", err)
	}
	c.Close()
	want := []string{"b", "a", "anon1", "anon2"}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("destroy order %v, want %v", order, want)
	}
	wantErrno(t, sendErr, syscall.ENOSYS, "")
	// Use after destroy fails cleanly.
	wantErrno(t, h.Send(newEvent("z"), 0), syscall.ENOSYS, "")
	_, err := h.Recv(Match{}, ONonblock)
	wantErrno(t, err, syscall.ENOSYS, "")
	_, err = h.PollFD()
	wantErrno(t, err, syscall.ENOSYS, "")
	h.Close()
	(*Handle)(nil).Close()
}

func TestAux(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	destroyed := map[any]int{}
	d := func(v any) { destroyed[v]++ }
	k := "k"
	tests := []struct {
		name    string
		key     *string
		val     any
		destroy func(any)
		errno   syscall.Errno
	}{
		{"nil name nil val", nil, nil, nil, syscall.EINVAL},
		{"nil val with destructor", &k, nil, d, syscall.EINVAL},
		{"anonymous without destructor", nil, 1, nil, syscall.EINVAL},
		{"anonymous with destructor", nil, "anon", d, 0},
		{"named", &k, "v1", d, 0},
		{"replace", &k, "v2", d, 0},
	}
	for _, tc := range tests {
		err := h.AuxSet(tc.key, tc.val, tc.destroy)
		if tc.errno != 0 {
			if !isErrno(err, tc.errno) {
				t.Fatalf("%s: err %v", tc.name, err)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	if destroyed["v1"] != 1 {
		t.Fatal("replaced value not destroyed")
	}
	if v, err := h.AuxGet("k"); err != nil || v != "v2" {
		t.Fatalf("AuxGet = %v %v", v, err)
	}
	if _, err := h.AuxGet("missing"); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("missing: %v", err)
	}
	if err := h.AuxSet(&k, nil, nil); err != nil {
		t.Fatal(err)
	}
	if destroyed["v2"] != 1 {
		t.Fatal("deleted value not destroyed")
	}
	if _, err := h.AuxGet("k"); !isErrno(err, syscall.ENOENT) {
		t.Fatal("delete did not delete")
	}
	if err := h.AuxSet(&k, nil, nil); err != nil {
		t.Fatal("deleting a missing key must succeed")
	}
	var nh *Handle
	if _, err := nh.AuxGet("k"); !isErrno(err, syscall.EINVAL) {
		t.Fatal("nil handle AuxGet")
	}
	if err := nh.AuxSet(&k, 1, nil); !isErrno(err, syscall.EINVAL) {
		t.Fatal("nil handle AuxSet")
	}
	h.Close()
	if destroyed["anon"] != 1 {
		t.Fatal("anonymous item not destroyed with handle")
	}
}

func TestMatchtagPool(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if h.MatchtagAvail() != 1023 {
		t.Fatalf("fresh avail %d", h.MatchtagAvail())
	}
	steps := []struct {
		op    string
		tag   uint32
		want  uint32
		avail uint32
	}{
		{"alloc", 0, 1, 1022},
		{"alloc", 0, 2, 1021},
		{"alloc", 0, 3, 1020},
		{"free", 1, 0, 1021},
		{"alloc", 0, 1, 1020},
		{"free", 2, 0, 1021},
		{"free", 3, 0, 1022},
		{"alloc", 0, 2, 1021},
		{"free", 0, 0, 1021},
		{"free", 77, 0, 1021},
		{"free", 5000, 0, 1021},
	}
	for i, s := range steps {
		if s.op == "alloc" {
			if got := h.MatchtagAlloc(); got != s.want {
				t.Fatalf("step %d: alloc %d, want %d", i, got, s.want)
			}
		} else {
			h.MatchtagFree(s.tag)
		}
		if got := h.MatchtagAvail(); got != s.avail {
			t.Fatalf("step %d: avail %d, want %d", i, got, s.avail)
		}
	}
	var nh *Handle
	if nh.MatchtagAlloc() != 0 || nh.MatchtagAvail() != 0 {
		t.Fatal("nil handle")
	}
	nh.MatchtagFree(1)
}

func TestMatchtagGrowth(t *testing.T) {
	p := newTagPool()
	for i := uint32(1); i < 1024; i++ {
		if tag, _, _ := p.alloc(); tag != i {
			t.Fatalf("alloc %d", tag)
		}
	}
	if p.avail() != 0 {
		t.Fatalf("avail %d", p.avail())
	}
	tag, from, to := p.alloc()
	if tag != 1024 || from != 1024 || to != 2048 {
		t.Fatalf("growth alloc %d %d %d", tag, from, to)
	}
	if p.avail() != 1023 {
		t.Fatalf("avail after growth %d", p.avail())
	}
	// Freeing in the middle and at the end, lowest reused first.
	p.release(500)
	p.release(1024)
	p.release(10)
	for _, want := range []uint32{10, 500, 1024, 1025} {
		if tag, _, _ := p.alloc(); tag != want {
			t.Fatalf("alloc %d, want %d", tag, want)
		}
	}
	if p.release(1025) != "" || p.release(1025) != "double" || p.release(4096) != "invalid" {
		t.Fatal("release results")
	}
	// The pool never grows past 2^31.
	q := &tagPool{size: tagPoolMax, next: tagPoolMax, free: map[uint32]struct{}{}}
	if tag, _, _ := q.alloc(); tag != 0 {
		t.Fatalf("exhausted pool gave %d", tag)
	}
}

func TestMatchdebugTexts(t *testing.T) {
	clearHandleEnv(t)
	buf := captureDiag(t)
	h := mustOpen(t, "loop://", OMatchdebug)
	h.MatchtagAlloc()
	h.MatchtagAlloc()
	h.MatchtagAlloc()
	h.MatchtagFree(3)
	steps := []struct {
		tag  uint32
		want string
	}{
		{0, "MATCHDEBUG: invalid tag=0"},
		{77, "MATCHDEBUG: double free tag=77"},
		{3, "MATCHDEBUG: double free tag=3"},
		{1024, "MATCHDEBUG: invalid tag=1024"},
		{0xffffffff, "MATCHDEBUG: invalid tag=-1"},
	}
	want := ""
	for _, s := range steps {
		h.MatchtagFree(s.tag)
		want += s.want
		if buf.String() != want {
			t.Fatalf("after free(%d): %q, want %q", s.tag, buf.String(), want)
		}
	}
	h.Close()
	want += "MATCHDEBUG: pool destroy with 2 allocated\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}

	// Without MATCHDEBUG nothing is printed.
	buf2 := captureDiag(t)
	h2 := mustOpen(t, "loop://", 0)
	h2.MatchtagAlloc()
	h2.MatchtagFree(0)
	h2.MatchtagFree(77)
	h2.Close()
	if buf2.String() != "" {
		t.Fatalf("printed without MATCHDEBUG: %q", buf2.String())
	}
}

func TestMsgcounters(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	req := newRequest("a.b", 0, "")
	rep, _ := deriveResponse(req, 0)
	ctl, _ := msg.New(msg.TypeControl)
	for _, m := range []*msg.Message{req, req, rep, newEvent("e"), ctl} {
		if err := h.Send(m, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Skipped messages are not counted until returned; requeued ones are
	// counted again.
	if _, err := h.Recv(Match{TypeMask: int(msg.TypeControl)}, 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		m, err := h.Recv(Match{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			_ = h.Requeue(m, RQHead)
		}
	}
	// Returned: control, req (requeued at head), the same req again, the
	// second req, the response; the event is still queued.
	want := Msgcounters{RequestTx: 2, RequestRx: 3, ResponseTx: 1, ResponseRx: 1,
		EventTx: 1, EventRx: 0, ControlTx: 1, ControlRx: 1}
	if got := h.Msgcounters(); got != want {
		t.Fatalf("counters %+v, want %+v", got, want)
	}
	m, err := h.Recv(Match{}, 0)
	if err != nil || m.Type != msg.TypeEvent {
		t.Fatalf("last message %v %v", m, err)
	}
	want.EventRx = 1
	if got := h.Msgcounters(); got != want {
		t.Fatalf("counters %+v, want %+v", got, want)
	}
	h.ClearMsgcounters()
	if h.Msgcounters() != (Msgcounters{}) {
		t.Fatal("not cleared")
	}
	// A failed send is counted.
	_ = h.OptSet(OptMessageCountLimit, uint32Bytes(1))
	_ = h.Send(newEvent("1"), 0)
	if err := h.Send(newEvent("2"), 0); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("full loop queue: %v", err)
	}
	if h.Msgcounters().EventTx != 2 {
		t.Fatalf("failed send not counted: %+v", h.Msgcounters())
	}
}
