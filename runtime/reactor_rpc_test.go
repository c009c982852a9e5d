package runtime

import (
	"sync"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// TestReactorRPCWindowBatchedResponses keeps a window of RPCs in flight
// with reactor continuations (rpc_pipeline -a) against a server that
// answers each batch of requests with one write, so that several
// responses reach the client in a single read. The messages left in the
// receive buffer must keep the handle readable: before the fix the reactor
// slept in epoll_wait with responses already received.
func TestReactorRPCWindowBatchedResponses(t *testing.T) {
	const window, total = 4, 64
	var mu sync.Mutex
	var batch []*msg.Message
	s := startServer(t, func(_ *testServer, c *serverConn, m *msg.Message) {
		mu.Lock()
		defer mu.Unlock()
		batch = append(batch, m)
		if len(batch) < window {
			return
		}
		var b []byte
		for _, req := range batch {
			rep, _ := deriveResponse(req, 0)
			rep.Rolemask = msg.RoleOwner
			b, _ = stream.AppendFrame(b, rep)
		}
		batch = nil
		c.wmu.Lock()
		_, _ = c.c.Write(b)
		c.wmu.Unlock()
	})
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	r, err := h.GetReactor()
	if err != nil {
		t.Fatal(err)
	}
	issued, completed := 0, 0
	var cb func(*Future)
	issue := func() {
		f, err := h.RPC("test.ping", nil, msg.NodeIDAny, 0)
		if err != nil {
			t.Fatal(err)
		}
		issued++
		if err := f.ThenReactor(-1, cb); err != nil {
			t.Fatal(err)
		}
	}
	cb = func(f *Future) {
		if _, err := f.Get(); err != nil {
			t.Error(err)
		}
		f.Destroy()
		completed++
		// Refill the window only once it is empty, so every batch the
		// server answers has exactly window requests.
		if completed%window == 0 && issued < total {
			for i := 0; i < window; i++ {
				issue()
			}
		}
		if completed == total {
			r.Stop()
		}
	}
	for i := 0; i < window; i++ {
		issue()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := r.Run(0); err != nil {
			t.Error(err)
		}
	}()
	recvTimeout(t, done, "the reactor to finish the RPC window")
	if completed != total {
		t.Fatalf("completed %d of %d RPCs", completed, total)
	}
}
