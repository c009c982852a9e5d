package runtime

import (
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// With RPCTRACK, a pending future waited on by its caller (no dispatcher)
// ends with the synthesized ECONNRESET after the comms-error callback
// reconnects; the follow-up restores the subscription and the service.
func TestRPCTrackReconnectOnDemand(t *testing.T) {
	b, h := standIn(t, ORPCTrack)
	if err := h.EventSubscribe("cap."); err != nil {
		t.Fatal(err)
	}
	f, _ := h.ServiceRegister("capsvc")
	if _, err := f.Get(); err != nil {
		t.Fatal(err)
	}
	f.Destroy()
	var calls atomic.Int32
	h.CommsErrorSet(func(root *Handle, err error) error {
		calls.Add(1)
		return root.Reconnect()
	})
	b.HoldResponses("broker.ping")
	pend, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, RPCStreaming)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, fut := range []*Future{pend, stream} {
		_, err = fut.Get()
		wantErrno(t, err, syscall.ECONNRESET, "RPC aborted due to broker reconnect")
		fut.Destroy()
	}
	if calls.Load() == 0 {
		t.Fatal("comms-error callback not called")
	}
	if p, o := h.PendingRPCs(); p != 0 || o != 0 {
		t.Fatalf("pending %d orphans %d", p, o)
	}
	if err := h.ReconnectFollowup(); err != nil {
		t.Fatal(err)
	}
	if err := h.EventSend("cap.after", 0, nil); err != nil {
		t.Fatal(err)
	}
	ev, err := h.Recv(Match{TypeMask: int(msg.TypeEvent)}, 0)
	if err != nil || ev.Topic != "cap.after" {
		t.Fatalf("event after follow-up: %v %v", ev, err)
	}
	// The service is registered again: a second registration is EEXIST.
	f, _ = h.ServiceRegister("capsvc")
	_, err = f.Get()
	wantErrno(t, err, syscall.EEXIST, "")
	f.Destroy()
}

// Without RPCTRACK a pending future stays pending after a reconnect, as in
// flux-core (ETIMEDOUT).
func TestReconnectWithoutTrackKeepsPending(t *testing.T) {
	b, h := standIn(t, 0)
	h.CommsErrorSet(func(root *Handle, err error) error { return root.Reconnect() })
	b.HoldResponses("broker.ping")
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	// A later RPC works (and its wait goes through the reconnect).
	g, err := h.RPC("attr.get", []byte(`{"name":"version"}`+"\x00"), msg.NodeIDAny, 0)
	if err == nil {
		_, err = g.Get()
		g.Destroy()
	}
	if err != nil {
		t.Fatal(err)
	}
	wantErrno(t, f.WaitFor(0.05), syscall.ETIMEDOUT, "")
}
