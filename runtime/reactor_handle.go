package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/reactor"
)

// The reactor is package runtime/reactor; the handle core and the
// bindings use it under these names.
type (
	// Reactor is a flux_reactor_t (see package reactor).
	Reactor = reactor.Reactor
	// Watcher is a flux_watcher_t (see package reactor).
	Watcher = reactor.Watcher
	// WatcherFunc is a watcher callback (flux_watcher_f).
	WatcherFunc = reactor.WatcherFunc
)

// NewReactor creates a reactor (flux_reactor_create); flags must be 0.
func NewReactor(flags int) (*Reactor, error) { return reactor.New(flags) }

// ReactorTime returns the current wall-clock time in seconds
// (flux_reactor_time).
func ReactorTime() float64 { return reactor.Time() }

// NewHandleWatcher makes a watcher on r that calls cb when h has any of
// events (flux_handle_watcher_create; see Reactor.NewHandleWatcher).
func NewHandleWatcher(r *Reactor, h *Handle, events int, cb WatcherFunc) (*Watcher, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return r.NewHandleWatcher(h, events, cb)
}

// WatcherHandle returns the handle a handle watcher watches
// (flux_handle_watcher_get_flux); EINVAL for other watchers.
func WatcherHandle(w *Watcher) (*Handle, error) {
	src, err := w.Source()
	if err != nil {
		return nil, err
	}
	h, ok := src.(*Handle)
	if !ok {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return h, nil
}

// auxReactor is the aux key of a handle's reactor, as in flux-core.
const auxReactor = "flux::reactor"

// GetReactor returns the reactor of this handle (not its root), creating
// one on first use that is destroyed with the handle (flux_get_reactor).
// Clones have their own.
func (h *Handle) GetReactor() (*Reactor, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, err := h.aux.get(auxReactor); err == nil {
		if r, ok := v.(*Reactor); ok {
			return r, nil
		}
	}
	if h.destroyed {
		return nil, ErrnoError(syscall.EINVAL)
	}
	r, err := NewReactor(0)
	if err != nil {
		return nil, err
	}
	h.aux.add(auxItem{name: auxReactor, val: r, destroy: func(v any) { v.(*Reactor).Decref() }})
	return r, nil
}

// SetReactor makes r the reactor of this handle (flux_set_reactor); the
// handle does not take a reference. EEXIST when it already has one
// (including one made by GetReactor), EINVAL for nil arguments.
func (h *Handle) SetReactor(r *Reactor) error {
	if h == nil || r == nil {
		return ErrnoError(syscall.EINVAL)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.aux.get(auxReactor); err == nil {
		return ErrnoError(syscall.EEXIST)
	}
	h.aux.add(auxItem{name: auxReactor, val: r})
	return nil
}
