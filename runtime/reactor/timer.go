package reactor

import "time"

// timerOps is the kind of timer watchers.
type timerOps struct {
	after, repeat float64
	at            time.Time // deadline on the monotonic clock
}

func (o *timerOps) phase() phase { return phaseTimer }

func (o *timerOps) armLocked(r *Reactor, _ *Watcher) {
	o.at = r.nowMono.Add(durationOf(o.after))
}

func (o *timerOps) waitLocked(r *Reactor, _ *Watcher) (float64, bool) {
	return o.at.Sub(r.nowMono).Seconds(), true
}

func (o *timerOps) dueLocked(r *Reactor, _ *Watcher, _ map[int]int) (int, bool) {
	return 0, !o.at.After(r.nowMono)
}

func (o *timerOps) orderLocked(r *Reactor) float64 { return o.at.Sub(r.nowMono).Seconds() }

// firedLocked re-arms a repeating timer and stops a one-shot one.
func (o *timerOps) firedLocked(r *Reactor, w *Watcher) bool {
	if o.repeat > 0 {
		o.at = o.at.Add(durationOf(o.repeat))
		if o.at.Before(r.nowMono) {
			o.at = r.nowMono
		}
	} else {
		r.stopLocked(w)
	}
	return true
}

// NewTimerWatcher makes a timer that fires after seconds and then every
// repeat seconds, or only once when repeat is 0
// (flux_timer_watcher_create). Relative to the reactor's cached time (see
// Now). A one-shot timer is stopped before its callback runs. Negative
// values or a nil reactor give EINVAL.
func (r *Reactor) NewTimerWatcher(after, repeat float64, cb WatcherFunc) (*Watcher, error) {
	if after < 0 || repeat < 0 {
		return nil, einval()
	}
	return r.newWatcher(&timerOps{after: after, repeat: repeat}, cb)
}

// timer returns w's timer ops, nil for a nil or other watcher.
func (w *Watcher) timer() *timerOps {
	if w == nil {
		return nil
	}
	o, _ := w.ops.(*timerOps)
	return o
}

// TimerReset changes a timer's after and repeat values
// (flux_timer_watcher_reset). They take effect at the next Start; an
// active timer is re-armed at once to fire after seconds from now. Other
// watchers are ignored.
func (w *Watcher) TimerReset(after, repeat float64) {
	o := w.timer()
	if o == nil {
		return
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	o.after, o.repeat = max(after, 0), max(repeat, 0)
	if w.active {
		o.armLocked(r, w)
		r.wakeLocked()
	}
}

// TimerAgain restarts a repeating timer to fire repeat seconds from now,
// starting it if needed; a timer with repeat 0 is stopped
// (flux_timer_watcher_again). Other watchers are ignored.
func (w *Watcher) TimerAgain() {
	o := w.timer()
	if o == nil {
		return
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.destroyed {
		return
	}
	if o.repeat == 0 {
		r.stopLocked(w)
		return
	}
	o.at = r.nowMono.Add(durationOf(o.repeat))
	if !w.active {
		r.startLocked(w)
	}
	r.wakeLocked()
}
