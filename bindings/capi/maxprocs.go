package main

import (
	"os"
	"runtime"
)

// minProcs is the fewest Ps the library runs with.
//
// Every blocking wait of a C caller (flux_reactor_run's epoll_wait, the
// poll of a synchronous RPC) is a system call or cgo call holding the
// caller's P. With a single P (a host pinned to one CPU, e.g. taskset -c 0,
// makes that Go's default) the scheduler's monitor thread takes the P back
// from every wait longer than 20 µs and wakes a second thread to look for
// work that is not there; the waiter then has to get a P back when the
// wait ends, and the monitor, finding something to retake each time, keeps
// polling every 20 µs instead of backing off. That is a futex wake and
// sleep per wait plus a nanosleep every 20 µs, all on the one CPU the host
// and its broker share. With a second, idle P the monitor leaves a waiting
// P alone. Idle Ps cost nothing: threads are only started for work.
const minProcs = 2

func init() {
	if _, set := os.LookupEnv("GOMAXPROCS"); set {
		return
	}
	if runtime.GOMAXPROCS(0) < minProcs {
		runtime.GOMAXPROCS(minProcs)
	}
}
