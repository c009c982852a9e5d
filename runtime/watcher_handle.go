package runtime

import "syscall"

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
	h      *Handle
	events int
	prep   *Watcher
	check  *Watcher
	idle   *Watcher
	fdw    *Watcher
}

// NewHandleWatcher makes a watcher that calls cb when h has any of events
// (PollIn, PollOut; PollErr is always added) per PollEvents
// (flux_handle_watcher_create). revents is PollErr when PollEvents fails.
// A nil reactor or handle, or a handle whose PollFD fails, gives an
// error.
func (r *Reactor) NewHandleWatcher(h *Handle, events int, cb WatcherFunc) (*Watcher, error) {
	if r == nil || h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	fd, err := h.PollFD()
	if err != nil {
		return nil, err
	}
	w, err := r.newWatcher(kindHandle, cb)
	if err != nil {
		return nil, err
	}
	hw := &handleWatch{w: w, h: h, events: events | PollErr}
	w.hw = hw
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

// Handle returns the handle of a handle watcher
// (flux_handle_watcher_get_flux); EINVAL for other watchers.
func (w *Watcher) Handle() (*Handle, error) {
	if w == nil || w.kind != kindHandle {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return w.hw.h, nil
}

// hevents returns the handle's current events, PollErr on failure.
func (hw *handleWatch) hevents() int {
	ev, err := hw.h.PollEvents()
	if err != nil {
		return PollErr
	}
	return ev
}

func (hw *handleWatch) prepareCB(r *Reactor, _ *Watcher, _ int) {
	if hw.hevents()&hw.events != 0 {
		hw.idle.Start()
	} else {
		hw.fdw.Start()
	}
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
