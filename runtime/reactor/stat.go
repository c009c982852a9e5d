package reactor

import (
	"time"

	"golang.org/x/sys/unix"
)

// Polling intervals of stat watchers (libev's defaults).
const (
	defaultStatInterval = 5.0074891
	minStatInterval     = 0.1074891
)

// NewStatWatcher makes a watcher that polls path with stat(2) every
// interval seconds (0 picks 5 s; at least 0.1 s) and fires when the
// result changes, including the path appearing or disappearing (a failed
// stat reads as all zeros) (flux_stat_watcher_create). A nil reactor gives
// EINVAL.
func (r *Reactor) NewStatWatcher(path string, interval float64, cb WatcherFunc) (*Watcher, error) {
	switch {
	case interval <= 0:
		interval = defaultStatInterval
	case interval < minStatInterval:
		interval = minStatInterval
	}
	o := &statOps{path: path, interval: interval, cur: statPath(path)}
	o.prev = o.cur
	return r.newWatcher(o, cb)
}

// statOps is the kind of stat watchers.
type statOps struct {
	path     string
	interval float64
	at       time.Time // next poll, on the monotonic clock
	cur      unix.Stat_t
	prev     unix.Stat_t
}

func (o *statOps) phase() phase { return phaseStat }

func (o *statOps) armLocked(r *Reactor, _ *Watcher) {
	o.at = r.nowMono.Add(durationOf(o.interval))
	o.cur = statPath(o.path)
}

func (o *statOps) waitLocked(r *Reactor, _ *Watcher) (float64, bool) {
	return o.at.Sub(r.nowMono).Seconds(), true
}

func (o *statOps) dueLocked(r *Reactor, _ *Watcher, _ map[int]int) (int, bool) {
	return 0, !o.at.After(r.nowMono)
}

// firedLocked re-stats the path of a due stat watcher, re-arms it, and
// reports whether the result changed (only then does the callback run).
func (o *statOps) firedLocked(r *Reactor, _ *Watcher) bool {
	o.at = r.nowMono.Add(time.Duration(o.interval * float64(time.Second)))
	st := statPath(o.path)
	if st == o.cur {
		return false
	}
	o.prev = o.cur
	o.cur = st
	return true
}

// statPath stats path, giving a zero Stat_t on failure.
func statPath(path string) unix.Stat_t {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return unix.Stat_t{}
	}
	return st
}

// StatRstat returns a stat watcher's latest stat result and the one before
// it (flux_stat_watcher_get_rstat); EINVAL for other watchers.
func (w *Watcher) StatRstat() (stat, prev unix.Stat_t, err error) {
	if w == nil {
		return stat, prev, einval()
	}
	o, ok := w.ops.(*statOps)
	if !ok {
		return stat, prev, einval()
	}
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return o.cur, o.prev, nil
}
