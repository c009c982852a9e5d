package runtime

import (
	"fmt"
	"sync"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestConcurrentUse hammers one handle (and its clones) from many
// goroutines: every message sent must be received exactly once, and the
// matchtag pool and counters must stay consistent. Run with -race.
func TestConcurrentUse(t *testing.T) {
	clearHandleEnv(t)
	for _, uri := range []string{"loop://", "interthread://conc"} {
		t.Run(uri, func(t *testing.T) {
			tx := mustOpen(t, uri, 0)
			defer tx.Close()
			rx := tx
			if uri != "loop://" {
				rx = mustOpen(t, uri, 0)
				defer rx.Close()
			}
			const workers, per = 8, 200
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					h, err := tx.Clone()
					if err != nil {
						t.Error(err)
						return
					}
					defer h.Close()
					k := fmt.Sprint("k", w)
					for i := 0; i < per; i++ {
						tag := h.MatchtagAlloc()
						if err := h.Send(newRequest(fmt.Sprintf("w%d.m%d", w, i), tag, ""), 0); err != nil {
							t.Error(err)
							return
						}
						_ = h.AuxSet(&k, i+1, nil)
						h.FlagsSet(OTestNosub)
						_ = h.Msgcounters()
						_, _ = h.PollEvents()
					}
				}(w)
			}
			seen := map[string]bool{}
			var mu sync.Mutex
			var rwg sync.WaitGroup
			for r := 0; r < 4; r++ {
				rwg.Add(1)
				go func(r int) {
					defer rwg.Done()
					for {
						mu.Lock()
						done := len(seen) == workers*per
						mu.Unlock()
						if done {
							return
						}
						m, err := rx.Recv(Match{TypeMask: int(msg.TypeRequest)}, ONonblock)
						if err != nil {
							continue
						}
						if r == 0 {
							// Exercise requeue under contention: put it
							// back; whichever reader gets it counts it.
							if rerr := rx.Requeue(m, RQTail); rerr != nil {
								t.Error(rerr)
							}
							continue
						}
						rx.MatchtagFree(m.Matchtag())
						mu.Lock()
						if seen[m.Topic] {
							t.Errorf("duplicate %s", m.Topic)
						}
						seen[m.Topic] = true
						mu.Unlock()
					}
				}(r)
			}
			wg.Wait()
			rwg.Wait()
			if len(seen) != workers*per {
				t.Fatalf("received %d of %d", len(seen), workers*per)
			}
			if got := tx.Msgcounters().RequestTx; got != workers*per {
				t.Fatalf("request_tx %d", got)
			}
			if uri == "loop://" {
				// The pool may have grown (up to 1600 tags were out at
				// once), but every tag must be back.
				tx.core.mu.Lock()
				n, size := tx.core.tags.allocated(), tx.core.tags.size
				tx.core.mu.Unlock()
				if n != 0 || tx.MatchtagAvail() != size-1 {
					t.Fatalf("tags not all freed: %d allocated, avail %d of %d", n, tx.MatchtagAvail(), size)
				}
			}
		})
	}
}

// TestConcurrentCloseAndRecv closes a handle while goroutines are blocked
// receiving on it: every receive returns, with the one event sent or with
// the error of a destroyed handle (ENOSYS), and at most one gets the event.
func TestConcurrentCloseAndRecv(t *testing.T) {
	clearHandleEnv(t)
	type result struct {
		m   *msg.Message
		err error
	}
	for i := 0; i < 20; i++ {
		a := mustOpen(t, "interthread://cc", 0)
		b := mustOpen(t, "interthread://cc", 0)
		results := make(chan result, 4)
		for g := 0; g < 4; g++ {
			go func() {
				m, err := a.Recv(Match{}, 0)
				results <- result{m, err}
			}()
		}
		if err := b.Send(newEvent("one"), 0); err != nil {
			t.Fatal(err)
		}
		a.Close()
		got := 0
		for g := 0; g < 4; g++ {
			r := recvTimeout(t, results, "a blocked Recv to return after Close")
			switch {
			case r.err == nil && r.m.Topic == "one":
				got++
			case r.err == nil:
				t.Fatalf("Recv returned an unexpected message %q", r.m.Topic)
			default:
				wantErrno(t, r.err, syscall.ENOSYS, "")
			}
		}
		if got > 1 {
			t.Fatalf("the one event was received %d times", got)
		}
		b.Close()
	}
}
