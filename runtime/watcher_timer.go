package runtime

import "syscall"

// NewTimerWatcher makes a timer that fires after seconds and then every
// repeat seconds, or only once when repeat is 0
// (flux_timer_watcher_create). Relative to the reactor's cached time (see
// Now). A one-shot timer is stopped before its callback runs. Negative
// values or a nil reactor give EINVAL.
func (r *Reactor) NewTimerWatcher(after, repeat float64, cb WatcherFunc) (*Watcher, error) {
	if after < 0 || repeat < 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	w, err := r.newWatcher(kindTimer, cb)
	if err != nil {
		return nil, err
	}
	w.after, w.repeat = after, repeat
	return w, nil
}

// TimerReset changes a timer's after and repeat values
// (flux_timer_watcher_reset). They take effect at the next Start; an
// active timer is re-armed at once to fire after seconds from now. Other
// watchers are ignored.
func (w *Watcher) TimerReset(after, repeat float64) {
	if w == nil || w.kind != kindTimer {
		return
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	w.after, w.repeat = max(after, 0), max(repeat, 0)
	if w.active {
		w.at = r.nowMono.Add(durationOf(w.after))
		r.wakeLocked()
	}
}

// TimerAgain restarts a repeating timer to fire repeat seconds from now,
// starting it if needed; a timer with repeat 0 is stopped
// (flux_timer_watcher_again). Other watchers are ignored.
func (w *Watcher) TimerAgain() {
	if w == nil || w.kind != kindTimer {
		return
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.destroyed {
		return
	}
	if w.repeat == 0 {
		r.stopLocked(w)
		return
	}
	w.at = r.nowMono.Add(durationOf(w.repeat))
	if !w.active {
		r.startLocked(w)
	}
	r.wakeLocked()
}
