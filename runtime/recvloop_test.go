package runtime

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A future waited for right after RecvLoopStart is fulfilled by the
// RecvLoop, even when its loop has not started receiving yet: the
// waiter must not receive for the root itself (on loop:// it would take
// the request and give up with EAGAIN).
func TestRecvLoopStartThenWait(t *testing.T) {
	for i := 0; i < 100; i++ {
		h := mustOpen(t, "loop://", 0)
		d, err := h.RecvLoopStart()
		if err != nil {
			t.Fatal(err)
		}
		if err := d.AddRequestHandler("s", func(m *msg.Message) { go h.Respond(m, nil) }); err != nil {
			t.Fatal(err)
		}
		f, err := h.RPC("s.x", nil, msg.NodeIDAny, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Wait(goCtx(t)); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if _, err := f.Get(); err != nil {
			t.Fatal(err)
		}
		f.Destroy()
		h.Close()
		<-d.Done()
	}
}

// A waiter blocked while the RecvLoop runs drives its future itself
// once the RecvLoop is stopped: here the answer only comes afterwards.
func TestRecvLoopStopHandsBackToWaiters(t *testing.T) {
	cli := mustOpen(t, "interthread://handback", 0)
	defer cli.Close()
	srv := mustOpen(t, "interthread://handback", 0)
	defer srv.Close()
	d, err := cli.RecvLoopStart()
	if err != nil {
		t.Fatal(err)
	}
	f, err := cli.RPC("s.x", nil, msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	waited := make(chan error, 1)
	go func() { waited <- f.Wait(goCtx(t)) }()
	d.Stop()
	req, err := srv.Recv(Match{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Respond(req, []byte("late\x00")); err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	if m, err := f.Get(); err != nil || string(m.Payload) != "late\x00" {
		t.Fatal(m, err)
	}
}
