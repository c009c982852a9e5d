// Package schedtick keeps Go's system monitor from treating a goroutine
// that waits in system calls as one that runs forever.
//
// The monitor (sysmon) judges each P by its scheduler tick, which only
// moves when the scheduler starts a goroutine there. A goroutine that
// waits for the broker in poll(2) and never parks in the scheduler — the
// waiter of a synchronous RPC, the binding's receive loop, the calling
// thread of a C program (whose goroutine is never scheduled at all) —
// leaves the tick where it was, so 10 ms later the monitor decides it has
// run too long and from then on takes its P away at every monitor tick
// that finds it in a system call (every 20 µs while it keeps finding
// one), waking a spare thread that finds nothing to run. In a KVS lookup
// loop that was 2.4 futex calls and a nanosleep per lookup.
//
// Keep, called before such a wait, yields the goroutine at most every
// Every; being rescheduled moves the tick, and the monitor leaves the P
// alone and backs off to sleeping up to 10 ms.
package schedtick

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Every is how often Keep yields at most: under the monitor's 10 ms.
const Every = 5 * time.Millisecond

var (
	base = time.Now()
	last atomic.Int64 // ns since base of the last yield
)

// Keep yields the calling goroutine when no caller has done so for Every.
func Keep() {
	now := int64(time.Since(base))
	l := last.Load()
	if now-l < int64(Every) || !last.CompareAndSwap(l, now) {
		return
	}
	runtime.Gosched()
}
