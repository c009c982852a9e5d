package flux

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// pendingSettles waits until h has no unfinished RPC and no reserved tag
// of an abandoned one: a cancelled watch has had its final response.
func pendingSettles(t *testing.T, h *Handle) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, o := h.rt.PendingRPCs()
		if p == 0 && o == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("watch not finished on the broker: %d pending, %d orphaned", p, o)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKVSWatchSequence(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	if _, err := kv.Put(ctx, "w.seq", 0); err != nil {
		t.Fatal(err)
	}
	got := 0
	for v, err := range kv.Watch(ctx, "w.seq") {
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := v.Decode(&n); err != nil || n != got {
			t.Fatalf("value %d = %q, %v", got, v, err)
		}
		got++
		if got == 6 {
			break // cancel mid-watch
		}
		if _, err := kv.Put(ctx, "w.seq", got); err != nil {
			t.Fatal(err)
		}
	}
	pendingSettles(t, h)
}

func TestKVSWatchWaitCreateAndUniq(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	key := fmt.Sprintf("w.created%d", time.Now().UnixNano())

	// Without WaitCreate a missing key ends the watch with ENOENT.
	for _, err := range kv.Watch(ctx, key) {
		if !errors.Is(err, syscall.ENOENT) {
			t.Fatalf("watch of missing key = %v", err)
		}
	}

	ch := kv.WatchChan(ctx, key, WaitCreate, Uniq)
	time.Sleep(100 * time.Millisecond)
	select {
	case it := <-ch:
		t.Fatalf("value before the key existed: %+v", it)
	default:
	}
	for _, v := range []string{"a", "a", "b", "b", "c"} {
		if _, err := kv.Put(ctx, key, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"a", "b", "c"} {
		it := <-ch
		if it.Err != nil || it.Value.String() != want {
			t.Fatalf("got %q, %v; want %q (Uniq skips repeats)", it.Value, it.Err, want)
		}
	}
}

func TestKVSWatchAppend(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	if _, err := kv.Txn().Append("w.app", []byte("x")).Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for v, err := range kv.Watch(ctx, "w.app", AppendOnly) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.String())
		if len(got) == 3 {
			break
		}
		if _, err := kv.Txn().Append("w.app", []byte(fmt.Sprint(len(got)))).Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[x 1 2]" {
		t.Fatalf("appends = %q", got)
	}
}

func TestKVSWatchContextEnd(t *testing.T) {
	h := kvsHandle(t)
	kv := h.KVS()
	if _, err := kv.Put(testCtx(t), "w.ctx", "v"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	n := 0
	for v, err := range kv.Watch(ctx, "w.ctx") {
		if err != nil {
			t.Fatalf("error on context end: %v", err)
		}
		if v.String() != "v" {
			t.Fatalf("value %q", v)
		}
		n++
		cancel() // the next wait ends: the loop stops without an error
	}
	if n != 1 {
		t.Fatalf("%d values", n)
	}
	pendingSettles(t, h)
}

func TestKVSWatchConnectionLost(t *testing.T) {
	in := fluxtest.Start(t, fluxtest.Options{Full: true})
	h, err := Open(in.URI)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx := testCtx(t)
	kv := h.KVS()
	if _, err := kv.Put(ctx, "w.lost", "v"); err != nil {
		t.Fatal(err)
	}
	ch := kv.WatchChan(ctx, "w.lost")
	if it := <-ch; it.Err != nil || it.Value.String() != "v" {
		t.Fatalf("first = %+v", it)
	}
	go func() { _ = in.Stop() }()
	select {
	case it, ok := <-ch:
		if !ok || it.Err == nil {
			t.Fatalf("watch ended without an error on connection loss: %+v %v", it, ok)
		}
		t.Logf("on connection loss: %v", it.Err)
		if _, ok := <-ch; ok {
			t.Fatal("channel not closed after the error")
		}
	case <-ctx.Done():
		t.Fatal("watch did not end when the broker went away")
	}
}

func TestKVSStream(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	key := fmt.Sprintf("w.stream%d", time.Now().UnixNano())
	want := []string{"first\n", "second\n", "third\n"}
	for _, p := range want {
		if _, err := kv.Txn().Append(key, []byte(p)).Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for v, err := range kv.Stream(ctx, key) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.String())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("streamed %q, want %q", got, want)
	}
	for _, err := range kv.Stream(ctx, key+"nope") {
		if !errors.Is(err, syscall.ENOENT) {
			t.Fatalf("stream of a missing key = %v", err)
		}
	}
	pendingSettles(t, h)
}
