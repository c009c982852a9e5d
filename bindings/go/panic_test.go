package flux

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// panicHook collects the panics reported by WithPanicHandler.
func panicHook() (Option, <-chan *PanicError) {
	ch := make(chan *PanicError, 16)
	return WithPanicHandler(func(pe *PanicError) { ch <- pe }), ch
}

// nextPanic waits for a reported panic.
func nextPanic(t *testing.T, ch <-chan *PanicError) *PanicError {
	t.Helper()
	select {
	case pe := <-ch:
		return pe
	case <-time.After(10 * time.Second):
		t.Fatal("no panic reported")
	}
	return nil
}

// A panicking HandleFunc handler is recovered: the request gets EIO, the
// hook hears of it, and the handler serves the next request.
func TestPanicInHandleFunc(t *testing.T) {
	tb := startBroker(t)
	hook, panics := panicHook()
	srv := tb.open(t, hook)
	cli := tb.open(t)
	ctx := testCtx(t)
	name := fmt.Sprintf("hpanic%d", time.Now().UnixNano()%100000)
	if _, err := srv.RegisterServiceName(ctx, name); err != nil {
		t.Fatal(err)
	}
	calls := 0
	if _, err := srv.HandleFunc(MatchRequest(name+".*"), func(_ context.Context, m *Message, r Responder) {
		calls++
		if calls == 1 {
			panic("boom")
		}
		_ = r.Respond("ok")
	}); err != nil {
		t.Fatal(err)
	}
	_, err := cli.RPC(ctx, name+".x", nil)
	wantErr(t, err, syscall.EIO, panicText)
	pe := nextPanic(t, panics)
	if pe.Callback != "HandleFunc" || pe.Topic != name+".x" || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("reported %+v", pe)
	}
	resp, err := cli.RPC(ctx, name+".x", nil)
	if err != nil || resp.Payload.Text() != "ok" {
		t.Fatalf("after the panic: %v %v", resp, err)
	}
}

// A panicking RegisterService handler is recovered the same way, and one
// that answered before panicking gets no second answer.
func TestPanicInServiceHandler(t *testing.T) {
	tb := startBroker(t)
	hook, panics := panicHook()
	srv := tb.open(t, hook)
	cli := tb.open(t)
	ctx := testCtx(t)
	name := fmt.Sprintf("spanic%d", time.Now().UnixNano()%100000)
	if _, err := srv.RegisterService(ctx, name, func(req *ServiceRequest) {
		if req.Topic == name+".after" {
			_ = req.Respond("answered")
		}
		panic(fmt.Errorf("bad %s", req.Topic))
	}); err != nil {
		t.Fatal(err)
	}
	_, err := cli.RPC(ctx, name+".x", nil)
	wantErr(t, err, syscall.EIO, panicText)
	if pe := nextPanic(t, panics); pe.Callback != "RegisterService" || pe.Topic != name+".x" {
		t.Fatalf("reported %+v", pe)
	}
	resp, err := cli.RPC(ctx, name+".after", nil)
	if err != nil || resp.Payload.Text() != "answered" {
		t.Fatalf("answered before the panic: %v %v", resp, err)
	}
	nextPanic(t, panics)
}

// A panic in a Future.Then function is recovered and reported.
func TestPanicInThen(t *testing.T) {
	tb := startBroker(t)
	hook, panics := panicHook()
	h := tb.open(t, hook)
	f, err := h.RPCAsync("broker.ping", map[string]int{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Then(func(*Message, error) { panic("then") }); err != nil {
		t.Fatal(err)
	}
	if pe := nextPanic(t, panics); pe.Callback != "Future.Then" || pe.Topic != "broker.ping" || pe.Value != "then" {
		t.Fatalf("reported %+v", pe)
	}
	if _, err := h.RPC(testCtx(t), "broker.ping", map[string]int{}); err != nil {
		t.Fatal(err)
	}
}

// A RegisterService request's Context ends when the service is
// unregistered, and when the handle is closed.
func TestServiceRequestContext(t *testing.T) {
	tb := startBroker(t)
	cli := tb.open(t)
	ctx := testCtx(t)
	for _, how := range []string{"unregister", "close"} {
		srv, err := Open(tb.uri)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("sctx%s%d", how, time.Now().UnixNano()%100000)
		started, ended := make(chan struct{}), make(chan error, 1)
		svc, err := srv.RegisterService(ctx, name, func(req *ServiceRequest) {
			close(started)
			select {
			case <-req.Context().Done():
				ended <- req.Context().Err()
			case <-time.After(10 * time.Second):
				ended <- nil
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		f, err := cli.RPCAsync(name+".wait", nil)
		if err != nil {
			t.Fatal(err)
		}
		<-started
		if how == "unregister" {
			_ = svc.Unregister(ctx)
		} else {
			_ = srv.Close()
		}
		if err := <-ended; err == nil {
			t.Fatalf("%s: the request's context did not end", how)
		}
		f.Close()
		_ = srv.Close()
	}
}
