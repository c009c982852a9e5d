package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestRPCWrittenToFailedConnectionFails: the connection fails while an
// RPC's request is being sent (after the write, before the RPC's
// bookkeeping). The request went to the dead connection, so the RPC must
// fail rather than wait for an answer that cannot come.
func TestRPCWrittenToFailedConnectionFails(t *testing.T) {
	got := make(chan struct{}, 1)
	s := startServer(t, func(s *testServer, c *serverConn, m *msg.Message) {
		if m.Type == msg.TypeRequest {
			select {
			case got <- struct{}{}:
			default:
			}
		}
	})
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	if _, err := h.RecvLoopStart(); err != nil {
		t.Fatal(err)
	}
	rpcSentHook = func() {
		<-got         // the server has the request
		s.dropConns() // and now the connection dies
		time.Sleep(100 * time.Millisecond)
	}
	defer func() { rpcSentHook = nil }()
	f, err := h.RPC("test.lost", nil, msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.Wait(ctx); err != nil {
		t.Fatalf("the RPC did not end: %v", err)
	}
	if _, err := f.Get(); err == nil {
		t.Fatal("an RPC whose request went to the failed connection succeeded")
	} else if ctx.Err() != nil {
		t.Fatalf("it ended only with the context: %v", err)
	}
}
