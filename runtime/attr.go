package runtime

import (
	"encoding/json"
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
}

// attrCache returns h's attribute cache, creating it on first use.
func (h *Handle) attrCache() *attrCache {
	v := h.auxGetOrCreate(attrCacheKey, func() any {
		return &attrCache{immutable: map[string]string{}, temp: map[string]string{}}
	})
	if c, ok := v.(*attrCache); ok {
		return c
	}
	// The key was overwritten by a caller; start a private cache.
	return &attrCache{immutable: map[string]string{}, temp: map[string]string{}}
}

// AttrGet returns a broker attribute (flux_attr_get): from h's cache of
// immutable values, else by a synchronous attr.get RPC whose result is
// cached (forever when the broker marks it immutable). Errors are the
// RPC's (ENOENT for an unknown attribute). With FLUX_PROXY_REMOTE set,
// "parent-uri" of the form local://PATH is returned as
// ssh://$FLUX_PROXY_REMOTE/PATH (cached as "parent-remote-uri").
func (h *Handle) AttrGet(name string) (string, error) {
	if h == nil {
		return "", ErrnoError(syscall.EINVAL)
	}
	if name == "parent-uri" {
		if remote, ok := lookupEnv("FLUX_PROXY_REMOTE"); ok {
			return h.attrGetProxyRemote(remote)
		}
	}
	return h.attrGet(name)
}

// attrGet is AttrGet without the proxy-remote special case.
func (h *Handle) attrGet(name string) (string, error) {
	cache := h.attrCache()
	cache.mu.Lock()
	v, ok := cache.immutable[name]
	cache.mu.Unlock()
	if ok {
		return v, nil
	}
	req, err := json.Marshal(map[string]string{"name": name})
	if err != nil {
		return "", ErrnoError(syscall.EINVAL)
	}
	rep, err := h.rpcSync("attr.get", msg.NodeIDAny, string(req))
	if err != nil {
		return "", err
	}
	var body struct {
		Value *string `json:"value"`
		Flags *int    `json:"flags"`
	}
	s, ok, err := rep.String()
	if err != nil || !ok {
		return "", ErrnoError(syscall.EPROTO)
	}
	if json.Unmarshal([]byte(s), &body) != nil || body.Value == nil || body.Flags == nil {
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
func (h *Handle) attrGetProxyRemote(remote string) (string, error) {
	const key = "parent-remote-uri"
	cache := h.attrCache()
	cache.mu.Lock()
	v, ok := cache.immutable[key]
	cache.mu.Unlock()
	if ok {
		return v, nil
	}
	val, err := h.attrGet("parent-uri")
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

// rpcSync is the small internal request/response helper used until the
// RPC layer exists: it allocates a matchtag, sends a request with payload
// (a string, NUL added) to nodeid, receives the response with that tag and
// frees the tag. An error response becomes an *Error with the response's
// errnum and text. If no response arrives the tag is leaked, as an
// unfulfilled RPC future does.
func (h *Handle) rpcSync(topic string, nodeid uint32, payload string) (*msg.Message, error) {
	if h.core.isDestroying() {
		return nil, destroyedErr()
	}
	tag := h.MatchtagAlloc()
	if tag == MatchtagNone {
		return nil, ErrnoError(syscall.EAGAIN)
	}
	req, err := msg.New(msg.TypeRequest)
	if err != nil {
		h.MatchtagFree(tag)
		return nil, errnoErr(err)
	}
	req.SetTopic(topic)
	req.SetString(payload)
	req.EnableRoute()
	req.Aux1 = nodeid
	req.Aux2 = tag
	if err := h.Send(req, 0); err != nil {
		h.MatchtagFree(tag)
		return nil, err
	}
	rep, err := h.Recv(Match{TypeMask: int(msg.TypeResponse), Matchtag: tag}, 0)
	if err != nil {
		if h.core.root.FlagsGet()&OMatchdebug != 0 {
			diagf("MATCHDEBUG: unfulfilled RPC leaks matchtag=%d\n", tag)
		}
		return nil, err
	}
	h.MatchtagFree(tag)
	if errnum := rep.Errnum(); errnum != 0 {
		if s, ok, err := rep.String(); err == nil && ok && s != "" {
			return nil, Errorf(syscall.Errno(errnum), "%s", s)
		}
		return nil, ErrnoError(syscall.Errno(errnum))
	}
	return rep, nil
}
