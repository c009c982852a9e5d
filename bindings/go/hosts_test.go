package flux

import (
	"syscall"
	"testing"
)

func TestHostsBinding(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)
	host, err := h.Attr(ctx, "hostname")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := h.HostByRank(ctx, 0); err != nil || got != host {
		t.Fatalf("HostByRank(0) = %q, %v; want %q", got, err, host)
	}
	_, err = h.HostByRank(ctx, 1<<20)
	wantErr(t, err, syscall.ENOENT, "rank 1048576 is not in host map")
	if r, err := h.RankByHost(ctx, host); err != nil || r != 0 {
		t.Fatalf("RankByHost(%q) = %d, %v", host, r, err)
	}
	if s, err := h.HostmapLookup(ctx, "0"); err != nil || s != host {
		t.Fatalf("HostmapLookup(0) = %q, %v", s, err)
	}
	_, err = h.HostmapLookup(ctx, "no[")
	wantErr(t, err, syscall.EINVAL, "target must be a valid idset or hostlist")
}

func TestVersion(t *testing.T) {
	if CoreVersion != "0.88.0" || Version == "" || Version == CoreVersion {
		t.Fatalf("Version %q, CoreVersion %q", Version, CoreVersion)
	}
}
