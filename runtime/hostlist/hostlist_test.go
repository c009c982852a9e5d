package hostlist

import (
	"errors"
	"strings"
	"testing"
)

// The expected values are what flux-core 0.88's `flux hostlist -e` and
// `flux hostlist` print for the same input.
func TestDecodeEncode(t *testing.T) {
	for _, tc := range []struct{ in, hosts, enc string }{
		{"foo[0-2]", "foo0 foo1 foo2", "foo[0-2]"},
		{"foo[01-03],bar", "foo01 foo02 foo03 bar", "foo[01-03],bar"},
		{"foo1,foo2,bar,foo3", "foo1 foo2 bar foo3", "foo[1-2],bar,foo3"},
		{"foo1,foo3", "foo1 foo3", "foo[1,3]"},
		{"foo[1-2]bar", "foo1bar foo2bar", "foo1bar,foo2bar"},
		{"foo07,foo08,foo9,foo10", "foo07 foo08 foo9 foo10", "foo[07-08,9-10]"},
		{"foo[1-2],foo[2-3]", "foo1 foo2 foo2 foo3", "foo[1-2,2-3]"},
		{"foo1 foo2", "foo1 foo2", "foo[1-2]"},
		{"", "", ""},
	} {
		l, err := Decode(tc.in)
		if err != nil {
			t.Errorf("Decode(%q): %v", tc.in, err)
			continue
		}
		if got := strings.Join(l, " "); got != tc.hosts {
			t.Errorf("Decode(%q) = %q, want %q", tc.in, got, tc.hosts)
		}
		if got := l.Encode(); got != tc.enc {
			t.Errorf("Encode(%q) = %q, want %q", tc.in, got, tc.enc)
		}
	}
	for _, bad := range []string{"foo[", "foo[3-1]", "foo[]", "foo[a]", "foo]"} {
		if _, err := Decode(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("Decode(%q) = %v, want ErrSyntax", bad, err)
		}
	}
	l, _ := Decode("foo[0-2],foo1")
	if l.Find("foo1") != 1 || l.Find("foo9") != -1 {
		t.Errorf("Find: %d %d", l.Find("foo1"), l.Find("foo9"))
	}
	if h, ok := l.Nth(2); !ok || h != "foo2" {
		t.Errorf("Nth(2) = %q %v", h, ok)
	}
	if _, ok := l.Nth(4); ok {
		t.Error("Nth past the end")
	}
}

func TestIDSet(t *testing.T) {
	ids, err := DecodeIDSet("[0-2,4]")
	if err != nil || len(ids) != 4 || ids[0] != 0 || ids[3] != 4 {
		t.Fatalf("DecodeIDSet = %v, %v", ids, err)
	}
	if s := EncodeIDSet(ids); s != "0-2,4" {
		t.Fatalf("EncodeIDSet = %q", s)
	}
	// flux-core's idset_decode refuses these too.
	for _, bad := range []string{"foo2", "1-", "3-1", "[1", "1,,2", "2,0", "0,0", "0-2,1", "01", "1-1"} {
		if _, err := DecodeIDSet(bad); err == nil {
			t.Errorf("DecodeIDSet(%q) succeeded", bad)
		}
	}
}
