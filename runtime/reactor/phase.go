package reactor

// phaseOps is the kind of prepare, check and idle watchers: they fire in
// their phase of every iteration while active.
type phaseOps struct{ p phase }

func (o *phaseOps) phase() phase                 { return o.p }
func (o *phaseOps) armLocked(*Reactor, *Watcher) {}
func (o *phaseOps) dueLocked(*Reactor, *Watcher, map[int]int) (int, bool) {
	return 0, o.p != phasePrepare // prepare watchers are collected before the wait
}

// waitLocked: an active idle watcher keeps the loop from blocking.
func (o *phaseOps) waitLocked(*Reactor, *Watcher) (float64, bool) {
	return 0, o.p == phaseIdle
}

// NewPrepareWatcher makes a watcher whose callback runs at the start of
// every loop iteration, before the loop waits (flux_prepare_watcher_create).
func (r *Reactor) NewPrepareWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(&phaseOps{phasePrepare}, cb)
}

// NewCheckWatcher makes a watcher whose callback runs in every loop
// iteration after the wait (flux_check_watcher_create). Its priority can be
// changed with SetPriority.
func (r *Reactor) NewCheckWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(&phaseOps{phaseCheck}, cb)
}

// NewIdleWatcher makes a watcher whose callback runs in loop iterations in
// which nothing else was due; while it is active the loop never blocks
// (flux_idle_watcher_create).
func (r *Reactor) NewIdleWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(&phaseOps{phaseIdle}, cb)
}
