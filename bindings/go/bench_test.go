package flux

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// The end-to-end benchmarks run against a stand-in broker started for the
// benchmark, or against the broker named by FLUX_URI with FLUXGO_INTEROP=1
// (for example under flux-core's `flux start`). The Runtime* variants use
// package runtime the way the C library does: no dispatcher, each future
// is driven by the goroutine waiting for it.

// benchPing is the request payload of the ping benchmarks: what
// rpc_latency in the C bench kit sends with pad 0.
func benchPing(seq int) []byte {
	return append(strconv.AppendInt([]byte(`{"seq":`), int64(seq), 10), '}', 0)
}

// rtOpen opens a runtime handle on the benchmark broker.
func rtOpen(b *testing.B, uri string) *fluxrt.Handle {
	b.Helper()
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.Close)
	return h
}

// BenchmarkRPC is a synchronous broker.ping round trip through the Go
// binding (dispatcher goroutine, context-aware wait).
func BenchmarkRPC(b *testing.B) {
	h := startBroker(b).open(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	b.ResetTimer()
	for range b.N {
		if _, err := h.RPC(ctx, "broker.ping", benchPing(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/rpc")
}

// BenchmarkRuntimeRPC is the same round trip on the C library's path:
// runtime.RPC, Future.Get driving the receive itself, Destroy.
func BenchmarkRuntimeRPC(b *testing.B) {
	h := rtOpen(b, startBroker(b).uri)
	b.ReportAllocs()
	i := 0
	b.ResetTimer()
	for range b.N {
		f, err := h.RPC("broker.ping", benchPing(i), msg.NodeIDAny, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.RPCGet(); err != nil {
			b.Fatal(err)
		}
		f.Destroy()
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/rpc")
}

// benchWindows are the numbers of RPCs kept outstanding.
var benchWindows = []int{1, 10, 100, 1000}

// BenchmarkRPCPipeline keeps K pings outstanding through the Go binding:
// a sliding window where the oldest response is waited for before the next
// request goes out. One op is one RPC.
func BenchmarkRPCPipeline(b *testing.B) {
	tb := startBroker(b)
	for _, k := range benchWindows {
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			h := tb.open(b)
			ctx := context.Background()
			ring := make([]*Future, k)
			b.ReportAllocs()
			i := 0
			b.ResetTimer()
			for range b.N {
				slot := i % k
				if f := ring[slot]; f != nil {
					if _, err := f.Get(ctx); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}
				f, err := h.RPCAsync("broker.ping", benchPing(i))
				if err != nil {
					b.Fatal(err)
				}
				ring[slot] = f
				i++
			}
			for _, f := range ring {
				if f != nil {
					if _, err := f.Get(ctx); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rpc/s")
		})
	}
}

// BenchmarkRuntimePipeline is BenchmarkRPCPipeline on the C library's
// path (futures driven by their waiter).
func BenchmarkRuntimePipeline(b *testing.B) {
	tb := startBroker(b)
	for _, k := range benchWindows {
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			h := rtOpen(b, tb.uri)
			ring := make([]*fluxrt.Future, k)
			get := func(f *fluxrt.Future) {
				if _, err := f.RPCGet(); err != nil {
					b.Fatal(err)
				}
				f.Destroy()
			}
			b.ReportAllocs()
			i := 0
			b.ResetTimer()
			for range b.N {
				slot := i % k
				if f := ring[slot]; f != nil {
					get(f)
				}
				f, err := h.RPC("broker.ping", benchPing(i), msg.NodeIDAny, 0)
				if err != nil {
					b.Fatal(err)
				}
				ring[slot] = f
				i++
			}
			for _, f := range ring {
				if f != nil {
					get(f)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rpc/s")
		})
	}
}

// BenchmarkOpenClose is Open + Rank + Close through the Go binding (which
// also starts and stops the handle's dispatcher).
func BenchmarkOpenClose(b *testing.B) {
	uri := startBroker(b).uri
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h, err := Open(uri)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Rank(); err != nil {
			b.Fatal(err)
		}
		h.Close()
	}
}

// BenchmarkRuntimeOpenClose is flux_open + flux_get_rank + flux_close on
// the runtime, as the C library does it.
func BenchmarkRuntimeOpenClose(b *testing.B) {
	uri := startBroker(b).uri
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h, err := fluxrt.Open(&uri, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.GetRank(); err != nil {
			b.Fatal(err)
		}
		h.Close()
	}
}

// benchTopic is a topic private to one benchmark run.
func benchTopic(b *testing.B) string {
	return fmt.Sprintf("fluxgo-bench.%d.%d", time.Now().UnixNano(), b.N)
}

// receiveEvents reads n events from s, checking their order by payload.
func receiveEvents(b *testing.B, s *Subscription, first, n int) {
	b.Helper()
	timeout := time.After(30 * time.Second)
	for i := first; i < first+n; i++ {
		select {
		case ev, ok := <-s.C():
			if !ok {
				b.Fatal("subscription closed")
			}
			var p struct{ Seq int }
			if err := ev.Payload.Decode(&p); err != nil || p.Seq != i {
				b.Fatalf("event %d: payload %q (%v)", i, ev.Payload.Text(), err)
			}
		case <-timeout:
			b.Fatalf("event %d did not arrive", i)
		}
	}
}

// BenchmarkEvents publishes events in batches of W and receives each
// batch back before the next, through the Go binding: raw (PublishRaw,
// no confirmation) and pub (Publish, waiting for the broker's sequence
// number). One op is one event.
func BenchmarkEvents(b *testing.B) {
	tb := startBroker(b)
	for _, mode := range []struct {
		name string
		w    int
		pub  bool
	}{{"raw/W=100", 100, false}, {"pub/W=1", 1, true}, {"pub/W=1000", 1000, true}} {
		b.Run(mode.name, func(b *testing.B) {
			h := tb.open(b)
			ctx := testCtx(b)
			topic := benchTopic(b)
			s, err := h.Subscribe(ctx, topic)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			sent := 0
			b.ResetTimer()
			for range b.N {
				if mode.pub {
					_, err = h.Publish(ctx, topic, benchPing(sent))
				} else {
					err = h.PublishRaw(topic, benchPing(sent))
				}
				if err != nil {
					b.Fatal(err)
				}
				sent++
				if sent%mode.w == 0 {
					receiveEvents(b, s, sent-mode.w, mode.w)
				}
			}
			receiveEvents(b, s, sent-sent%mode.w, sent%mode.w)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkPublishQueued measures one Publish with confirmation while Q
// earlier events sit unread in the client's subscription queue. flux-core's
// publish latency grows with Q (its future is found behind the queued
// events); here it should not.
func BenchmarkPublishQueued(b *testing.B) {
	tb := startBroker(b)
	for _, q := range []int{0, 1000, 10000} {
		b.Run("Q="+strconv.Itoa(q), func(b *testing.B) {
			h := tb.open(b)
			ctx := testCtx(b)
			topic := benchTopic(b)
			other := "fluxgo-unsubscribed." + topic
			s, err := h.Subscribe(ctx, topic)
			if err != nil {
				b.Fatal(err)
			}
			for i := range q {
				if err := h.PublishRaw(topic, benchPing(i)); err != nil {
					b.Fatal(err)
				}
			}
			// A confirmed publish after the raw ones: the broker has
			// sent them all once it answers; wait until they are queued.
			if _, err := h.Publish(ctx, topic, benchPing(q)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := h.Publish(ctx, other, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			receiveEvents(b, s, 0, q+1)
			b.StartTimer()
		})
	}
}

// BenchmarkRuntimePublishQueued is BenchmarkPublishQueued on the C
// library's path: Q events are waiting in the socket (and, once the
// publish future's waiter has read past them, the requeue queue) when
// flux_event_publish + flux_future_get run.
func BenchmarkRuntimePublishQueued(b *testing.B) {
	tb := startBroker(b)
	for _, q := range []int{0, 1000, 10000} {
		b.Run("Q="+strconv.Itoa(q), func(b *testing.B) {
			h := rtOpen(b, tb.uri)
			topic := benchTopic(b)
			if err := h.EventSubscribe(topic); err != nil {
				b.Fatal(err)
			}
			for i := range q {
				if err := h.EventSend(topic, 0, benchPing(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				f, err := h.EventPublish("fluxgo-unsubscribed."+topic, 0, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.EventPublishGetSeq(); err != nil {
					b.Fatal(err)
				}
				f.Destroy()
			}
		})
	}
}
