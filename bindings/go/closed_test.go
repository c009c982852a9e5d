package flux

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every call on a closed handle fails with ErrClosed, which is not ENOSYS
// (a retry-on-ENOSYS loop must not spin on a closed handle); Run returns
// nil as its documentation says; a second Close says ErrClosed.
func TestClosedHandleErrClosed(t *testing.T) {
	tb := startBroker(t)
	h, err := Open(tb.uri)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	ctx := testCtx(t)
	calls := map[string]func() error{
		"RPC":        func() error { _, err := h.RPC(ctx, "broker.ping", map[string]int{}); return err },
		"RPCAsync":   func() error { _, err := h.RPCAsync("broker.ping", map[string]int{}); return err },
		"Rank":       func() error { _, err := h.Rank(); return err },
		"Size":       func() error { _, err := h.Size(); return err },
		"Attr":       func() error { _, err := h.Attr(ctx, "rank"); return err },
		"Publish":    func() error { _, err := h.Publish(ctx, "x", nil); return err },
		"PublishRaw": func() error { return h.PublishRaw("x", nil) },
		"Subscribe":  func() error { _, err := h.Subscribe(ctx, "x"); return err },
		"RegisterService": func() error {
			_, err := h.RegisterService(ctx, "svc", func(*ServiceRequest) {})
			return err
		},
		"HandleFunc": func() error {
			_, err := h.HandleFunc(Match{Types: Request, Topic: "x.*"}, func(context.Context, *Message, Responder) {})
			return err
		},
		"Clone":     func() error { _, err := h.Clone(); return err },
		"Reconnect": func() error { return h.Reconnect() },
		"KVS.Get":   func() error { _, err := h.KVS().Get(ctx, "a"); return err },
		"Config":    func() error { _, err := h.Config(ctx); return err },
		"Log":       func() error { return h.Log(LogInfo, "x") },
		"Close":     func() error { return h.Close() },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, ErrClosed) || errors.Is(err, syscall.ENOSYS) {
			t.Errorf("%s on a closed handle: %v, want ErrClosed (not ENOSYS)", name, err)
		}
		// Every call but Close names its operation: "rpc broker.ping:
		// flux handle is closed", not the bare text.
		if name != "Close" && (err == nil || err.Error() == ErrClosed.Error() ||
			!strings.HasSuffix(err.Error(), ": "+ErrClosed.Error())) {
			t.Errorf("%s on a closed handle: %q does not name the operation", name, err)
		}
	}
	if err := h.Run(ctx); err != nil {
		t.Errorf("Run after Close: %v, want nil", err)
	}
}

// Closing a root twice drops only its own reference: a clone made from it
// keeps working, and closing the clone twice is as harmless.
func TestCloseTwiceKeepsClone(t *testing.T) {
	tb := startBroker(t)
	before, fds := runtime.NumGoroutine(), openFDs(t)
	h, err := Open(tb.uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Close()
	if err := h.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	ctx := testCtx(t)
	if _, err := c.RPC(ctx, "broker.ping", map[string]int{}); err != nil {
		t.Fatalf("clone after closing the root twice: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	waitGoroutines(t, before)
	if n := openFDs(t); n > fds {
		t.Fatalf("fds: %d after closing, %d before", n, fds)
	}
}

// An RPC waiting when its handle is closed ends with ErrClosed, at once,
// and the handle's subscription channels are closed.
func TestCloseFailsPending(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h, err := Open(tb.uri)
	if err != nil {
		t.Fatal(err)
	}
	tb.b.HoldResponses("broker.ping")
	f, err := h.RPCAsync("broker.ping", map[string]int{})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := h.Subscribe(testCtx(t), "x.")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := f.Get(testCtx(t)); done <- err }()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	_ = h.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("pending RPC: %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pending RPC still waiting 10s after Close")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("pending RPC took %v to fail", d)
	}
	if _, ok := <-sub.C(); ok {
		t.Fatal("subscription channel open after Close")
	}
}

// Closing a clone closes its subscriptions although the connection, kept
// by the root, stays open.
func TestCloseCloneEndsItsSubscriptions(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	c, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(testCtx(t), "x.")
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	select {
	case _, ok := <-sub.C():
		if ok {
			t.Fatal("event after the clone was closed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription of a closed clone still open")
	}
	if _, err := h.RPC(testCtx(t), "broker.ping", map[string]int{}); err != nil {
		t.Fatalf("root after closing its clone: %v", err)
	}
}
