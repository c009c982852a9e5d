package runtime

// NewPrepareWatcher makes a watcher whose callback runs at the start of
// every loop iteration, before the loop waits (flux_prepare_watcher_create).
func (r *Reactor) NewPrepareWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(kindPrepare, cb)
}

// NewCheckWatcher makes a watcher whose callback runs in every loop
// iteration after the wait (flux_check_watcher_create). Its priority can be
// changed with SetPriority.
func (r *Reactor) NewCheckWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(kindCheck, cb)
}

// NewIdleWatcher makes a watcher whose callback runs in loop iterations in
// which nothing else was due; while it is active the loop never blocks
// (flux_idle_watcher_create).
func (r *Reactor) NewIdleWatcher(cb WatcherFunc) (*Watcher, error) {
	return r.newWatcher(kindIdle, cb)
}
