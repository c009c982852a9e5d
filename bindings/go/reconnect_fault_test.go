package flux

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// checkLeaks records the goroutines and descriptors now and, at cleanup,
// fails if more are left once everything opened since is closed.
func checkLeaks(t *testing.T) func() {
	t.Helper()
	g, fds := runtime.NumGoroutine(), openFDs(t)
	return func() {
		t.Helper()
		waitGoroutines(t, g)
		if n := openFDs(t); n > fds {
			t.Fatalf("fds: %d, %d before", n, fds)
		}
	}
}

// While WithReconnect tries to reach a broker that is gone, an RPC with a
// 200 ms context returns when its context ends, not after the reconnect
// loop: reconnecting runs in the background.
func TestReconnectHonoursCallerContext(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	leaks := checkLeaks(t)
	status := make(chan StatusEvent, 64)
	h, err := Open(tb.uri, WithReconnect(ReconnectPolicy{InitialDelay: 100 * time.Millisecond, MaxDelay: 500 * time.Millisecond}),
		WithStatusChannel(status))
	if err != nil {
		t.Fatal(err)
	}
	_ = tb.b.Close()
	if ev := nextStatus(t, status); ev.Status != Disconnected {
		t.Fatalf("status %v", ev)
	}
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		_, err := h.RPC(ctx, "broker.ping", map[string]int{})
		d := time.Since(start)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("RPC during the outage: %v, want the context's deadline", err)
		}
		if d > time.Second {
			t.Fatalf("RPC with a 200ms context took %v", d)
		}
	}
	// A call that cannot wait fails at once with ErrReconnecting.
	if _, err := h.RPCAsync("broker.ping", nil); !errors.Is(err, ErrReconnecting) {
		t.Fatalf("RPCAsync during the outage: %v", err)
	}
	start := time.Now()
	_ = h.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close during the outage took %v", d)
	}
	leaks()
}

// Once the policy gives up, the handle is closed for good: calls fail at
// once with an error matching ErrClosed, no new disconnect/closed cycle
// starts, and Run returns.
func TestReconnectClosedIsFinal(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	leaks := checkLeaks(t)
	status := make(chan StatusEvent, 64)
	h, err := Open(tb.uri, WithReconnect(ReconnectPolicy{MaxAttempts: 3, InitialDelay: 10 * time.Millisecond}),
		WithStatusChannel(status))
	if err != nil {
		t.Fatal(err)
	}
	_ = tb.b.Close()
	if ev := nextStatus(t, status); ev.Status != Disconnected {
		t.Fatalf("status %v", ev)
	}
	if ev := nextStatus(t, status); ev.Status != Closed {
		t.Fatalf("status %v", ev)
	}
	ctx := testCtx(t)
	start := time.Now()
	for i := 0; i < 20; i++ {
		_, err := h.RPC(ctx, "broker.ping", map[string]int{})
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("RPC %d after giving up: %v, want ErrClosed", i, err)
		}
		if err := h.PublishRaw("x", nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("PublishRaw after giving up: %v", err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("40 calls after giving up took %v", d)
	}
	if err := h.Run(ctx); err == nil {
		t.Fatal("Run after giving up returned nil")
	}
	select {
	case ev := <-status:
		t.Fatalf("status %v after the handle was closed for good", ev)
	case <-time.After(200 * time.Millisecond):
	}
	_ = h.Close()
	leaks()
}

// A program that publishes and subscribes loses nothing across a broker
// restart: publishes during the outage wait for the recovery, which
// restores the subscription before any of them goes out, and every
// publish that reported success is received.
func TestReconnectLosesNoPublishedEvent(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	leaks := checkLeaks(t)
	func() {
		status := make(chan StatusEvent, 64)
		h, err := Open(tb.uri, WithReconnect(ReconnectPolicy{InitialDelay: 5 * time.Millisecond}), WithStatusChannel(status))
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		ctx := testCtx(t)
		sub, err := h.Subscribe(ctx, "lost.")
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe(ctx)
		got := map[int]bool{}
		received, sawEnd := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(received)
			for m := range sub.C() {
				var n int
				if m.Payload.Decode(&n) != nil {
					continue
				}
				if n == -1 {
					close(sawEnd)
					continue
				}
				got[n] = true
			}
		}()
		const total = 300
		var ok []int
		restarted := false
		for i := 0; i < total; i++ {
			if i == total/3 {
				if err := tb.b.Restart(); err != nil {
					t.Fatal(err)
				}
				restarted = true
			}
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err := h.Publish(pctx, "lost.x", i)
			cancel()
			if err == nil {
				ok = append(ok, i)
			}
		}
		if !restarted {
			t.Fatal("no restart")
		}
		if ev := nextStatus(t, status); ev.Status != Disconnected {
			t.Fatalf("status %v", ev)
		}
		if ev := nextStatus(t, status); ev.Status != Reconnected || ev.Err != nil {
			t.Fatalf("status %v %v", ev.Status, ev.Err)
		}
		if len(ok) < total*9/10 {
			t.Fatalf("only %d of %d publishes succeeded", len(ok), total)
		}
		// Every event published is received before a marker published
		// last, on the same connection.
		if _, err := h.Publish(ctx, "lost.end", -1); err != nil {
			t.Fatal(err)
		}
		select {
		case <-sawEnd:
		case <-time.After(10 * time.Second):
			t.Fatal("the last event never came")
		}
		_ = sub.Unsubscribe(ctx)
		<-received
		var missing []int
		for _, n := range ok {
			if !got[n] {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			t.Fatalf("%d published events never received: %v", len(missing), missing)
		}
	}()
	leaks()
}
