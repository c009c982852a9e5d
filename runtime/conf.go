package runtime

import (
	"encoding/json"
	"sync"
	"syscall"
)

// confKey is the aux key under which a handle keeps its configuration.
const confKey = "flux::conf_object"

// Conf is a flux_conf_t: a configuration, a JSON object as flux-core's
// conf.h holds it (TOML tables are objects, TOML datetimes objects
// {"iso-8601-ts": "YYYY-MM-DDTHH:MM:SSZ"}). Values are JSON values as
// Go: map[string]any, []any, string, bool, int64 (JSON integers) and
// float64 (JSON reals). Conf objects are reference counted; methods are
// safe for concurrent use.
type Conf struct {
	mu        sync.Mutex
	refs      int
	obj       map[string]any
	onDestroy []func()
}

// NewConf returns an empty configuration holding one reference
// (flux_conf_create).
func NewConf() *Conf { return &Conf{refs: 1, obj: map[string]any{}} }

// newConf is NewConf.
func newConf() *Conf { return NewConf() }

// Incref takes another reference on c and returns c (flux_conf_incref).
func (c *Conf) Incref() *Conf {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if c.refs > 0 {
		c.refs++
	}
	c.mu.Unlock()
	return c
}

// Decref drops a reference (flux_conf_decref); the last one runs the
// destroy hooks.
func (c *Conf) Decref() {
	if c != nil {
		c.decref()
	}
}

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

// Copy returns a deep copy of c with one reference (flux_conf_copy).
func (c *Conf) Copy() (*Conf, error) {
	if c == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Conf{refs: 1, obj: confCopy(c.obj).(map[string]any)}, nil
}

// Object returns a deep copy of the configuration object.
func (c *Conf) Object() map[string]any {
	if c == nil {
		return map[string]any{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return confCopy(c.obj).(map[string]any)
}

// JSON returns the configuration as compact JSON, integers and reals
// told apart as jansson does (a real always has a '.' or an exponent).
func (c *Conf) JSON() (string, error) {
	if c == nil {
		return "", ErrnoError(syscall.EINVAL)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(confEncode(nil, c.obj)), nil
}

// Decode stores the configuration in the value pointed to by v, as
// encoding/json would decode its JSON (so struct fields may carry json
// tags).
func (c *Conf) Decode(v any) error {
	s, err := c.JSON()
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return Errorf(syscall.EINVAL, "decoding configuration: %v", err)
	}
	return nil
}

// ConfFromJSON makes a configuration, with one reference, from a JSON
// object (what flux_conf_pack packs); anything else is EINVAL.
func ConfFromJSON(s string) (*Conf, error) {
	v, err := confDecodeJSON([]byte(s))
	if err != nil {
		return nil, Errorf(syscall.EINVAL, "%v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(syscall.EINVAL, "configuration must be a JSON object")
	}
	return &Conf{refs: 1, obj: obj}, nil
}

// GetConf returns h's configuration, storing an empty one on first use
// (flux_get_conf). It belongs to the handle. As in flux-core, a client's
// handle has the empty configuration unless one was set with
// SetConfNew; the instance's configuration is read with the config.get
// RPC (see the Go binding's Handle.Config).
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
