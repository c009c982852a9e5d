package schedtick

import (
	"testing"
	"time"
)

// TestKeepYieldsAtMostEveryInterval: a yield is recorded once per
// interval, however often Keep is called.
func TestKeepYieldsAtMostEveryInterval(t *testing.T) {
	last.Store(0)
	time.Sleep(Every) // base is at least Every in the past
	Keep()
	first := last.Load()
	if first == 0 {
		t.Fatal("Keep did not yield after an idle interval")
	}
	for range 1000 {
		Keep()
	}
	if got := last.Load(); got != first {
		t.Fatalf("Keep yielded again within the interval (%d then %d)", first, got)
	}
	time.Sleep(Every + time.Millisecond)
	Keep()
	if got := last.Load(); got-first < int64(Every) {
		t.Fatalf("Keep did not yield after the interval (%d then %d)", first, got)
	}
}
