package flux

import (
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

func BenchmarkKVSLookup(b *testing.B) {
	h := kvsBenchHandle(b)
	ctx := testCtx(b)
	kv := h.KVS()
	if _, err := kv.Put(ctx, "bench.lookup", "value"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		if _, err := kv.Get(ctx, "bench.lookup"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKVSCommit(b *testing.B) {
	h := kvsBenchHandle(b)
	ctx := testCtx(b)
	kv := h.KVS()
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		if _, err := kv.Txn().Put("bench.commit", "value").Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKVSRuntimeLookup(b *testing.B) {
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h := rtOpen(b, in.URI)
	txn := kvs.NewTxn()
	_ = txn.Put(0, "bench.rtlookup", "value")
	f, err := kvs.Commit(h, "", 0, txn)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Get(); err != nil {
		b.Fatal(err)
	}
	f.Destroy()
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		f, err := kvs.Lookup(h, "", 0, "bench.rtlookup")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := kvs.LookupGet(f); err != nil {
			b.Fatal(err)
		}
		f.Destroy()
	}
}

func BenchmarkKVSRuntimeCommit(b *testing.B) {
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h := rtOpen(b, in.URI)
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		txn := kvs.NewTxn()
		_ = txn.Put(0, "bench.rtcommit", "value")
		f, err := kvs.Commit(h, "", 0, txn)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := kvs.CommitGetSequence(f); err != nil {
			b.Fatal(err)
		}
		f.Destroy()
	}
}
