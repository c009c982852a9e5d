package runtime

import (
	"sync"
	"syscall"
)

// confKey is the aux key under which a handle keeps its configuration.
const confKey = "flux::conf_object"

// Conf is a flux_conf_t: the broker configuration a handle carries. fluxgo
// does not implement flux-core's conf.h (parsing TOML, unpacking values),
// so a Conf made here is always the empty configuration; it exists so
// that flux_get_conf and flux_set_conf_new behave as flux-core's do.
// Conf objects are reference counted; methods are safe for concurrent
// use.
type Conf struct {
	mu        sync.Mutex
	refs      int
	onDestroy []func()
}

// newConf returns an empty configuration holding one reference.
func newConf() *Conf { return &Conf{refs: 1} }

// decref drops a reference; the last one runs the destroy hooks.
func (c *Conf) decref() {
	c.mu.Lock()
	if c.refs <= 0 {
		c.mu.Unlock()
		return
	}
	c.refs--
	var hooks []func()
	if c.refs == 0 {
		hooks, c.onDestroy = c.onDestroy, nil
	}
	c.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// OnDestroy registers fn to run once when c's last reference is dropped
// (at once if that already happened).
func (c *Conf) OnDestroy(fn func()) {
	if c == nil || fn == nil {
		return
	}
	c.mu.Lock()
	if c.refs <= 0 {
		c.mu.Unlock()
		fn()
		return
	}
	c.onDestroy = append(c.onDestroy, fn)
	c.mu.Unlock()
}

// GetConf returns h's configuration, storing an empty one on first use
// (flux_get_conf). It belongs to the handle.
func (h *Handle) GetConf() (*Conf, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return h.auxGetOrCreateWith(confKey, func() (any, func(any)) {
		return newConf(), func(v any) { v.(*Conf).decref() }
	}).(*Conf), nil
}

// SetConfNew gives h the configuration c, taking over the caller's
// reference (flux_set_conf_new); nil removes it, so that GetConf makes an
// empty one again.
func (h *Handle) SetConfNew(c *Conf) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	key := confKey
	if c == nil {
		return h.AuxSet(&key, nil, nil)
	}
	return h.AuxSet(&key, c, func(v any) { v.(*Conf).decref() })
}
