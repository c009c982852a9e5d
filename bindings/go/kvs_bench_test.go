package flux

import (
	"strconv"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// The KVS benchmarks run against a shared full flux-core instance (they
// skip without flux-core). BenchmarkKVSLookup and BenchmarkKVSCommit use
// the Go binding; the Runtime variants call runtime/kvs the way the C
// library does (no dispatcher, the waiting goroutine drives the future).

// kvsBenchHandle opens a Go binding handle on the shared full instance.
func kvsBenchHandle(b *testing.B) *Handle {
	b.Helper()
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h, err := Open(in.URI)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	return h
}

// kvsOpsValue is the value of ../shared/bench's kvs_ops loop (and of
// internal/cmd/kvsops): the lookup benchmarks read {"seq":42,"pad":...}
// and check seq; the commit benchmarks put {"seq":i} under one of 100 keys.
type kvsOpsValue struct {
	Seq int    `json:"seq"`
	Pad string `json:"pad,omitempty"`
}

// BenchmarkKVSLookup is kvs_ops's lookup loop through the Go binding.
func BenchmarkKVSLookup(b *testing.B) {
	h := kvsBenchHandle(b)
	ctx := testCtx(b)
	kv := h.KVS()
	if _, err := kv.Put(ctx, "bench.kvs.v", kvsOpsValue{Seq: 42, Pad: "abcdefgh"}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		var v kvsOpsValue
		if err := kv.GetInto(ctx, "bench.kvs.v", &v); err != nil || v.Seq != 42 {
			b.Fatalf("lookup: %+v %v", v, err)
		}
	}
}

// BenchmarkKVSCommit is kvs_ops's commit loop through the Go binding.
func BenchmarkKVSCommit(b *testing.B) {
	h := kvsBenchHandle(b)
	ctx := testCtx(b)
	kv := h.KVS()
	b.ResetTimer()
	for i := range b.N {
		if _, err := kv.Txn().Put("bench.kvs.c"+strconv.Itoa(i%100), kvsOpsValue{Seq: i}).Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKVSRuntimeLookup is the same loop on runtime/kvs, the way the
// C library runs it (flux_kvs_lookup + flux_kvs_lookup_get_unpack).
func BenchmarkKVSRuntimeLookup(b *testing.B) {
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h := rtOpen(b, in.URI)
	txn := kvs.NewTxn()
	if err := txn.PutJSON(0, "bench.kvs.v", kvsOpsValue{Seq: 42, Pad: "abcdefgh"}); err != nil {
		b.Fatal(err)
	}
	f, err := kvs.Commit(h, "", 0, txn)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Get(); err != nil {
		b.Fatal(err)
	}
	f.Destroy()
	b.ResetTimer()
	for range b.N {
		f, err := kvs.Lookup(h, "", 0, "bench.kvs.v")
		if err != nil {
			b.Fatal(err)
		}
		var v kvsOpsValue
		if err := kvs.LookupGetJSON(f, &v); err != nil || v.Seq != 42 {
			b.Fatalf("lookup: %+v %v", v, err)
		}
		f.Destroy()
	}
}

// BenchmarkKVSRuntimeCommit is the commit loop on runtime/kvs
// (flux_kvs_txn_pack + flux_kvs_commit + flux_future_get).
func BenchmarkKVSRuntimeCommit(b *testing.B) {
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h := rtOpen(b, in.URI)
	b.ResetTimer()
	for i := range b.N {
		txn := kvs.NewTxn()
		if err := txn.PutJSON(0, "bench.kvs.c"+strconv.Itoa(i%100), kvsOpsValue{Seq: i}); err != nil {
			b.Fatal(err)
		}
		f, err := kvs.Commit(h, "", 0, txn)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Get(); err != nil {
			b.Fatal(err)
		}
		f.Destroy()
	}
}
