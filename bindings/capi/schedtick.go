package main

import fluxrt "github.com/fluxgo/fluxgo/runtime"

// The Go scheduler and C threads.
//
// A C thread that calls into the library runs Go code on an "extra" M
// bound to it, and on returning to C that M keeps its P in the system
// call state, so the next call takes it back cheaply. Its goroutine is
// never scheduled, so Go's system monitor would count that P as running
// one goroutine too long and take it whenever the thread blocks or is in
// C, waking a spare thread each time (fluxrt.KeepSchedTick explains it).
// keepSchedTick, called on every future call from C (lookupFuture), lets
// the runtime yield now and then so the monitor leaves the P alone. The
// other half, at least two Ps, is maxprocs.go.

// keepSchedTick keeps the calling thread's scheduler tick moving.
func keepSchedTick() { fluxrt.KeepSchedTick() }
