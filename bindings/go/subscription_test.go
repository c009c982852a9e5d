package flux

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"
)

// waitClosed waits for the subscription's channel to close, draining it.
func waitClosed(t *testing.T, s *Subscription) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-s.C():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription channel still open 10s after the connection was lost")
		}
	}
}

// A subscription's channel closes with a reason when the connection is
// lost for good: with WithReconnect once it gives up (ErrClosed), without
// it at the loss.
func TestSubscriptionEndsWhenConnectionLost(t *testing.T) {
	for _, reconnect := range []bool{true, false} {
		t.Run(fmt.Sprint("reconnect=", reconnect), func(t *testing.T) {
			tb := startBroker(t)
			tb.needStandIn(t)
			leaks := checkLeaks(t)
			var opts []Option
			if reconnect {
				opts = append(opts, WithReconnect(ReconnectPolicy{MaxAttempts: 2, InitialDelay: 10 * time.Millisecond}))
			}
			h, err := Open(tb.uri, opts...)
			if err != nil {
				t.Fatal(err)
			}
			sub, err := h.Subscribe(testCtx(t), "gone.")
			if err != nil {
				t.Fatal(err)
			}
			if sub.Err() != nil {
				t.Fatalf("Err on an open subscription: %v", sub.Err())
			}
			_ = tb.b.Close()
			waitClosed(t, sub)
			err = sub.Err()
			if err == nil {
				t.Fatal("Err is nil after the connection was lost")
			}
			if reconnect && !errors.Is(err, ErrClosed) {
				t.Fatalf("Err after reconnecting gave up: %v, want ErrClosed", err)
			}
			_ = h.Close()
			leaks()
		})
	}
}

// QueueLimit bounds the backlog with the policy asked for; Pending and
// Dropped tell the reader where it stands.
func TestSubscriptionQueueLimit(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	const n = 100
	cases := []struct {
		name     string
		opts     []SubscribeOption
		pending  int
		first    int
		dropped  uint64
		topicTag string
	}{
		{"unbounded", nil, n, 0, 0, "u"},
		{"drop oldest", []SubscribeOption{QueueLimit(10, DropOldest)}, 10, n - 10, n - 10, "o"},
		{"drop newest", []SubscribeOption{QueueLimit(10, DropNewest)}, 10, 0, n - 10, "w"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			topic := "q" + tc.topicTag + "."
			sub, err := h.Subscribe(ctx, topic, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Unsubscribe(ctx)
			for i := 0; i < n; i++ {
				// Publish returns after the broker sent the event
				// (before its answer), so it is queued by then.
				if _, err := h.Publish(ctx, topic+"x", i); err != nil {
					t.Fatal(err)
				}
			}
			if got := sub.Pending(); got != tc.pending {
				t.Fatalf("Pending = %d, want %d", got, tc.pending)
			}
			if got := sub.Dropped(); got != tc.dropped {
				t.Fatalf("Dropped = %d, want %d", got, tc.dropped)
			}
			for i := 0; i < tc.pending; i++ {
				m := <-sub.C()
				var v int
				if err := m.Payload.Decode(&v); err != nil || v != tc.first+i {
					t.Fatalf("event %d: %d (%v), want %d", i, v, err, tc.first+i)
				}
			}
			// The last one read stops counting once the handover
			// completes.
			for start := time.Now(); sub.Pending() != 0; time.Sleep(time.Millisecond) {
				if time.Since(start) > 5*time.Second {
					t.Fatalf("Pending after reading all = %d", sub.Pending())
				}
			}
		})
	}
}

// 30,000 unread 1 KiB events on a subscription with QueueLimit leave the
// heap about where it was (unbounded, they once took it from 142 KiB to
// 36 MiB): at most the limit waits, Pending says so, Dropped counts the
// rest.
func TestSubscriptionQueueLimitBoundsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes 30,000 events")
	}
	tb := startBroker(t)
	sub := tb.open(t)
	pub := tb.open(t)
	ctx := testCtx(t)
	const n, limit, size = 30000, 100, 1024
	s, err := sub.Subscribe(ctx, "heap.", QueueLimit(limit, DropOldest))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Unsubscribe(ctx)
	payload := strings.Repeat("x", size)
	heap := func() uint64 {
		var ms goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := 0; i < n; i++ {
		if err := pub.PublishRaw("heap.x", payload); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	// PublishRaw does not wait for the broker; one confirmed publish
	// after them means all were sent, and then all arrive in order.
	if _, err := pub.Publish(ctx, "heap.last", payload); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); uint64(s.Pending())+s.Dropped() < n+1; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 60*time.Second {
			t.Fatalf("after 60s: Pending %d + Dropped %d < %d", s.Pending(), s.Dropped(), n+1)
		}
	}
	after := heap()
	// The queue holds about limit*size bytes; 30,000 events would be
	// over 30 MiB. 8 MiB leaves room for the rest of the process.
	const bound = 8 << 20
	if after > before && after-before > bound {
		t.Fatalf("heap grew by %d KiB with %d unread events (limit %d), want under %d KiB",
			(after-before)>>10, n+1, limit, bound>>10)
	}
	t.Logf("heap %d KiB -> %d KiB", before>>10, after>>10)
	if got := s.Pending(); got != limit {
		t.Fatalf("Pending = %d, want %d", got, limit)
	}
	if got := s.Dropped(); got != n+1-limit {
		t.Fatalf("Dropped = %d, want %d", got, n+1-limit)
	}
	m := <-s.C()
	if got := m.Payload.Text(); got != payload {
		t.Fatalf("first queued event: %d bytes, want %d", len(got), size)
	}
}
