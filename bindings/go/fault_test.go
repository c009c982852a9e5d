package flux

import (
	"context"
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/broker"
)

// waitHeld waits until the stand-in holds at least n responses.
func waitHeld(t *testing.T, b *broker.Broker, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); b.HeldResponses() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("broker holds %d responses, want %d", b.HeldResponses(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestFaultBrokerKilled: RPCs in flight when the broker dies fail with
// ECONNRESET; nothing hangs.
func TestFaultBrokerKilled(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h := tb.open(t)
	ctx := testCtx(t)
	tb.b.HoldResponses("broker.ping")
	var fs []*Future
	for range 100 {
		f, err := h.RPCAsync("broker.ping", "{}")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fs = append(fs, f)
	}
	waitHeld(t, tb.b, len(fs))
	tb.b.Close()
	for i, f := range fs {
		if _, err := f.Get(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("RPC %d: %v, want ECONNRESET", i, err)
		}
	}
}

// TestFaultBadFrame: a response with a bad frame header ends the pending
// RPC with EPROTO through the dispatcher's error path.
func TestFaultBadFrame(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	statusCh := make(chan StatusEvent, 8)
	h := tb.open(t, WithStatusChannel(statusCh))
	tb.b.CorruptNextResponse("broker.ping", broker.BadMagic)
	_, err := h.RPC(testCtx(t), "broker.ping", "{}")
	if !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("RPC over a bad frame: %v, want EPROTO", err)
	}
	select {
	case ev := <-statusCh:
		if !errors.Is(ev.Err, syscall.EPROTO) {
			t.Fatalf("status event %+v, want EPROTO", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no status event")
	}
}

// TestFaultSlowConsumer: thousands of events queue up for a subscriber
// that does not read; RPCs on the same handle still complete, and the
// events all arrive afterwards, in order.
func TestFaultSlowConsumer(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	pub := tb.open(t)
	ctx := testCtx(t)
	const n = 5000
	topic := "fluxgo-slow." + time.Now().Format("150405.000000000")
	s, err := h.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := pub.PublishRaw(topic, map[string]int{"seq": i}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pub.Publish(ctx, topic, map[string]int{"seq": n}); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := h.RPC(ctx, "broker.ping", "{}"); err != nil {
			t.Fatalf("RPC behind %d queued events: %v", n, err)
		}
	}
	for i := 0; i <= n; i++ {
		select {
		case ev := <-s.C():
			var p struct{ Seq int }
			if err := ev.Payload.Decode(&p); err != nil || p.Seq != i {
				t.Fatalf("event %d: %q %v", i, ev.Payload.Text(), err)
			}
		case <-ctx.Done():
			t.Fatalf("event %d never arrived", i)
		}
	}
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestLoadRestartRPCTrack keeps 10,000 RPCs in flight across a broker
// restart on an RPCTrack handle: each ends with its response or with
// ECONNRESET, none hangs, and no goroutine or descriptor is leaked.
func TestLoadRestartRPCTrack(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	tb := startBroker(t)
	tb.needStandIn(t)
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), openFDs(t)

	const n, answered = 10000, 4000
	func() {
		h, err := Open(tb.uri, RPCTrack)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		tb.b.HoldResponses("broker.ping")
		fs := make([]*Future, n)
		for i := range fs {
			f, err := h.RPCAsync("broker.ping", map[string]int{"seq": i})
			if err != nil {
				t.Fatalf("RPC %d: %v", i, err)
			}
			fs[i] = f
			if i == answered-1 {
				waitHeld(t, tb.b, answered)
				tb.b.ReleaseResponses() // these get their responses
				tb.b.HoldResponses("broker.ping")
				if _, err := f.Get(ctx); err != nil { // the last released
					t.Fatal(err)
				}
			}
		}
		ready := func() int {
			k := 0
			for _, f := range fs {
				if f.Ready() {
					k++
				}
			}
			return k
		}
		for tb.b.HeldResponses()+ready() < n { // some may be answered early
			if ctx.Err() != nil {
				t.Fatalf("broker holds %d responses", tb.b.HeldResponses())
			}
			time.Sleep(time.Millisecond)
		}
		if err := tb.b.Restart(); err != nil {
			t.Fatal(err)
		}
		tb.b.ReleaseResponses() // to connections that are gone: dropped
		if err := h.Reconnect(); err != nil {
			t.Fatalf("Reconnect: %v", err)
		}
		ok, reset := 0, 0
		for i, f := range fs {
			r, err := f.Get(ctx)
			switch {
			case err == nil:
				var p struct{ Seq int }
				if derr := r.Payload.Decode(&p); derr != nil || p.Seq != i {
					t.Fatalf("RPC %d got response %q", i, r.Payload.Text())
				}
				ok++
			case errors.Is(err, syscall.ECONNRESET):
				reset++
			default:
				t.Fatalf("RPC %d: %v", i, err)
			}
			f.Close()
		}
		if ok < answered || ok+reset != n {
			t.Fatalf("%d responses, %d ECONNRESET of %d", ok, reset, n)
		}
		// The handle works after all that.
		if _, err := h.RPC(ctx, "broker.ping", "{}"); err != nil {
			t.Fatalf("RPC after restart: %v", err)
		}
	}()

	deadline := time.Now().Add(10 * time.Second)
	for {
		g, f := runtime.NumGoroutine(), openFDs(t)
		if g <= goroutines && f <= fds {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("leak: goroutines %d → %d, fds %d → %d\n%s", goroutines, g, fds, f, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
