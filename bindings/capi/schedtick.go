package main

import (
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

// The Go scheduler and C threads.
//
// A C thread that calls into the library runs Go code on an "extra" M
// bound to it, and on returning to C that M keeps its P in the syscall
// state, so the next call takes it back cheaply. The runtime's monitor
// (sysmon) judges a P by its scheduler tick, which only moves when the
// scheduler runs a goroutine there; the calling thread's goroutine is
// never scheduled, so after 10 ms the monitor counts its P as running
// one goroutine too long and, from then on, takes the P away whenever
// the thread is blocked (in a flux_future_get, or in C between calls),
// at every monitor tick (20 µs while it keeps finding something to take),
// waking a spare thread each time only to find nothing to run. A KVS
// lookup loop measured 2.3 futex calls and 1 nanosleep per lookup from
// this, against 0.3 and 0.06 once the tick moves.
//
// keepSchedTick moves the tick: at most every schedTickEvery it yields
// the calling goroutine, whose rescheduling counts as a scheduler run.
// It is called where C enters the library to wait (future calls), so a
// busy caller yields about once per interval and an idle one not at all.
// With a single P (GOMAXPROCS=1, e.g. a process bound to one CPU) the
// monitor takes a P in a syscall whenever no other P is idle, so the
// library asks for at least two Ps unless GOMAXPROCS is set.

// schedTickEvery is below the monitor's 10 ms preemption threshold.
const schedTickEvery = 5 * time.Millisecond

var (
	schedTickBase = time.Now()
	schedTickLast atomic.Int64 // ns since schedTickBase of the last yield
)

func init() {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
}

// keepSchedTick yields the calling goroutine when it has not done so for
// schedTickEvery (see above).
func keepSchedTick() {
	now := int64(time.Since(schedTickBase))
	last := schedTickLast.Load()
	if now-last < int64(schedTickEvery) || !schedTickLast.CompareAndSwap(last, now) {
		return
	}
	runtime.Gosched()
}
