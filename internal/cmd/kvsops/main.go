// Command kvsops is ../shared/bench's kvs_ops in Go: on $FLUX_URI (a full
// instance), it commits "bench.kvs.v" = {"seq":42,"pad":"abcdefgh"}, then
// times N sequential lookups of it (each value decoded and checked) and M
// sequential one-key commits of {"seq":i} to bench.kvs.c<i%100>, and
// prints the same RESULT lines as kvs_ops (program name kvs_ops_go), so
// the Go binding (default) or the runtime path the C library takes
// (-runtime) can be run beside the C program in one instance and compared.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"time"

	flux "github.com/fluxgo/fluxgo/bindings/go"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// value is the benchmark's JSON value.
type value struct {
	Seq int    `json:"seq"`
	Pad string `json:"pad,omitempty"`
}

// ops is one implementation of the two timed operations.
type ops struct {
	lookup func(ctx context.Context) (int, error)
	commit func(ctx context.Context, i int) error
	close  func()
}

func main() {
	n := flag.Int("n", 5000, "sequential lookups")
	m := flag.Int("m", 1000, "sequential one-key commits")
	rt := flag.Bool("runtime", false, "use runtime/kvs the way the C library does (no dispatcher)")
	flag.Parse()
	if *n < 1 || *m < 1 {
		log.Fatal("kvsops: -n and -m must be at least 1")
	}
	ctx := context.Background()
	uri := os.Getenv("FLUX_URI")
	var o ops
	var err error
	name := "binding"
	if *rt {
		name = "runtime"
		o, err = runtimeOps(uri)
	} else {
		o, err = bindingOps(uri)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer o.close()
	fmt.Printf("# kvs_ops_go: %s path, FLUX_URI=%s\n", name, uri)

	lat := make([]time.Duration, max(*n, *m))
	t0 := time.Now()
	for i := range *n {
		s := time.Now()
		seq, err := o.lookup(ctx)
		if err != nil {
			log.Fatalf("kvs lookup: %v", err)
		}
		if seq != 42 {
			log.Fatalf("lookup returned seq %d", seq)
		}
		lat[i] = time.Since(s)
	}
	report("lookup", lat[:*n], time.Since(t0))

	t0 = time.Now()
	for i := range *m {
		s := time.Now()
		if err := o.commit(ctx, i); err != nil {
			log.Fatalf("kvs commit: %v", err)
		}
		lat[i] = time.Since(s)
	}
	report("commit", lat[:*m], time.Since(t0))
}

// report prints kvs_ops's RESULT line for one mode.
func report(mode string, lat []time.Duration, el time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	us := func(d time.Duration) float64 { return float64(d) / 1e3 }
	p99 := s[min(len(s)-1, len(s)*99/100)]
	fmt.Printf("RESULT kvs_ops_go mode=%s n=%d : median_us=%.2f p99_us=%.2f mean_us=%.2f ops_per_s=%.0f\n",
		mode, len(s), us(s[len(s)/2]), us(p99), us(sum)/float64(len(s)), float64(len(s))/el.Seconds())
}

// bindingOps does the loop through the Go binding.
func bindingOps(uri string) (ops, error) {
	h, err := flux.Open(uri)
	if err != nil {
		return ops{}, err
	}
	kv := h.KVS()
	if _, err := kv.Put(context.Background(), "bench.kvs.v", value{Seq: 42, Pad: "abcdefgh"}); err != nil {
		h.Close()
		return ops{}, err
	}
	return ops{
		lookup: func(ctx context.Context) (int, error) {
			var v value
			err := kv.GetInto(ctx, "bench.kvs.v", &v)
			return v.Seq, err
		},
		commit: func(ctx context.Context, i int) error {
			_, err := kv.Txn().Put("bench.kvs.c"+strconv.Itoa(i%100), value{Seq: i}).Commit(ctx)
			return err
		},
		close: func() { h.Close() },
	}, nil
}

// runtimeOps does the loop on runtime/kvs as the C library does:
// flux_kvs_lookup + flux_kvs_lookup_get_unpack, flux_kvs_txn_pack +
// flux_kvs_commit + flux_future_get.
func runtimeOps(uri string) (ops, error) {
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		return ops{}, err
	}
	commit := func(key string, v value) error {
		txn := kvs.NewTxn()
		if err := txn.PutJSON(0, key, v); err != nil {
			return err
		}
		f, err := kvs.Commit(h, "", 0, txn)
		if err != nil {
			return err
		}
		defer f.Destroy()
		_, err = f.Get()
		return err
	}
	if err := commit("bench.kvs.v", value{Seq: 42, Pad: "abcdefgh"}); err != nil {
		h.Close()
		return ops{}, err
	}
	return ops{
		lookup: func(context.Context) (int, error) {
			f, err := kvs.Lookup(h, "", 0, "bench.kvs.v")
			if err != nil {
				return 0, err
			}
			defer f.Destroy()
			var v value
			err = kvs.LookupGetJSON(f, &v)
			return v.Seq, err
		},
		commit: func(_ context.Context, i int) error {
			return commit("bench.kvs.c"+strconv.Itoa(i%100), value{Seq: i})
		},
		close: func() { h.Close() },
	}, nil
}
