package runtime

import (
	"errors"
	"syscall"
	"testing"
)

// loopWithHosts opens a loop:// handle whose cached "hostlist" attribute
// is hosts (loop:// has no broker to ask).
func loopWithHosts(t *testing.T, hosts string) *Handle {
	t.Helper()
	h, err := Open(strp("loop://"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	if err := h.AttrSetCacheonly("hostlist", &hosts); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHostByRank(t *testing.T) {
	h := loopWithHosts(t, "foo[0-2]")
	for rank, want := range map[uint32]string{0: "foo0", 2: "foo2", 3: "(null)",
		0xffffffff: "any", 0xfffffffe: "upstream"} {
		if got := h.GetHostByRank(rank); got != want {
			t.Errorf("GetHostByRank(%d) = %q, want %q", rank, got, want)
		}
	}
	var nilHandle *Handle
	if got := nilHandle.GetHostByRank(0); got != "(null)" {
		t.Errorf("nil handle: %q", got)
	}
	noMap, err := Open(strp("loop://"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer noMap.Close()
	if got := noMap.GetHostByRank(0); got != "(null)" {
		t.Errorf("no hostlist attribute: %q", got)
	}
}

func TestRankByHost(t *testing.T) {
	h := loopWithHosts(t, "foo[0-2]")
	if r, err := h.GetRankByHost("foo2"); err != nil || r != 2 {
		t.Fatalf("GetRankByHost(foo2) = %d, %v", r, err)
	}
	if _, err := h.GetRankByHost("foo3"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("GetRankByHost(foo3) = %v, want ENOENT", err)
	}
}

func TestHostmapLookup(t *testing.T) {
	h := loopWithHosts(t, "foo[0-2]")
	for _, tc := range []struct {
		in, want string
		errno    syscall.Errno
		text     string
	}{
		{in: "foo2", want: "2"},
		{in: "1-2", want: "foo[1-2]"},
		{in: "foo[0,2]", want: "0,2"},
		{in: "[0,2]", want: "foo[0,2]"},
		{in: "foo3", errno: syscall.ENOENT, text: "host foo3 not found in host map"},
		{in: "3", errno: syscall.ENOENT, text: "rank 3 is not in host map"},
		{in: "foo[", errno: syscall.EINVAL, text: "target must be a valid idset or hostlist"},
	} {
		got, err := h.HostmapLookup(tc.in)
		if tc.errno != 0 {
			if !errors.Is(err, tc.errno) || err.Error() != tc.text {
				t.Errorf("HostmapLookup(%q) = %q, %v; want %v %q", tc.in, got, err, tc.errno, tc.text)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("HostmapLookup(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
