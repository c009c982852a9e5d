package runtime

import (
	"math"
	"syscall"
	"time"
)

// watcherKind tells watcher kinds apart.
type watcherKind int

const (
	kindFD watcherKind = iota
	kindTimer
	kindPeriodic
	kindPrepare
	kindCheck
	kindIdle
	kindSignal
	kindStat
	kindHandle
	kindAsync // internal: fired from any goroutine
)

// Watcher is a flux_watcher_t: something a Reactor watches (an fd, a
// timer, a periodic time, the loop's prepare/check/idle phases, a signal,
// a path's stat data, or a Handle). Watchers are created stopped and hold
// a reference on their reactor until destroyed. Every method is nil-safe
// and may be called from any goroutine (see Reactor).
type Watcher struct {
	r    *Reactor
	kind watcherKind
	cb   WatcherFunc

	// Guarded by r.mu.
	active      bool
	unref       bool
	destroyed   bool
	pendingMark bool // an event is queued for this iteration
	fired       bool // signal/async: raised since last iteration
	prio        int
	seq         uint64

	fd     int // fd watchers
	events int

	after, repeat float64   // timers
	at            time.Time // timer and stat deadline (monotonic)

	offset, interval float64 // periodics
	resched          func(w *Watcher, now float64) float64
	pat              float64 // next periodic wall-clock time
	needResched      bool    // resched must compute pat on the loop

	signum int // signal watchers

	stat *statState // stat watchers

	hw *handleWatch // handle watchers

	onDestroy []func() // OnDestroy hooks, guarded by r.mu
}

// newWatcher makes a stopped watcher on r, taking a reference on r.
func (r *Reactor) newWatcher(kind watcherKind, cb WatcherFunc) (*Watcher, error) {
	if r == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrnoError(syscall.EINVAL)
	}
	r.refs++
	return &Watcher{r: r, kind: kind, cb: cb, fd: -1}, nil
}

// Reactor returns the watcher's reactor (nil for a nil watcher).
func (w *Watcher) Reactor() *Reactor {
	if w == nil {
		return nil
	}
	return w.r
}

// Start starts the watcher (flux_watcher_start); starting an active
// watcher does nothing, except for handle watchers which restart their
// internal parts.
func (w *Watcher) Start() {
	if w == nil {
		return
	}
	if w.kind == kindHandle {
		w.hw.start()
		return
	}
	var sig bool
	r := w.r
	r.mu.Lock()
	if w.destroyed || r.closed || w.active {
		r.mu.Unlock()
		return
	}
	switch w.kind {
	case kindTimer:
		w.at = r.nowMono.Add(durationOf(w.after))
	case kindPeriodic:
		if w.resched != nil {
			// Computed on the loop goroutine before the next wait.
			w.pat = math.Inf(1)
			w.needResched = true
		} else {
			w.pat = periodicFirst(w.offset, w.interval, r.nowRT)
		}
	case kindStat:
		w.at = r.nowMono.Add(durationOf(w.stat.interval))
		w.stat.cur = statPath(w.stat.path)
	case kindSignal:
		sig = true
	}
	r.startLocked(w)
	r.mu.Unlock()
	if sig {
		signalSubscribe(w)
	}
}

// startLocked marks w active. Call with r.mu held.
func (r *Reactor) startLocked(w *Watcher) {
	w.active = true
	r.seq++
	w.seq = r.seq
	r.active = append(r.active, w)
	if w.kind == kindFD {
		r.fdDirty = true
	}
	r.wakeLocked()
}

// Stop stops the watcher (flux_watcher_stop); a callback already due in
// the current loop iteration is dropped.
func (w *Watcher) Stop() {
	if w == nil {
		return
	}
	if w.kind == kindHandle {
		w.hw.stop()
		return
	}
	r := w.r
	r.mu.Lock()
	wasSig := w.kind == kindSignal && w.active
	r.stopLocked(w)
	r.mu.Unlock()
	if wasSig {
		signalUnsubscribe(w)
	}
}

// stopLocked marks w stopped. Call with r.mu held.
func (r *Reactor) stopLocked(w *Watcher) {
	w.pendingMark = false
	w.fired = false
	if !w.active {
		return
	}
	w.active = false
	for i, x := range r.active {
		if x == w {
			r.active = append(r.active[:i:i], r.active[i+1:]...)
			break
		}
	}
	if w.kind == kindFD {
		r.fdDirty = true
	}
	r.wakeLocked()
}

// Destroy stops the watcher and releases it and its reference on the
// reactor (flux_watcher_destroy). Later calls on it do nothing.
func (w *Watcher) Destroy() {
	if w == nil {
		return
	}
	w.Stop()
	r := w.r
	r.mu.Lock()
	if w.destroyed {
		r.mu.Unlock()
		return
	}
	w.destroyed = true
	hooks := w.onDestroy
	w.onDestroy = nil
	r.mu.Unlock()
	if w.kind == kindHandle {
		w.hw.destroy()
	}
	for _, fn := range hooks {
		fn()
	}
	r.Decref()
}

// OnDestroy registers fn to run once when w is destroyed (at once if it
// already was). Bindings use it to forget the names they gave the watcher.
func (w *Watcher) OnDestroy(fn func()) {
	if w == nil || fn == nil {
		return
	}
	r := w.r
	r.mu.Lock()
	if w.destroyed {
		r.mu.Unlock()
		fn()
		return
	}
	w.onDestroy = append(w.onDestroy, fn)
	r.mu.Unlock()
}

// Ref makes an active watcher count towards keeping Run going again
// (flux_watcher_ref).
func (w *Watcher) Ref() {
	w.setUnref(false)
}

// Unref makes the watcher not count towards keeping Run going
// (flux_watcher_unref); it still fires while Run runs for other reasons.
func (w *Watcher) Unref() {
	w.setUnref(true)
}

func (w *Watcher) setUnref(v bool) {
	if w == nil {
		return
	}
	if w.kind == kindHandle {
		w.hw.setUnref(v)
	}
	w.r.mu.Lock()
	w.unref = v
	w.r.wakeLocked()
	w.r.mu.Unlock()
}

// IsActive reports whether the watcher is started (flux_watcher_is_active).
func (w *Watcher) IsActive() bool {
	if w == nil {
		return false
	}
	if w.kind == kindHandle {
		return w.hw.prep.IsActive()
	}
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.active
}

// IsReferenced reports whether the watcher counts towards keeping Run
// going when active (flux_watcher_is_referenced); true for nil.
func (w *Watcher) IsReferenced() bool {
	if w == nil {
		return true
	}
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return !w.unref
}

// SetPriority sets the priority of a check watcher, clamped to [-2, 2]
// (flux_watcher_set_priority): among callbacks due in the same iteration,
// higher priorities run first. As in flux-core, other kinds ignore it.
func (w *Watcher) SetPriority(prio int) {
	if w == nil || w.kind != kindCheck {
		return
	}
	prio = min(max(prio, -2), 2)
	w.r.mu.Lock()
	w.prio = prio
	w.r.mu.Unlock()
}

// NextWakeup returns the wall-clock time a timer or periodic watcher fires
// next (flux_watcher_next_wakeup); other kinds give EINVAL.
func (w *Watcher) NextWakeup() (float64, error) {
	if w == nil {
		return -1, ErrnoError(syscall.EINVAL)
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	switch w.kind {
	case kindPeriodic:
		return w.pat, nil
	case kindTimer:
		if w.active {
			return r.nowRT + w.at.Sub(r.nowMono).Seconds(), nil
		}
		return r.nowRT + w.after, nil
	}
	return -1, ErrnoError(syscall.EINVAL)
}

// newAsync makes an internal watcher that any goroutine can fire with
// asyncSend; its callback then runs on the loop.
func (r *Reactor) newAsync(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(kindAsync, cb)
}

// asyncSend fires an async watcher (if active) and wakes the loop.
func (w *Watcher) asyncSend() {
	if w == nil {
		return
	}
	r := w.r
	r.mu.Lock()
	if w.active && !w.fired {
		w.fired = true
		r.wakeLocked()
	}
	r.mu.Unlock()
}

// fire marks a signal watcher raised and wakes the loop.
func (w *Watcher) fire() {
	w.asyncSend()
}
