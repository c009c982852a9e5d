package msg

import (
	"syscall"
	"testing"
)

func TestTypeString(t *testing.T) {
	for _, tc := range []struct {
		t    uint8
		want string
	}{
		{TypeRequest, "request"},
		{TypeResponse, "response"},
		{TypeEvent, "event"},
		{TypeControl, "control"},
		{TypeAny, "request"}, // first bit tested wins
		{TypeResponse | TypeEvent, "response"},
		{TypeEvent | TypeControl, "event"},
		{0x18, "control"},
		{0, "unknown"},
		{0x10, "unknown"},
		{0xf0, "unknown"},
	} {
		if got := TypeString(tc.t); got != tc.want {
			t.Errorf("TypeString(%#x) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestRouteString(t *testing.T) {
	m, _ := New(TypeRequest)
	_, err := RouteString(m)
	wantErrno(t, err, syscall.EPROTO)
	_, err = RouteString(nil)
	wantErrno(t, err, syscall.EPROTO)

	m.EnableRoute()
	if s, err := RouteString(m); err != nil || s != "" {
		t.Fatalf("empty stack: %q, %v", s, err)
	}

	// The ids of service-two-clients.jsonl seq 5 (wire.md §1.4), pushed
	// as they travelled: caller first, broker last.
	for _, id := range []string{
		"263a8263-112e-4631-b62d-4c66e37e6d1a", // caller (originator)
		"e5209dae-275b-4128-81fb-c1497f1f7406", // connector-local module
		"2ae819df-b8de-473d-ae4a-04793be7abe7", // broker (last hop)
	} {
		if err := m.PushRoute(id); err != nil {
			t.Fatal(err)
		}
	}
	s, err := RouteString(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := "263a8263!e5209dae!2ae819df"; s != want {
		t.Fatalf("RouteString = %q, want %q", s, want)
	}

	// Short ids are kept whole; an id stops at a NUL as a C string would.
	m.DisableRoute()
	m.EnableRoute()
	_ = m.PushRoute("abc")
	_ = m.PushRoute("12345678")
	_ = m.PushRoute("x\x00yz")
	if s, _ := RouteString(m); s != "abc!12345678!x" {
		t.Fatalf("RouteString = %q", s)
	}
}
