package runtime

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

const attrCacheKey = "flux::attr_cache"

// attrCache is a handle's attribute cache (kept in its aux container, so
// clones have their own): immutable values live for the handle's lifetime,
// others only until the next lookup of the same name.
type attrCache struct {
	mu        sync.Mutex
	immutable map[string]string
	temp      map[string]string
	iter      []string // names left to return by AttrCacheNext
}

// attrCache returns h's attribute cache, creating it on first use.
func (h *Handle) attrCache() *attrCache {
	v := h.auxGetOrCreate(attrCacheKey, func() any { return newAttrCache() })
	if c, ok := v.(*attrCache); ok {
		return c
	}
	// The key was overwritten by a caller; start a private cache.
	return newAttrCache()
}

// newAttrCache returns an empty attribute cache.
func newAttrCache() *attrCache {
	return &attrCache{immutable: map[string]string{}, temp: map[string]string{}}
}

// AttrGet returns a broker attribute (flux_attr_get): from h's cache of
// immutable values, else by a synchronous attr.get RPC whose result is
// cached (forever when the broker marks it immutable). Errors are the
// RPC's (ENOENT for an unknown attribute). With FLUX_PROXY_REMOTE set,
// "parent-uri" of the form local://PATH is returned as
// ssh://$FLUX_PROXY_REMOTE/PATH (cached as "parent-remote-uri").
func (h *Handle) AttrGet(name string) (string, error) {
	return h.AttrGetContext(context.Background(), name)
}

// AttrGetContext is AttrGet with a context for the attr.get RPC.
func (h *Handle) AttrGetContext(ctx context.Context, name string) (string, error) {
	if h == nil {
		return "", ErrnoError(syscall.EINVAL)
	}
	if name == "parent-uri" {
		if remote, ok := lookupEnv("FLUX_PROXY_REMOTE"); ok {
			return h.attrGetProxyRemote(ctx, remote)
		}
	}
	return h.attrGet(ctx, name)
}

// attrGet is AttrGet without the proxy-remote special case.
func (h *Handle) attrGet(ctx context.Context, name string) (string, error) {
	cache := h.attrCache()
	cache.mu.Lock()
	v, ok := cache.immutable[name]
	cache.mu.Unlock()
	if ok {
		return v, nil
	}
	req, err := JSONPayload(map[string]string{"name": name})
	if err != nil {
		return "", err
	}
	rep, err := h.rpcSync(ctx, "attr.get", msg.NodeIDAny, req)
	if err != nil {
		return "", err
	}
	var body struct {
		Value *string `json:"value"`
		Flags *int    `json:"flags"`
	}
	if decodeJSONPayload(rep.Payload, &body) != nil || body.Value == nil || body.Flags == nil {
		return "", ErrnoError(syscall.EPROTO)
	}
	cache.mu.Lock()
	if *body.Flags&1 != 0 {
		cache.immutable[name] = *body.Value
	} else {
		cache.temp[name] = *body.Value
	}
	cache.mu.Unlock()
	return *body.Value, nil
}

// attrGetProxyRemote implements the FLUX_PROXY_REMOTE rewrite of
// parent-uri.
func (h *Handle) attrGetProxyRemote(ctx context.Context, remote string) (string, error) {
	const key = "parent-remote-uri"
	cache := h.attrCache()
	cache.mu.Lock()
	v, ok := cache.immutable[key]
	cache.mu.Unlock()
	if ok {
		return v, nil
	}
	val, err := h.attrGet(ctx, "parent-uri")
	if err != nil {
		return "", err
	}
	if rest, ok := strings.CutPrefix(val, "local://"); ok {
		val = "ssh://" + remote + rest
	}
	cache.mu.Lock()
	cache.immutable[key] = val
	cache.mu.Unlock()
	return val, nil
}

// AttrSetCacheonly stores val as an immutable cached attribute of h
// without any RPC, or removes the cached value when val is nil
// (flux_attr_set_cacheonly).
func (h *Handle) AttrSetCacheonly(name string, val *string) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	cache := h.attrCache()
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if val == nil {
		delete(cache.immutable, name)
	} else {
		cache.immutable[name] = *val
	}
	return nil
}

// attrUint32 reads an attribute and converts it like strtoul(…, 10).
func (h *Handle) attrUint32(name string) (uint32, error) {
	v, err := h.AttrGet(name)
	if err != nil {
		return 0, err
	}
	return uint32(strtoul(v, 10)), nil
}

// GetRank returns the broker rank from the "rank" attribute
// (flux_get_rank).
func (h *Handle) GetRank() (uint32, error) { return h.attrUint32("rank") }

// GetSize returns the instance size from the "size" attribute
// (flux_get_size).
func (h *Handle) GetSize() (uint32, error) { return h.attrUint32("size") }

// strtoul converts s like C strtoul(s, NULL, base) with base 10 or 0:
// leading white space and a sign are accepted, conversion stops at the
// first invalid character, no digits yields 0, overflow yields the
// maximum, and a minus sign negates in unsigned arithmetic.
func strtoul(s string, base int) uint64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		switch {
		case i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
			i+2 < len(s) && isHexDigit(s[i+2]):
			base = 16
			i += 2
		case i < len(s) && s[i] == '0':
			base = 8
		default:
			base = 10
		}
	}
	var v uint64
	overflow := false
	for ; i < len(s); i++ {
		d, ok := digitValue(s[i])
		if !ok || d >= base {
			break
		}
		nv := v*uint64(base) + uint64(d)
		if v > (^uint64(0)-uint64(d))/uint64(base) {
			overflow = true
		}
		v = nv
	}
	if overflow {
		return ^uint64(0)
	}
	if neg {
		return -v
	}
	return v
}

func isHexDigit(c byte) bool {
	d, ok := digitValue(c)
	return ok && d < 16
}

func digitValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// rpcSync sends an RPC with a string payload (NUL added) and waits for
// its response under ctx; the future is destroyed before returning. An
// error response becomes an *Error with the response's errnum and text.
func (h *Handle) rpcSync(ctx context.Context, topic string, nodeid uint32, payload []byte) (*msg.Message, error) {
	f, err := h.RPC(topic, payload, nodeid, 0)
	if err != nil {
		return nil, err
	}
	return waitGet(ctx, f)
}

// AttrSet sets a broker attribute with an attr.set RPC and waits for the
// answer (flux_attr_set_ex); force adds "force":true. A nil val is EINVAL
// (flux-core rejects it too). Broker errors keep their text: ENOENT
// "unknown attribute", EINVAL "attribute may not be updated", EPERM
// "Request requires owner credentials". The local cache is not updated.
func (h *Handle) AttrSet(name string, val *string, force bool) error {
	return h.AttrSetContext(context.Background(), name, val, force)
}

// AttrSetContext is AttrSet with a context for the attr.set RPC.
func (h *Handle) AttrSetContext(ctx context.Context, name string, val *string, force bool) error {
	if h == nil || val == nil {
		return ErrnoError(syscall.EINVAL)
	}
	type body struct {
		Name  string `json:"name"`
		Value string `json:"value"`
		Force bool   `json:"force,omitempty"`
	}
	p, err := JSONPayload(body{Name: name, Value: *val, Force: force})
	if err != nil {
		return err
	}
	_, err = h.rpcSync(ctx, "attr.set", msg.NodeIDAny, p)
	return err
}

// AttrCacheFirst starts an iteration over the names in h's immutable
// attribute cache (flux_attr_cache_first), in sorted order; ok is false
// when the cache is empty.
func (h *Handle) AttrCacheFirst() (string, bool) {
	if h == nil {
		return "", false
	}
	cache := h.attrCache()
	cache.mu.Lock()
	names := make([]string, 0, len(cache.immutable))
	for k := range cache.immutable {
		names = append(names, k)
	}
	sort.Strings(names)
	cache.iter = names
	cache.mu.Unlock()
	return h.AttrCacheNext()
}

// AttrCacheNext returns the next name of the iteration started by
// AttrCacheFirst; ok is false at the end (flux_attr_cache_next).
func (h *Handle) AttrCacheNext() (string, bool) {
	if h == nil {
		return "", false
	}
	cache := h.attrCache()
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if len(cache.iter) == 0 {
		return "", false
	}
	name := cache.iter[0]
	cache.iter = cache.iter[1:]
	return name, true
}

// GetInstanceStarttime returns the instance start time in seconds since
// the epoch (flux_get_instance_starttime): the attribute broker.starttime
// asked of rank 0, not cached, parsed like strtod.
func (h *Handle) GetInstanceStarttime() (float64, error) {
	if h == nil {
		return 0, ErrnoError(syscall.EINVAL)
	}
	req, err := JSONPayload(map[string]string{"name": "broker.starttime"})
	if err != nil {
		return 0, err
	}
	rep, err := h.rpcSync(context.Background(), "attr.get", 0, req)
	if err != nil {
		return 0, err
	}
	var body struct {
		Value *string `json:"value"`
	}
	if decodeJSONPayload(rep.Payload, &body) != nil || body.Value == nil {
		return 0, ErrnoError(syscall.EPROTO)
	}
	return strtodPrefix(*body.Value), nil
}

// strtodPrefix parses the longest leading decimal number of s like strtod
// (0 when there is none).
func strtodPrefix(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	for n := len(s); n > 0; n-- {
		if v, err := strconv.ParseFloat(s[:n], 64); err == nil {
			return v
		}
	}
	return 0
}

// AttrSetValue is AttrSet without force (flux_attr_set).
func (h *Handle) AttrSetValue(name string, val *string) error {
	return h.AttrSet(name, val, false)
}

// AttrCacheFirstName is AttrCacheFirst for C: the first cached name, nil
// at the end (flux_attr_cache_first).
func (h *Handle) AttrCacheFirstName() *string {
	if s, ok := h.AttrCacheFirst(); ok {
		return &s
	}
	return nil
}

// AttrCacheNextName is AttrCacheNext for C (flux_attr_cache_next).
func (h *Handle) AttrCacheNextName() *string {
	if s, ok := h.AttrCacheNext(); ok {
		return &s
	}
	return nil
}
