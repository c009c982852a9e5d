package reactor

import "reflect"

// handleWatch is the machinery of a handle watcher, built like flux-core's
// from four internal watchers: before each wait a prepare watcher asks the
// handle for its events and, if some wanted ones are already there, starts
// an idle watcher (so the loop does not block), else an fd watcher on the
// handle's PollFD; after the wait a check watcher stops both, asks again
// and calls the user callback with the wanted events present. The
// internal watchers count as active watchers (prepare and check while the
// handle watcher is started).
type handleWatch struct {
	w      *Watcher // the user-visible watcher
	h      Source
	events int
	prep   *Watcher
	check  *Watcher
	idle   *Watcher
	fdw    *Watcher
}

// Source is what a handle watcher watches: in the runtime, a *Handle
// (flux_pollfd and flux_pollevents). PollFD is an edge-triggered
// descriptor that becomes readable when the events may have changed.
type Source interface {
	PollFD() (int, error)
	PollEvents() (int, error)
}

// handleWatch is the ops of a handle watcher: its state is that of its
// parts, so it is never active itself.
func (hw *handleWatch) phase() phase                                          { return phaseNone }
func (hw *handleWatch) armLocked(*Reactor, *Watcher)                          {}
func (hw *handleWatch) waitLocked(*Reactor, *Watcher) (float64, bool)         { return 0, false }
func (hw *handleWatch) dueLocked(*Reactor, *Watcher, map[int]int) (int, bool) { return 0, false }
func (hw *handleWatch) isActive() bool                                        { return hw.prep.IsActive() }

// NewHandleWatcher makes a watcher that calls cb when h has any of events
// (PollIn, PollOut; PollErr is always added) per PollEvents
// (flux_handle_watcher_create). revents is PollErr when PollEvents fails.
// A nil reactor or handle, or a handle whose PollFD fails, gives an
// error.
func (r *Reactor) NewHandleWatcher(h Source, events int, cb WatcherFunc) (*Watcher, error) {
	if r == nil || isNil(h) {
		return nil, einval()
	}
	fd, err := h.PollFD()
	if err != nil {
		return nil, err
	}
	hw := &handleWatch{h: h, events: events | PollErr}
	w, err := r.newWatcher(hw, cb)
	if err != nil {
		return nil, err
	}
	hw.w = w
	fail := func(err error) (*Watcher, error) {
		w.Destroy()
		return nil, err
	}
	if hw.prep, err = r.NewPrepareWatcher(hw.prepareCB); err != nil {
		return fail(err)
	}
	if hw.check, err = r.NewCheckWatcher(hw.checkCB); err != nil {
		return fail(err)
	}
	if hw.idle, err = r.NewIdleWatcher(nil); err != nil {
		return fail(err)
	}
	if hw.fdw, err = r.NewFDWatcher(fd, PollIn, nil); err != nil {
		return fail(err)
	}
	return w, nil
}

// Source returns what a handle watcher watches
// (flux_handle_watcher_get_flux); EINVAL for other watchers.
func (w *Watcher) Source() (Source, error) {
	if w == nil {
		return nil, einval()
	}
	hw, ok := w.ops.(*handleWatch)
	if !ok {
		return nil, einval()
	}
	return hw.h, nil
}

// isNil reports whether s is nil or a nil pointer in an interface.
func isNil(s Source) bool {
	if s == nil {
		return true
	}
	v := reflect.ValueOf(s)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// hevents returns the handle's current events, PollErr on failure.
func (hw *handleWatch) hevents() int {
	ev, err := hw.h.PollEvents()
	if err != nil {
		return PollErr
	}
	return ev
}

// prepareHook, when set (by tests), runs in prepareCB between asking the
// handle for its events and starting the part that waits for them: the
// window in which another goroutine may stop the handle watcher.
var prepareHook func()

func (hw *handleWatch) prepareCB(r *Reactor, _ *Watcher, _ int) {
	part := hw.fdw
	if hw.hevents()&hw.events != 0 {
		part = hw.idle
	}
	if prepareHook != nil {
		prepareHook()
	}
	hw.startPart(r, part)
}

// startPart starts the idle or fd part, but only while the handle watcher
// is still started: the check and the start happen under the reactor's
// lock, so a Stop or Destroy from another goroutine either comes first
// (and nothing starts) or comes after (and stops the part too). Without
// that, a part started just after a concurrent Stop stayed active on its
// own, and Run never returned for want of active watchers.
func (hw *handleWatch) startPart(r *Reactor, part *Watcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !hw.prep.active || hw.w.destroyed || part.destroyed || r.closed || part.active {
		return
	}
	part.ops.armLocked(r, part)
	r.startLocked(part)
}

func (hw *handleWatch) checkCB(r *Reactor, _ *Watcher, _ int) {
	hw.fdw.Stop()
	hw.idle.Stop()
	rev := hw.hevents() & hw.events
	if rev == 0 {
		return
	}
	w := hw.w
	r.mu.Lock()
	cb, dead := w.cb, w.destroyed
	r.mu.Unlock()
	if cb != nil && !dead {
		cb(r, w, rev)
	}
}

func (hw *handleWatch) start() {
	hw.prep.Start()
	hw.check.Start()
}

func (hw *handleWatch) stop() {
	if hw == nil {
		return
	}
	hw.prep.Stop()
	hw.check.Stop()
	hw.fdw.Stop()
	hw.idle.Stop()
}

func (hw *handleWatch) setUnref(v bool) {
	for _, x := range []*Watcher{hw.prep, hw.check, hw.idle, hw.fdw} {
		x.setUnref(v)
	}
}

func (hw *handleWatch) destroy() {
	hw.prep.Destroy()
	hw.check.Destroy()
	hw.idle.Destroy()
	hw.fdw.Destroy()
}
