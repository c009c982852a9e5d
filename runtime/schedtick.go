package runtime

import "github.com/fluxgo/fluxgo/runtime/internal/schedtick"

// KeepSchedTick yields the calling goroutine if no goroutine has done so
// through it for a few milliseconds, so that Go's system monitor does not
// take the P of a goroutine (or C thread) that spends its time waiting in
// system calls or in C; see package runtime/internal/schedtick. The
// runtime calls it before it blocks; the C library also calls it on entry
// from C.
func KeepSchedTick() { schedtick.Keep() }
