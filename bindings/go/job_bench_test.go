package flux_test

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	flux "github.com/fluxgo/fluxgo/bindings/go"
	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// benchJobHandle opens the shared full instance for a job benchmark and
// returns a `true` jobspec with the caller's environment, like
// ../shared/bench/job_submit.c.
func benchJobHandle(b *testing.B) (*flux.Handle, *flux.Jobspec) {
	in := fluxtest.Shared(b, fluxtest.Options{Full: true})
	h, err := flux.Open(in.URI)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	spec, err := flux.JobspecFromCommand([]string{"true"}, flux.Environ(os.Environ()))
	if err != nil {
		b.Fatal(err)
	}
	return h, spec
}

// BenchmarkJobSubmit is submission throughput with 64 submissions in
// flight (job_submit.c's mode=submit K=64), from 64 goroutines.
func BenchmarkJobSubmit(b *testing.B) {
	h, spec := benchJobHandle(b)
	ctx := context.Background()
	const window = 64
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	for g := 0; g < window; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if _, err := h.Submit(ctx, spec); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// BenchmarkJobSubmitWait is submit-to-result latency: submit a waitable
// job and wait for it, one at a time (job_submit.c's mode=wait).
func BenchmarkJobSubmitWait(b *testing.B) {
	h, spec := benchJobHandle(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id, err := h.Submit(ctx, spec, flux.Waitable())
		if err != nil {
			b.Fatal(err)
		}
		w, err := h.Wait(ctx, id)
		if err != nil || !w.Success {
			b.Fatalf("wait: %+v %v", w, err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/job")
}
