package flux

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// runAsync runs h.Run(ctx) on a goroutine and returns its result channel.
func runAsync(h *Handle, ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- h.Run(ctx) }()
	return ch
}

// mustNotReturn checks that Run is still running.
func mustNotReturn(t *testing.T, ch <-chan error, what string) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("Run returned (%v) %s", err, what)
	case <-time.After(50 * time.Millisecond):
	}
}

// result waits for Run's result.
func result(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// TestRunServesUntilCancelled: while Run waits, handlers serve requests;
// cancelling its context makes it return the context's error.
func TestRunServesUntilCancelled(t *testing.T) {
	tb := startBroker(t)
	srv := tb.open(t)
	cli := tb.open(t)
	ctx := testCtx(t)
	if _, err := srv.RegisterServiceName(ctx, "runtest"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.HandleFunc(MatchRequest("runtest.*"), func(_ context.Context, m *Message, r Responder) {
		_ = r.Respond(map[string]string{"topic": m.Topic})
	}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	ch := runAsync(srv, runCtx)
	resp, err := cli.RPC(ctx, "runtest.hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Topic string }
	if err := resp.Payload.Decode(&body); err != nil || body.Topic != "runtest.hello" {
		t.Fatalf("response %q, %v", resp.Payload.Text(), err)
	}
	mustNotReturn(t, ch, "while its context is live")
	cancel()
	if err := result(t, ch); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel = %v, want context.Canceled", err)
	}
}

// TestRunReturnsOnClose: Close (from another goroutine) ends Run with nil,
// on a handle and on a clone.
func TestRunReturnsOnClose(t *testing.T) {
	tb := startBroker(t)
	h, err := Open(tb.uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	chClone := runAsync(c, ctx)
	mustNotReturn(t, chClone, "before the clone is closed")
	c.Close()
	if err := result(t, chClone); err != nil {
		t.Fatalf("Run on a closed clone = %v, want nil", err)
	}
	ch := runAsync(h, ctx)
	mustNotReturn(t, ch, "before Close")
	h.Close()
	if err := result(t, ch); err != nil {
		t.Fatalf("Run after Close = %v, want nil", err)
	}
}

// TestRunReturnsWhenConnectionLost: without WithReconnect, a broken
// connection ends Run with the receive error; with it, Run keeps going
// across a broker restart.
func TestRunReturnsWhenConnectionLost(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	ctx := testCtx(t)
	plain := tb.open(t)
	status := make(chan StatusEvent, 8)
	resilient := tb.open(t, WithReconnect(ReconnectPolicy{InitialDelay: 10 * time.Millisecond}), WithStatusChannel(status))
	chPlain := runAsync(plain, ctx)
	chRes := runAsync(resilient, ctx)
	mustNotReturn(t, chPlain, "before the broker went away")
	if err := tb.b.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := result(t, chPlain); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("Run after the connection broke = %v, want ECONNRESET", err)
	}
	for want := Disconnected; want <= Reconnected; want++ {
		select {
		case ev := <-status:
			if ev.Status != want {
				t.Fatalf("status %v, want %v", ev.Status, want)
			}
		case <-ctx.Done():
			t.Fatal("no reconnect status")
		}
	}
	mustNotReturn(t, chRes, "with WithReconnect after the broker came back")
	resilient.Close()
	if err := result(t, chRes); err != nil {
		t.Fatalf("Run after Close = %v", err)
	}
}

// TestRunReturnsWhenReconnectGivesUp: with WithReconnect, Run returns
// once reconnecting gives up (MaxAttempts) with the error it gave up with.
func TestRunReturnsWhenReconnectGivesUp(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h := tb.open(t, WithReconnect(ReconnectPolicy{InitialDelay: 5 * time.Millisecond, MaxAttempts: 2}))
	ch := runAsync(h, testCtx(t))
	mustNotReturn(t, ch, "before the broker went away")
	if err := tb.b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := result(t, ch); err == nil {
		t.Fatal("Run returned nil after reconnecting gave up")
	}
}
