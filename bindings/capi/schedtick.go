package main

import (
	"os"
	"runtime"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// The Go scheduler and C threads.
//
// A C thread that calls into the library runs Go code on an "extra" M
// bound to it, and on returning to C that M keeps its P in the system
// call state, so the next call takes it back cheaply. Its goroutine is
// never scheduled, so Go's system monitor would count that P as running
// one goroutine too long and take it whenever the thread blocks or is in
// C, waking a spare thread each time (fluxrt.KeepSchedTick explains it).
// keepSchedTick, called on every future call from C (lookupFuture), lets
// the runtime yield now and then so the monitor leaves the P alone.
//
// With a single P (GOMAXPROCS=1, e.g. a process bound to one CPU) the
// monitor also takes a P in a system call whenever no other P is idle,
// so the library asks for at least two Ps unless GOMAXPROCS is set. A KVS
// lookup loop pinned to one CPU made 2.4 futex and 3 nanosleep calls per
// lookup with one P, 0.4 and 0.07 with two and the tick kept moving.
func init() {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
}

// keepSchedTick keeps the calling thread's scheduler tick moving.
func keepSchedTick() { fluxrt.KeepSchedTick() }
