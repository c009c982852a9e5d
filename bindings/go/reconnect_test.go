package flux

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// nextStatus reads the next status report.
func nextStatus(t *testing.T, ch <-chan StatusEvent) StatusEvent {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no status report")
	}
	return StatusEvent{}
}

// Many goroutines keep RPCs in flight (some held by the broker) while the
// stand-in restarts. With RPCTRACK and automatic reconnect every RPC ends
// with a response or ECONNRESET, none hangs, and no goroutine is left.
func TestReconnectUnderLoad(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	before := runtime.NumGoroutine()
	func() {
		status := make(chan StatusEvent, 16)
		h := tb.open(t, RPCTrack, WithReconnect(ReconnectPolicy{InitialDelay: time.Millisecond, Jitter: 0.5}),
			WithStatusChannel(status))
		defer h.Close()
		tb.b.HoldResponses("broker.ping")
		const workers = 24
		var started, wg sync.WaitGroup
		results := make(chan error, workers*64)
		stop := make(chan struct{})
		for i := 0; i < workers; i++ {
			started.Add(1)
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ctx := testCtx(t)
				if i%2 == 0 {
					// Held: in flight until the restart ends it.
					f, err := h.RPCAsync("broker.ping", map[string]int{"i": i})
					started.Done()
					if err != nil {
						results <- err
						return
					}
					defer f.Close()
					_, err = f.Get(ctx)
					results <- err
					return
				}
				started.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					_, err := h.RPC(ctx, "attr.get", map[string]string{"name": "version"})
					results <- err
				}
			}(i)
		}
		started.Wait()
		if err := tb.b.Restart(); err != nil {
			t.Fatal(err)
		}
		if ev := nextStatus(t, status); ev.Status != Disconnected {
			t.Fatalf("status %v", ev)
		}
		if ev := nextStatus(t, status); ev.Status != Reconnected || ev.Err != nil {
			t.Fatalf("status %v %v", ev.Status, ev.Err)
		}
		tb.b.ReleaseResponses()
		close(stop)
		wg.Wait()
		close(results)
		resets := 0
		for err := range results {
			switch {
			case err == nil:
			case errors.Is(err, syscall.ECONNRESET):
				resets++
			case errors.Is(err, syscall.EPIPE):
				// A request whose send itself failed as the peer vanished.
			default:
				t.Errorf("RPC ended with %v", err)
			}
		}
		if resets < workers/2 {
			t.Fatalf("%d ECONNRESET, want at least the %d held RPCs", resets, workers/2)
		}
		if _, err := h.RPC(testCtx(t), "broker.ping", map[string]int{}); err != nil {
			t.Fatalf("RPC after reconnect: %v", err)
		}
		// Nothing is left pending, and no matchtag stays reserved: every
		// RPC failed at the disconnect belonged to the old connection,
		// whose reserved tags the reconnect returned.
		deadline := time.Now().Add(5 * time.Second)
		for {
			p, o := h.rt.PendingRPCs()
			if p == 0 && o == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pending %d orphans %d", p, o)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	waitGoroutines(t, before)
}

// After an automatic reconnect, subscriptions and services work again
// without any user code.
func TestAutoReconnectRestores(t *testing.T) {
	for _, flags := range []OpenFlag{0, RPCTrack} {
		t.Run(fmt.Sprintf("flags=%#x", int(flags)), func(t *testing.T) {
			tb := startBroker(t)
			tb.needStandIn(t)
			status := make(chan StatusEvent, 16)
			srv := tb.open(t, flags, WithReconnect(ReconnectPolicy{InitialDelay: time.Millisecond}), WithStatusChannel(status))
			ctx := testCtx(t)
			sub, err := srv.Subscribe(ctx, "auto.")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.RegisterService(ctx, "autosvc", func(r *ServiceRequest) { _ = r.Respond("pong") }); err != nil {
				t.Fatal(err)
			}
			tb.b.HoldResponses("broker.ping")
			f, err := srv.RPCAsync("broker.ping", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := tb.b.Restart(); err != nil {
				t.Fatal(err)
			}
			tb.b.ReleaseResponses()
			_, err = f.Get(ctx)
			wantErr(t, err, syscall.ECONNRESET, "RPC aborted due to broker reconnect")
			f.Close()
			if ev := nextStatus(t, status); ev.Status != Disconnected {
				t.Fatalf("status %v", ev.Status)
			}
			if ev := nextStatus(t, status); ev.Status != Reconnected || ev.Err != nil {
				t.Fatalf("status %v %v", ev.Status, ev.Err)
			}
			cli := tb.open(t)
			m, err := cli.RPC(ctx, "autosvc.ping", nil)
			if err != nil || m.Payload.Text() != "pong" {
				t.Fatalf("service after reconnect: %v %v", m, err)
			}
			if _, err := cli.Publish(ctx, "auto.x", "after"); err != nil {
				t.Fatal(err)
			}
			if ev := <-sub.C(); ev.Topic != "auto.x" || ev.Payload.Text() != "after" {
				t.Fatalf("event after reconnect: %+v", ev)
			}
			if p, o := srv.rt.PendingRPCs(); p != 0 || o != 0 {
				t.Fatalf("pending %d orphans %d", p, o)
			}
		})
	}
}

// Reconnecting gives up after MaxAttempts and reports Closed; RPCs then
// fail instead of hanging.
func TestAutoReconnectGivesUp(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	status := make(chan StatusEvent, 16)
	h := tb.open(t, WithReconnect(ReconnectPolicy{MaxAttempts: 2, InitialDelay: time.Millisecond}), WithStatusChannel(status))
	tb.b.RefuseAuth(byte(syscall.EPERM))
	if err := tb.b.Restart(); err != nil {
		t.Fatal(err)
	}
	if ev := nextStatus(t, status); ev.Status != Disconnected {
		t.Fatalf("status %v", ev.Status)
	}
	if ev := nextStatus(t, status); ev.Status != Closed || ev.Err == nil {
		t.Fatalf("status %v %v", ev.Status, ev.Err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.RPC(ctx, "broker.ping", nil); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RPC on a dead handle: %v", err)
	}
}

// The flux-core way: a manual Reconnect with RPCTRACK fails pending RPCs
// with ECONNRESET; ReconnectFollowup restores what the handle had.
func TestManualReconnect(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h := tb.open(t, RPCTrack)
	ctx := testCtx(t)
	tb.b.HoldResponses("broker.ping")
	f, err := h.RPCAsync("broker.ping", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := h.Reconnect(); err != nil {
		t.Fatal(err)
	}
	_, err = f.Get(ctx)
	wantErr(t, err, syscall.ECONNRESET, "RPC aborted due to broker reconnect")
	tb.b.ReleaseResponses()
	if err := h.ReconnectFollowup(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.RPC(ctx, "broker.ping", map[string]int{}); err != nil {
		t.Fatal(err)
	}
}
