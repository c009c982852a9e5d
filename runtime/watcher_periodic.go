package runtime

import (
	"math"
	"syscall"
)

// minPeriodicInterval keeps a tiny interval from spinning the loop.
const minPeriodicInterval = 1.0 / 8192

// NewPeriodicWatcher makes a watcher that fires at wall-clock times
// (flux_periodic_watcher_create): with resched set, at the time it returns
// (called with the current time when the watcher starts and after each
// firing; a time in the past stops the watcher); else with interval > 0,
// at offset + k*interval for the next k; else once, at time offset.
// Negative offset or interval, or a nil reactor, give EINVAL.
func (r *Reactor) NewPeriodicWatcher(offset, interval float64, resched func(w *Watcher, now float64) float64, cb WatcherFunc) (*Watcher, error) {
	if offset < 0 || interval < 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	w, err := r.newWatcher(kindPeriodic, cb)
	if err != nil {
		return nil, err
	}
	w.offset, w.interval, w.resched = offset, interval, resched
	return w, nil
}

// PeriodicReset changes a periodic watcher's schedule and (re)starts it
// (flux_periodic_watcher_reset). Other watchers are ignored.
func (w *Watcher) PeriodicReset(next, interval float64, resched func(w *Watcher, now float64) float64) {
	if w == nil || w.kind != kindPeriodic {
		return
	}
	w.Stop()
	w.r.mu.Lock()
	w.offset, w.interval, w.resched = next, max(interval, 0), resched
	w.r.mu.Unlock()
	w.Start()
}

// periodicFirst returns the first firing time at or after now.
func periodicFirst(offset, interval, now float64) float64 {
	if interval <= 0 {
		return offset
	}
	return periodicNext(offset, interval, now)
}

// periodicNext returns the first offset + k*interval after now.
func periodicNext(offset, interval, now float64) float64 {
	interval = max(interval, minPeriodicInterval)
	at := offset + interval*math.Floor((now-offset)/interval)
	for at <= now {
		at += interval
	}
	return at
}

// periodicAdvanceLocked schedules the next firing of a periodic that just
// fired: recomputed by its resched function on the loop goroutine, the
// next interval step, or stopped for a one-shot.
func (r *Reactor) periodicAdvanceLocked(w *Watcher) {
	switch {
	case w.resched != nil:
		w.pat = math.Inf(1)
		w.needResched = true
	case w.interval > 0:
		w.pat = periodicNext(w.offset, w.interval, r.nowRT)
	default:
		r.stopLocked(w)
	}
}

// reschedule calls the resched functions of periodics that need a new
// time, with no lock held.
func (r *Reactor) reschedule() {
	r.mu.Lock()
	var ws []*Watcher
	for _, w := range r.active {
		if w.kind == kindPeriodic && w.needResched {
			ws = append(ws, w)
		}
	}
	now := r.nowRT
	r.mu.Unlock()
	for _, w := range ws {
		r.mu.Lock()
		fn := w.resched
		ok := w.active && w.needResched && fn != nil
		r.mu.Unlock()
		if !ok {
			continue
		}
		at := fn(w, now)
		r.mu.Lock()
		if w.active && w.needResched {
			w.needResched = false
			if at < now {
				r.stopLocked(w)
			} else {
				w.pat = at
			}
		}
		r.mu.Unlock()
	}
}
