package runtime

import (
	"syscall"
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
	w, err := r.newWatcher(kindStat, cb)
	if err != nil {
		return nil, err
	}
	switch {
	case interval <= 0:
		interval = defaultStatInterval
	case interval < minStatInterval:
		interval = minStatInterval
	}
	w.stat = &statState{path: path, interval: interval, cur: statPath(path)}
	w.stat.prev = w.stat.cur
	return w, nil
}

// statPath stats path, giving a zero Stat_t on failure.
func statPath(path string) unix.Stat_t {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return unix.Stat_t{}
	}
	return st
}

// statPollLocked re-stats the path of a due stat watcher, re-arms it, and
// reports whether the result changed.
func (w *Watcher) statPollLocked(r *Reactor) bool {
	w.at = r.nowMono.Add(time.Duration(w.stat.interval * float64(time.Second)))
	st := statPath(w.stat.path)
	if st == w.stat.cur {
		return false
	}
	w.stat.prev = w.stat.cur
	w.stat.cur = st
	return true
}

// StatRstat returns a stat watcher's latest stat result and the one before
// it (flux_stat_watcher_get_rstat); EINVAL for other watchers.
func (w *Watcher) StatRstat() (stat, prev unix.Stat_t, err error) {
	if w == nil || w.kind != kindStat {
		return stat, prev, ErrnoError(syscall.EINVAL)
	}
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.stat.cur, w.stat.prev, nil
}

// statState is what a stat watcher keeps: kept apart so that other
// watchers do not carry two stat buffers.
type statState struct {
	path     string
	interval float64
	cur      unix.Stat_t
	prev     unix.Stat_t
}
