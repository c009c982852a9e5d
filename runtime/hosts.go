package runtime

import (
	"context"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/hostlist"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Host names of broker ranks come from the broker's "hostlist" attribute,
// an RFC 29 hostlist whose n-th host is rank n's. It is read once per
// handle (clones have their own) and kept in the handle's aux container,
// as flux-core keeps it.

// hostMapKey is the aux key of a handle's decoded host map (flux-core's).
const hostMapKey = "flux::attr_hostlist"

// HostMap returns the handle's decoded "hostlist" attribute: the host of
// every rank, in rank order.
func (h *Handle) HostMap(ctx context.Context) (hostlist.List, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	if v, err := h.AuxGet(hostMapKey); err == nil {
		if l, ok := v.(hostlist.List); ok {
			return l, nil
		}
	}
	val, err := h.AttrGetContext(ctx, "hostlist")
	if err != nil {
		return nil, err
	}
	l, err := hostlist.Decode(val)
	if err != nil {
		return nil, Errorf(syscall.EINVAL, "hostlist attribute: %v", err)
	}
	key := hostMapKey
	_ = h.AuxSet(&key, l, nil)
	return l, nil
}

// GetHostByRank returns the host name of rank (flux_get_hostbyrank):
// "any" for FLUX_NODEID_ANY, "upstream" for FLUX_NODEID_UPSTREAM, and "(null)" when
// the rank or the host map is unknown, as flux-core returns.
func (h *Handle) GetHostByRank(rank uint32) string {
	switch rank {
	case msg.NodeIDAny:
		return "any"
	case msg.NodeIDUpstream:
		return "upstream"
	}
	l, err := h.HostMap(context.Background())
	if err != nil {
		return "(null)"
	}
	if host, ok := l.Nth(int(rank)); ok {
		return host
	}
	return "(null)"
}

// GetRankByHost returns the first rank whose host is host
// (flux_get_rankbyhost); ENOENT when there is none.
func (h *Handle) GetRankByHost(host string) (int, error) {
	return h.GetRankByHostContext(context.Background(), host)
}

// GetRankByHostContext is GetRankByHost with a context for reading the
// host map.
func (h *Handle) GetRankByHostContext(ctx context.Context, host string) (int, error) {
	l, err := h.HostMap(ctx)
	if err != nil {
		return -1, err
	}
	if r := l.Find(host); r >= 0 {
		return r, nil
	}
	return -1, Errorf(syscall.ENOENT, "host %s not found in host map", host)
}

// HostmapLookup maps targets both ways (flux_hostmap_lookup): an idset
// of ranks ("0-2") gives the hostlist of their hosts, a hostlist gives
// the idset of the ranks of its hosts. Failures carry flux-core's texts:
// ENOENT for a rank or host not in the map, EINVAL for anything else.
func (h *Handle) HostmapLookup(targets string) (string, error) {
	return h.HostmapLookupContext(context.Background(), targets)
}

// HostmapLookupContext is HostmapLookup with a context for reading the
// host map.
func (h *Handle) HostmapLookupContext(ctx context.Context, targets string) (string, error) {
	l, err := h.HostMap(ctx)
	if err != nil {
		return "", Errorf(ErrnoOf(err), "%s", StrError(ErrnoOf(err)))
	}
	if ranks, err := hostlist.DecodeIDSet(targets); err == nil {
		var hosts hostlist.List
		for _, r := range ranks {
			host, ok := l.Nth(int(r))
			if !ok {
				return "", Errorf(syscall.ENOENT, "rank %d is not in host map", r)
			}
			hosts = append(hosts, host)
		}
		return hosts.Encode(), nil
	}
	hosts, err := hostlist.Decode(targets)
	if err != nil {
		return "", Errorf(syscall.EINVAL, "target must be a valid idset or hostlist")
	}
	var ranks []uint32
	for _, host := range hosts {
		r := l.Find(host)
		if r < 0 {
			return "", Errorf(syscall.ENOENT, "host %s not found in host map", host)
		}
		ranks = append(ranks, uint32(r))
	}
	return hostlist.EncodeIDSet(ranks), nil
}
