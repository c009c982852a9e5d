package job

import (
	"errors"
	"syscall"
	"testing"
)

// fluxCoreJ is what flux-core 0.88's sign_none_wrap produces for the
// payload {"a":1} and userid 1000.
const fluxCoreJ = "dmVyc2lvbgBpMQB1c2VyaWQAaTEwMDAAbWVjaGFuaXNtAHNub25lAA==.eyJhIjoxfQ==.none"

func TestSignNoneMatchesFluxCore(t *testing.T) {
	if J := SignNone([]byte(`{"a":1}`), 1000); J != fluxCoreJ {
		t.Fatalf("SignNone = %q\nflux-core gives %q", J, fluxCoreJ)
	}
	p, uid, err := UnwrapNone(fluxCoreJ)
	if err != nil || string(p) != `{"a":1}` || uid != 1000 {
		t.Fatalf("UnwrapNone = %q, %d, %v", p, uid, err)
	}
}

func TestUnwrapNoneRejects(t *testing.T) {
	for _, J := range []string{
		"", "abc", fluxCoreJ[:len(fluxCoreJ)-5], fluxCoreJ + "x",
		SignNone([]byte("x"), 1)[1:],
		"dmVyc2lvbgBpMgB1c2VyaWQAaTEwMDAAbWVjaGFuaXNtAHNub25lAA==.eyJhIjoxfQ==.none", // version i2
	} {
		if _, _, err := UnwrapNone(J); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("UnwrapNone(%q) = %v, want EINVAL", J, err)
		}
	}
}
