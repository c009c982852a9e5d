package flux

import (
	"context"
	"fmt"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// configKey is the aux key under which a handle caches the instance's
// configuration.
const configKey = "fluxgo::config"

// Config is an instance's configuration: the JSON object the broker
// holds, merged from the TOML files of its configuration directory
// (tables are objects; a TOML datetime is {"iso-8601-ts": "..."}).
type Config struct {
	c *fluxrt.Conf
}

// Decode stores the configuration in the value pointed to by v as
// encoding/json would decode its JSON, so struct fields may carry json
// tags (`json:"tbon"`).
func (c *Config) Decode(v any) error {
	if c == nil || c.c == nil {
		return errNilHandle
	}
	if err := c.c.Decode(v); err != nil {
		return fmt.Errorf("config decode: %w", err)
	}
	return nil
}

// Object returns a copy of the configuration object.
func (c *Config) Object() map[string]any {
	if c == nil || c.c == nil {
		return map[string]any{}
	}
	return c.c.Object()
}

// JSON returns the configuration as compact JSON.
func (c *Config) JSON() string {
	if c == nil || c.c == nil {
		return "{}"
	}
	s, _ := c.c.JSON()
	return s
}

// Config returns the instance's configuration, asked of the broker
// (the config.get RPC) on first use and cached on the handle afterwards,
// as flux-core's Python bindings do; RefreshConfig asks again.
func (h *Handle) Config(ctx context.Context) (*Config, error) {
	if err := h.usable(); err != nil {
		return nil, opErr("config get", "", err)
	}
	if v, err := h.rt.AuxGet(configKey); err == nil {
		if c, ok := v.(*Config); ok {
			return c, nil
		}
	}
	return h.RefreshConfig(ctx)
}

// RefreshConfig asks the broker for the instance's configuration again
// and caches the answer on the handle.
func (h *Handle) RefreshConfig(ctx context.Context) (*Config, error) {
	if err := h.usable(); err != nil {
		return nil, opErr("config get", "", err)
	}
	m, err := h.RPC(ctx, "config.get", nil)
	if err != nil {
		return nil, fmt.Errorf("config get: %w", err)
	}
	conf, err := fluxrt.ConfFromJSON(m.Payload.Text())
	if err != nil {
		return nil, fmt.Errorf("config get: %w", err)
	}
	c := &Config{c: conf}
	key := configKey
	if err := h.rt.AuxSet(&key, c, nil); err != nil {
		return nil, fmt.Errorf("config get: %w", err)
	}
	return c, nil
}

// DecodeConfig decodes the instance's configuration (see Config) into
// the value pointed to by v.
func (h *Handle) DecodeConfig(ctx context.Context, v any) error {
	c, err := h.Config(ctx)
	if err != nil {
		return err
	}
	return c.Decode(v)
}
