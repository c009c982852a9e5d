package runtime

import "syscall"

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
