package reactor

import "math"

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
		return nil, einval()
	}
	return r.newWatcher(&periodicOps{offset: offset, interval: interval, resched: resched}, cb)
}

// periodicOps is the kind of periodic watchers.
type periodicOps struct {
	offset, interval float64
	resched          func(w *Watcher, now float64) float64
	pat              float64 // next wall-clock firing time
	needResched      bool    // resched must compute pat on the loop
}

func (o *periodicOps) phase() phase { return phasePeriodic }

func (o *periodicOps) armLocked(r *Reactor, _ *Watcher) {
	if o.resched != nil {
		// Computed on the loop goroutine before the next wait.
		o.pat = math.Inf(1)
		o.needResched = true
	} else {
		o.pat = periodicFirst(o.offset, o.interval, r.nowRT)
	}
}

func (o *periodicOps) waitLocked(r *Reactor, _ *Watcher) (float64, bool) {
	return o.pat - r.nowRT, true
}

func (o *periodicOps) dueLocked(r *Reactor, _ *Watcher, _ map[int]int) (int, bool) {
	return 0, o.pat <= r.nowRT
}

func (o *periodicOps) orderLocked(*Reactor) float64 { return o.pat }

// firedLocked schedules the next firing of a periodic that is due:
// recomputed by its resched function on the loop goroutine, the next
// interval step, or stopped for a one-shot.
func (o *periodicOps) firedLocked(r *Reactor, w *Watcher) bool {
	switch {
	case o.resched != nil:
		o.pat = math.Inf(1)
		o.needResched = true
	case o.interval > 0:
		o.pat = periodicNext(o.offset, o.interval, r.nowRT)
	default:
		r.stopLocked(w)
	}
	return true
}

// PeriodicReset changes a periodic watcher's schedule and (re)starts it
// (flux_periodic_watcher_reset). Other watchers are ignored.
func (w *Watcher) PeriodicReset(next, interval float64, resched func(w *Watcher, now float64) float64) {
	if w == nil {
		return
	}
	o, ok := w.ops.(*periodicOps)
	if !ok {
		return
	}
	w.Stop()
	w.r.mu.Lock()
	o.offset, o.interval, o.resched = next, max(interval, 0), resched
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

// reschedule calls the resched functions of periodics that need a new
// time, with no lock held.
func (r *Reactor) reschedule() {
	r.mu.Lock()
	var ws []*Watcher
	for _, w := range r.active {
		if o, ok := w.ops.(*periodicOps); ok && o.needResched {
			ws = append(ws, w)
		}
	}
	now := r.nowRT
	r.mu.Unlock()
	for _, w := range ws {
		o := w.ops.(*periodicOps)
		r.mu.Lock()
		fn := o.resched
		ok := w.active && o.needResched && fn != nil
		r.mu.Unlock()
		if !ok {
			continue
		}
		at := fn(w, now)
		r.mu.Lock()
		if w.active && o.needResched {
			o.needResched = false
			if at < now {
				r.stopLocked(w)
			} else {
				o.pat = at
			}
		}
		r.mu.Unlock()
	}
}
