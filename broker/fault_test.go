package broker

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// waitFor polls cond for up to ioTimeout.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// expectHangup checks that the client's next read fails because the
// broker closed the connection.
func expectHangup(t *testing.T, c *rawClient) {
	t.Helper()
	m, err := c.recvErr(ioTimeout)
	if err == nil {
		t.Fatalf("expected hang-up, got %q", m.Topic)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("expected ECONNRESET, got %v", err)
	}
}

func TestRestart(t *testing.T) {
	b := startBroker(t, Options{})
	c1, c2 := dial(t, b), dial(t, b)
	expectResponse(t, c1.rpc(request("service.add", `{"service":"svc"}`)), "service.add", 0)
	waitFor(t, func() bool { return len(b.Connections()) == 2 })
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	expectHangup(t, c1)
	expectHangup(t, c2)
	if _, err := os.Stat(b.Path()); err != nil {
		t.Fatalf("socket after restart: %v", err)
	}
	c3 := dial(t, b)
	expectResponse(t, c3.rpc(request("state-machine.wait", "")), "state-machine.wait", 0)
	// the registration died with its connection
	expectResponse(t, c3.rpc(request("service.add", `{"service":"svc"}`)), "service.add", 0)
	if n := len(b.Connections()); n != 1 {
		t.Fatalf("%d connections after restart", n)
	}
}

func TestDropConnectionAndDropAll(t *testing.T) {
	b := startBroker(t, Options{})
	c1, c2, c3 := dial(t, b), dial(t, b), dial(t, b)
	waitFor(t, func() bool { return len(b.Connections()) == 3 })
	id := b.Connections()[0].UUID
	if err := b.DropConnection(id); err != nil {
		t.Fatal(err)
	}
	expectHangup(t, c1)
	if err := b.DropConnection(id); !errors.Is(err, ErrNoConnection) {
		t.Fatalf("second drop: %v", err)
	}
	expectResponse(t, c2.rpc(request("state-machine.wait", "")), "state-machine.wait", 0)
	b.DropAll()
	expectHangup(t, c2)
	expectHangup(t, c3)
	c4 := dial(t, b)
	expectResponse(t, c4.rpc(request("state-machine.wait", "")), "state-machine.wait", 0)
}

func TestHoldResponses(t *testing.T) {
	b := startBroker(t, Options{})
	c := dial(t, b)
	b.HoldResponses("state-machine.wait")
	c.send(request("state-machine.wait", ""))
	expectResponse(t, c.rpc(request("attr.get", `{"name":"rank"}`)), "attr.get", 0)
	if n := b.HeldResponses(); n != 1 {
		t.Fatalf("%d held", n)
	}
	c.expectNothing()
	if n := b.ReleaseResponses(); n != 1 {
		t.Fatalf("released %d", n)
	}
	expectResponse(t, c.recv(), "state-machine.wait", 0)

	b.HoldResponses("")
	c.send(request("attr.get", `{"name":"size"}`))
	c.expectNothing()
	b.ReleaseResponses()
	expectResponse(t, c.recv(), "attr.get", 0)
}

func TestCorruptNextResponse(t *testing.T) {
	cases := []struct {
		kind Corruption
		want error // errno of the client's read; nil: nothing arrives
	}{
		{BadMagic, syscall.EPROTO},
		{BadProto, syscall.EPROTO},
		{Truncated, syscall.ECONNRESET},
		{Oversized, syscall.EMSGSIZE},
		{Drop, nil},
	}
	for _, tc := range cases {
		t.Run(map[Corruption]string{BadMagic: "magic", BadProto: "proto", Truncated: "truncated", Oversized: "oversized", Drop: "drop"}[tc.kind], func(t *testing.T) {
			b := startBroker(t, Options{})
			c := dial(t, b)
			b.CorruptNextResponse("attr.get", tc.kind)
			c.send(request("attr.get", `{"name":"rank"}`))
			if tc.want == nil {
				c.expectNothing()
			} else if _, err := c.recvErr(ioTimeout); !errors.Is(err, tc.want) {
				t.Fatalf("read: %v, want %v", err, tc.want)
			}
			// only the next one is damaged
			c2 := dial(t, b)
			expectResponse(t, c2.rpc(request("attr.get", `{"name":"rank"}`)), "attr.get", 0)
		})
	}
}

func TestSendRaw(t *testing.T) {
	b := startBroker(t, Options{})
	c := dial(t, b)
	waitFor(t, func() bool { return len(b.Connections()) == 1 })
	ev, _ := msg.New(msg.TypeEvent)
	ev.SetTopic("injected")
	buf, _ := stream.AppendFrame(nil, ev)
	if err := b.SendRaw(b.Connections()[0].UUID, buf); err != nil {
		t.Fatal(err)
	}
	if m := c.recv(); m.Topic != "injected" {
		t.Fatalf("got %q", m.Topic)
	}
	if err := b.SendRaw("nope", buf); !errors.Is(err, ErrNoConnection) {
		t.Fatalf("SendRaw to unknown: %v", err)
	}
}

func TestRefuseAuth(t *testing.T) {
	b := startBroker(t, Options{})
	b.RefuseAuth(byte(syscall.EACCES))
	err := stream.ReadAuth(dialRaw(t, b))
	var re *stream.RefusedError
	if !errors.As(err, &re) || re.Errno != syscall.EACCES {
		t.Fatalf("auth: %v", err)
	}
	b.RefuseAuth(0)
	dial(t, b)
}

func TestCloseRemovesSocketAndTempDir(t *testing.T) {
	b, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	c := dial(t, b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	expectHangup(t, c)
	if _, err := os.Stat(b.RunDir()); !os.IsNotExist(err) {
		t.Fatalf("temp rundir still there: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	dir := t.TempDir()
	b2, _ := New(Options{RunDir: dir})
	b2.Start()
	if b2.URI() != "local://"+dir+"/local-0" {
		t.Fatalf("URI %s", b2.URI())
	}
	fi, err := os.Stat(b2.Path())
	if err != nil || fi.Mode().Perm() != 0o777 {
		t.Fatalf("socket mode: %v %v", fi, err)
	}
	b2.Close()
	if _, err := os.Stat(b2.Path()); !os.IsNotExist(err) {
		t.Fatalf("socket not removed: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("caller's rundir removed: %v", err)
	}
}
