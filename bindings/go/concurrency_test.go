package flux

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// waitGoroutines waits until the goroutine count drops to want (goroutines
// of closed handles exit asynchronously) and fails if it never does.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d, want %d\n%s", runtime.NumGoroutine(), want, buf[:n])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Many goroutines share one handle for RPCs, events and service calls.
func TestConcurrentUse(t *testing.T) {
	tb := startBroker(t)
	before := runtime.NumGoroutine()
	func() {
		h, err := Open(tb.uri)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		ctx := testCtx(t)
		name := fmt.Sprintf("concsvc%d", time.Now().UnixNano()%100000)
		svc, err := h.RegisterService(ctx, name, func(req *ServiceRequest) { _ = req.Respond(req.Payload) })
		if err != nil {
			t.Fatal(err)
		}
		const workers, rounds = 16, 30
		subs := make([]*Subscription, workers)
		for i := range subs {
			if subs[i], err = h.Subscribe(ctx, fmt.Sprintf("conc.%d.", i)); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds*4)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for r := 0; r < rounds; r++ {
					want := fmt.Sprintf("%d-%d", i, r)
					m, err := h.RPC(ctx, name+".echo", want)
					if err != nil || m.Payload.Text() != want {
						errs <- fmt.Errorf("echo %s: %v %v", want, m, err)
						return
					}
					if _, err := h.Attr(ctx, "rank"); err != nil {
						errs <- err
						return
					}
					if _, err := h.Publish(ctx, fmt.Sprintf("conc.%d.ev", i), want); err != nil {
						errs <- err
						return
					}
					ev := <-subs[i].C()
					if ev.Payload.Text() != want {
						errs <- fmt.Errorf("event %q, want %q", ev.Payload.Text(), want)
						return
					}
					for _, err := range h.RPCStream(ctx, "state-machine.monitor", map[string]int{"final": 5}) {
						if err != nil {
							errs <- fmt.Errorf("state-machine.monitor stream: %w", err)
							return
						}
					}
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if err := svc.Unregister(ctx); err != nil {
			t.Fatal(err)
		}
		if p, o := h.rt.PendingRPCs(); p != 0 || o != 0 {
			t.Fatalf("pending %d orphans %d", p, o)
		}
	}()
	waitGoroutines(t, before)
}
