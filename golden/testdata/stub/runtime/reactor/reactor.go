// Package reactor is the stub runtime's reactor.
package reactor

// Reactor stands in for flux_reactor_t.
type Reactor struct{}

// Watcher stands in for flux_watcher_t.
type Watcher struct{ r *Reactor }

// WatcherFunc is a watcher callback.
type WatcherFunc func(loop *Reactor, w *Watcher, rev int)

// New makes a reactor.
func New() *Reactor { return &Reactor{} }

// NewTimerWatcher stands in for the timer constructor.
func (r *Reactor) NewTimerWatcher(delay, again float64, fn WatcherFunc) (*Watcher, error) {
	return &Watcher{r: r}, nil
}

// Start stands in for flux_watcher_start.
func (w *Watcher) Start() {}
