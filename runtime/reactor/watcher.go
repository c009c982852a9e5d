package reactor

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
)

// Watcher is a flux_watcher_t: something a Reactor watches (an fd, a
// timer, a periodic time, the loop's prepare/check/idle phases, a signal,
// a path's stat data, or a handle). Watchers are created stopped and hold
// a reference on their reactor until destroyed. Every method is nil-safe
// and may be called from any goroutine (see Reactor).
//
// What a kind adds lives in its ops (fdOps, timerOps, ...); the methods
// that belong to one kind (FD, TimerReset, Signum, ...) give EINVAL or do
// nothing on the others.
type Watcher struct {
	r   *Reactor
	ops watcherOps
	cb  WatcherFunc

	// Guarded by r.mu.
	active      bool
	unref       bool
	destroyed   bool
	pendingMark bool // an event is queued for this iteration
	prio        int
	seq         uint64

	onDestroy []func()   // OnDestroy hooks, guarded by r.mu
	onRefChg  func(bool) // OnReferenceChange hook, guarded by r.mu
}

// phase orders the callbacks of one loop iteration: prepare watchers run
// before the wait; after it, check watchers, then periodic, timer, stat,
// signal, wake-up and fd watchers, and idle watchers only when nothing
// else was due (each group then by priority, see Run).
type phase int

const (
	phasePrepare phase = iota
	phaseCheck
	phasePeriodic
	phaseTimer
	phaseStat
	phaseSignal
	phaseWake
	phaseFD
	phaseIdle
	phaseNone // never due itself (handle watchers: their parts are)
	numPhases
)

// watcherOps is what each watcher kind supplies to the loop. Methods
// ending in Locked are called with the reactor's mu held, for an active
// watcher.
type watcherOps interface {
	phase() phase
	// armLocked sets the kind's state up when the watcher starts.
	armLocked(r *Reactor, w *Watcher)
	// waitLocked bounds the loop's next wait: (seconds, true), or
	// (_, false) for no bound.
	waitLocked(r *Reactor, w *Watcher) (float64, bool)
	// dueLocked reports whether the watcher fires after this wait, and
	// with which revents; fdRev holds the epoll events by fd.
	dueLocked(r *Reactor, w *Watcher, fdRev map[int]int) (int, bool)
}

// orderedOps orders the due watchers of a phase (timers by deadline,
// periodics by time).
type orderedOps interface {
	orderLocked(r *Reactor) float64
}

// firingOps is told that a due watcher fires (after ordering); it
// re-arms or stops the watcher and may drop the call (a stat watcher
// whose path did not change).
type firingOps interface {
	firedLocked(r *Reactor, w *Watcher) bool
}

// stoppingOps is told when an active watcher stops (to drop a pending
// wake-up).
type stoppingOps interface {
	stoppedLocked()
}

// hookOps runs code without the reactor's lock when a watcher starts or
// stops (signal watchers subscribe to os/signal).
type hookOps interface {
	afterStart(w *Watcher)
	afterStop(w *Watcher)
}

// compositeOps is a watcher made of other watchers (a handle watcher):
// its own state is theirs.
type compositeOps interface {
	start()
	stop()
	destroy()
	setUnref(v bool)
	isActive() bool
}

// newWatcher makes a stopped watcher with ops on r, taking a reference on
// r.
func (r *Reactor) newWatcher(ops watcherOps, cb WatcherFunc) (*Watcher, error) {
	if r == nil {
		return nil, einval()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, einval()
	}
	r.refs++
	return &Watcher{r: r, ops: ops, cb: cb}, nil
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
	if c, ok := w.ops.(compositeOps); ok {
		c.start()
		return
	}
	r := w.r
	r.mu.Lock()
	if w.destroyed || r.closed || w.active {
		r.mu.Unlock()
		return
	}
	w.ops.armLocked(r, w)
	r.startLocked(w)
	r.mu.Unlock()
	if h, ok := w.ops.(hookOps); ok {
		h.afterStart(w)
	}
}

// startLocked marks w active. Call with r.mu held.
func (r *Reactor) startLocked(w *Watcher) {
	w.active = true
	r.seq++
	w.seq = r.seq
	r.active = append(r.active, w)
	if _, ok := w.ops.(*fdOps); ok {
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
	if c, ok := w.ops.(compositeOps); ok {
		c.stop()
		return
	}
	r := w.r
	r.mu.Lock()
	was := w.active
	r.stopLocked(w)
	r.mu.Unlock()
	if h, ok := w.ops.(hookOps); ok && was {
		h.afterStop(w)
	}
}

// stopLocked marks w stopped. Call with r.mu held.
func (r *Reactor) stopLocked(w *Watcher) {
	w.pendingMark = false
	if s, ok := w.ops.(stoppingOps); ok {
		s.stoppedLocked()
	}
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
	if _, ok := w.ops.(*fdOps); ok {
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
	if c, ok := w.ops.(compositeOps); ok {
		c.destroy()
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
	if c, ok := w.ops.(compositeOps); ok {
		c.setUnref(v)
	}
	w.r.mu.Lock()
	w.unref = v
	w.r.wakeLocked()
	hook := w.onRefChg
	w.r.mu.Unlock()
	if hook != nil {
		hook(!v)
	}
}

// OnReferenceChange sets fn to be told, after each Ref or Unref, whether
// the watcher is now referenced (nil removes it). Bindings use it to keep
// a copy of that state where C code reads it.
func (w *Watcher) OnReferenceChange(fn func(referenced bool)) {
	if w == nil {
		return
	}
	w.r.mu.Lock()
	w.onRefChg = fn
	w.r.mu.Unlock()
}

// IsActive reports whether the watcher is started (flux_watcher_is_active).
func (w *Watcher) IsActive() bool {
	if w == nil {
		return false
	}
	if c, ok := w.ops.(compositeOps); ok {
		return c.isActive()
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
	if w == nil || w.ops.phase() != phaseCheck {
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
		return -1, einval()
	}
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	switch o := w.ops.(type) {
	case *periodicOps:
		return o.pat, nil
	case *timerOps:
		if w.active {
			return r.nowRT + o.at.Sub(r.nowMono).Seconds(), nil
		}
		return r.nowRT + o.after, nil
	}
	return -1, errno.New(syscall.EINVAL)
}
