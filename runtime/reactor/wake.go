package reactor

// wakeOps is the kind of wake watchers (and the raised flag signal
// watchers share): any goroutine raises it with Wake, and its callback
// then runs once on the loop.
type wakeOps struct {
	fired bool // raised since the last iteration; guarded by r.mu
}

func (o *wakeOps) phase() phase                 { return phaseWake }
func (o *wakeOps) armLocked(*Reactor, *Watcher) {}
func (o *wakeOps) stoppedLocked()               { o.fired = false }

// waitLocked: a raised watcher keeps the loop from blocking.
func (o *wakeOps) waitLocked(*Reactor, *Watcher) (float64, bool) { return 0, o.fired }

func (o *wakeOps) dueLocked(*Reactor, *Watcher, map[int]int) (int, bool) {
	due := o.fired
	o.fired = false
	return 0, due
}

// raised returns the flag of a wake or signal watcher.
func (w *Watcher) raised() *wakeOps {
	switch o := w.ops.(type) {
	case *wakeOps:
		return o
	case *signalOps:
		return &o.wakeOps
	}
	return nil
}

// NewWakeWatcher makes a watcher that any goroutine can raise with Wake;
// its callback then runs on the loop (not in flux-core's API: the runtime
// uses it to hand work to the goroutine running the reactor).
func (r *Reactor) NewWakeWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(&wakeOps{}, cb)
}

// Wake raises an active wake or signal watcher and wakes the loop; other
// watchers, and stopped ones, are ignored.
func (w *Watcher) Wake() {
	if w == nil {
		return
	}
	r := w.r
	r.mu.Lock()
	if o := w.raised(); o != nil && w.active && !o.fired {
		o.fired = true
		r.wakeLocked()
	}
	r.mu.Unlock()
}
