package runtime

import (
	"encoding/binary"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestInterthreadPairing(t *testing.T) {
	clearHandleEnv(t)
	a := mustOpen(t, "interthread://pair", 0)
	b := mustOpen(t, "interthread://pair", 0)
	_, err := Open(strp("interthread://pair"), 0)
	wantErrno(t, err, syscall.EADDRINUSE, "interthread channel pair is already paired")
	// Both directions.
	if err := a.Send(newRequest("x.y", 1, "p"), 0); err != nil {
		t.Fatal(err)
	}
	m, err := b.Recv(Match{}, ONonblock)
	if err != nil || m.Topic != "x.y" {
		t.Fatal(m, err)
	}
	if m.Userid != uint32(os.Getuid()) || m.Rolemask != msg.RoleOwner|msg.RoleLocal {
		t.Fatalf("creds %d %#x", m.Userid, m.Rolemask)
	}
	ev := newEvent("e")
	ev.Userid = 12 // only stamped when both are unset
	_ = b.Send(ev, 0)
	m, err = a.Recv(Match{}, 0)
	if err != nil || m.Userid != 12 || m.Rolemask != 0 {
		t.Fatal(m, err)
	}
	if _, err := a.Recv(Match{}, ONonblock); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatal(err)
	}
	// Queue counts.
	_ = a.Send(newEvent("1"), 0)
	_ = a.Send(newEvent("2"), 0)
	cnt := func(h *Handle, name string) uint64 {
		v, err := h.OptGet(name, 8)
		if err != nil {
			t.Fatal(err)
		}
		return binary.NativeEndian.Uint64(v)
	}
	if cnt(a, OptSendQueueCount) != 2 || cnt(b, OptRecvQueueCount) != 2 || cnt(a, OptRecvQueueCount) != 0 {
		t.Fatal("queue counts")
	}
	if _, err := a.OptGet(OptSendQueueCount, 4); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	if ev, _ := b.PollEvents(); ev != PollIn|PollOut {
		t.Fatalf("pollevents %d", ev)
	}
	a.Close()
	b.Close()
	// Name is free again.
	c := mustOpen(t, "interthread://pair", 0)
	d := mustOpen(t, "interthread://pair", 0)
	c.Close()
	d.Close()
}

func TestInterthreadBlockingRecv(t *testing.T) {
	clearHandleEnv(t)
	a := mustOpen(t, "interthread://block", 0)
	defer a.Close()
	b := mustOpen(t, "interthread://block", 0)
	defer b.Close()
	got := make(chan string, 1)
	go func() {
		m, err := b.Recv(Match{}, 0)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- m.Topic
	}()
	time.Sleep(30 * time.Millisecond)
	_ = a.Send(newEvent("late"), 0)
	if s := recvTimeout(t, got, "Recv"); s != "late" {
		t.Fatal(s)
	}
}

func TestInterthreadRouter(t *testing.T) {
	clearHandleEnv(t)
	broker := mustOpen(t, "interthread://mod-uuid", 0)
	defer broker.Close()
	module := mustOpen(t, "interthread://mod-uuid", 0)
	defer module.Close()
	if err := broker.OptSet(OptRouterName, []byte("broker-uuid")); err != nil {
		t.Fatal(err)
	}
	if err := broker.OptSet("flux::nope", nil); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	// Router end sending a request pushes the router name.
	_ = broker.Send(newRequest("m.x", 1, ""), 0)
	m, _ := module.Recv(Match{}, 0)
	if len(m.Routes) != 1 || m.Routes[0] != "broker-uuid" {
		t.Fatalf("routes %v", m.Routes)
	}
	// Module responds (routes kept); router end pops the last route.
	rep, _ := deriveResponse(m, 0)
	_ = module.Send(rep, 0)
	r, _ := broker.Recv(Match{}, 0)
	if len(r.Routes) != 0 {
		t.Fatalf("response routes %v", r.Routes)
	}
	// Module sends an event: router end pushes the channel name on
	// receipt.
	_ = module.Send(newEvent("ev"), 0)
	e, _ := broker.Recv(Match{}, 0)
	if !e.HasRoute() || len(e.Routes) != 1 || e.Routes[0] != "mod-uuid" {
		t.Fatalf("event routes %v", e.Routes)
	}
	// Options of a non-router end.
	if _, err := module.OptGet(OptPollfdEvents, 4); err != nil {
		t.Fatal(err)
	}
	if err := module.OptSet(OptTestingUserid, uint32Bytes(1)); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
}
