package flux

import (
	"errors"
	"fmt"
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
