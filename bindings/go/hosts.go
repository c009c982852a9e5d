package flux

import (
	"context"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// HostByRank returns the host name of a broker rank, from the instance's
// "hostlist" attribute (read once per handle). A rank the map does not
// have is ENOENT with flux-core's text.
func (h *Handle) HostByRank(ctx context.Context, rank uint32) (string, error) {
	if h == nil || h.rt == nil {
		return "", errNilHandle
	}
	l, err := h.rt.HostMap(ctx)
	if err != nil {
		return "", err
	}
	host, ok := l.Nth(int(rank))
	if !ok {
		return "", fluxrt.Errorf(syscall.ENOENT, "rank %d is not in host map", rank)
	}
	return host, nil
}

// RankByHost returns the first broker rank running on host; ENOENT when
// there is none.
func (h *Handle) RankByHost(ctx context.Context, host string) (int, error) {
	if h == nil || h.rt == nil {
		return -1, errNilHandle
	}
	return h.rt.GetRankByHostContext(ctx, host)
}

// HostmapLookup maps targets both ways, as `flux_hostmap_lookup`: an
// idset of ranks ("0-2") gives the hostlist of their hosts ("node[0-2]"),
// a hostlist gives the idset of its hosts' ranks.
func (h *Handle) HostmapLookup(ctx context.Context, targets string) (string, error) {
	if h == nil || h.rt == nil {
		return "", errNilHandle
	}
	return h.rt.HostmapLookupContext(ctx, targets)
}
