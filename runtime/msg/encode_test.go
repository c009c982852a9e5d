package msg

import (
	"bytes"
	"strings"
	"syscall"
	"testing"
)

// attrGetRequest is the message of wire.md §6.1.
func attrGetRequest(t testing.TB) *Message {
	t.Helper()
	m, err := New(TypeRequest)
	if err != nil {
		t.Fatal(err)
	}
	m.EnableRoute()
	m.SetTopic("attr.get")
	m.SetString(`{"name":"rank"}`)
	m.Aux2 = 1
	return m
}

func TestEncodeAttrGetRequest(t *testing.T) {
	// Body of wire.md §6.1 (the stream header is the first 8 bytes there).
	want := mustHex(t, "0008617474722e676574107b226e616d65223a2272616e6b227d00148e01010bffffffff00000000ffffffff00000001")
	m := attrGetRequest(t)
	got, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode:\n got %x\nwant %x", got, want)
	}
	if n := EncodedSize(m); n != len(want) {
		t.Fatalf("EncodedSize = %d, want %d", n, len(want))
	}
	if cap(got) != len(got) {
		t.Fatalf("Encode result has cap %d for len %d", cap(got), len(got))
	}
}

func TestEncodeRouteOrder(t *testing.T) {
	m, _ := New(TypeRequest)
	m.EnableRoute()
	for _, id := range []string{"origin", "middle", "last"} {
		if err := m.PushRoute(id); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	// Most recent hop first, originator just before the delimiter.
	want := frames([]byte("last"), []byte("middle"), []byte("origin"), nil,
		protoBytes(TypeRequest, FlagRoute, UseridUnknown, 0, NodeIDAny, 0))
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x\nwant %x", got, want)
	}
}

func TestEncodeLengthForms(t *testing.T) {
	// wire.md §1.5: an event with a 254-byte payload encodes to 276 bytes,
	// with 255 bytes to 281 (the 5-byte length form starts at 255).
	for _, tc := range []struct {
		size, want int
		prefix     []byte
	}{
		{0, 0, nil},
		{1, 2 + 21, []byte{1}},
		{254, 276, []byte{0xfe}},
		{255, 281, []byte{0xff, 0, 0, 0, 0xff}},
		{256, 282, []byte{0xff, 0, 0, 1, 0}},
		{70000, 70000 + 5 + 21, []byte{0xff, 0, 1, 0x11, 0x70}},
	} {
		m, _ := New(TypeEvent)
		if tc.size > 0 {
			m.SetPayload(bytes.Repeat([]byte{'x'}, tc.size))
		}
		b, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if tc.size == 0 {
			if len(b) != 21 {
				t.Fatalf("no payload: %d bytes, want 21", len(b))
			}
			continue
		}
		if len(b) != tc.want || EncodedSize(m) != tc.want {
			t.Fatalf("payload %d: len %d EncodedSize %d, want %d", tc.size, len(b), EncodedSize(m), tc.want)
		}
		if !bytes.Equal(b[:len(tc.prefix)], tc.prefix) {
			t.Fatalf("payload %d: prefix %x, want %x", tc.size, b[:len(tc.prefix)], tc.prefix)
		}
	}
}

func TestEncodeFlagsSelectParts(t *testing.T) {
	// Parts whose flag is clear are not written, whatever the fields hold.
	m := &Message{Type: TypeResponse, Topic: "ignored", Payload: []byte("ignored"), Routes: []string{"r"}, Aux1: 38}
	got, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := frames(protoBytes(TypeResponse, 0, 0, 0, 38, 0))
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x want %x", got, want)
	}

	// A zero-length payload with the flag set is written as an empty frame.
	m = &Message{Type: TypeEvent, Flags: FlagPayload}
	got, err = Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want = frames(nil, protoBytes(TypeEvent, FlagPayload, 0, 0, 0, 0))
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x want %x", got, want)
	}
}

func TestEncodeTopicStopsAtNUL(t *testing.T) {
	m, _ := New(TypeEvent)
	m.SetTopic("a.b\x00junk")
	got, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := frames([]byte("a.b"), protoBytes(TypeEvent, FlagTopic, UseridUnknown, 0, 0, 0))
	if !bytes.Equal(got, want) || EncodedSize(m) != len(want) {
		t.Fatalf("got %x (EncodedSize %d) want %x", got, EncodedSize(m), want)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     *Message
		errno syscall.Errno
	}{
		{"nil", nil, syscall.EINVAL},
		{"type 0", &Message{Type: 0}, syscall.EPROTO},
		{"type any", &Message{Type: TypeAny}, syscall.EPROTO},
		{"type 3", &Message{Type: 3}, syscall.EPROTO},
		{"type 0x10", &Message{Type: 0x10}, syscall.EPROTO},
		{"empty route", &Message{Type: TypeRequest, Flags: FlagRoute, Routes: []string{"a", ""}}, syscall.EINVAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := AppendEncode(dst, tc.m)
			wantErrno(t, err, tc.errno)
			if string(out) != "keep" {
				t.Fatalf("dst changed on error: %q", out)
			}
			b, err := Encode(tc.m)
			wantErrno(t, err, tc.errno)
			if b != nil {
				t.Fatalf("Encode returned %x with an error", b)
			}
		})
	}
	// An empty route id is fine when routing is off: routes are not sent.
	if _, err := Encode(&Message{Type: TypeRequest, Routes: []string{""}}); err != nil {
		t.Fatalf("routes without FlagRoute: %v", err)
	}
}

func TestEncodeSizeLimit(t *testing.T) {
	m, _ := New(TypeEvent)
	m.SetPayload(make([]byte, 100))
	n := EncodedSize(m)
	if _, err := checkEncodable(m, uint64(n)); err != nil {
		t.Fatalf("size exactly at the limit: %v", err)
	}
	_, err := checkEncodable(m, uint64(n-1))
	wantErrno(t, err, syscall.EMSGSIZE)
}

func TestAppendEncodeAppends(t *testing.T) {
	m := attrGetRequest(t)
	alone, _ := Encode(m)
	out, err := AppendEncode([]byte("prefix"), m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "prefix") || !bytes.Equal(out[6:], alone) {
		t.Fatalf("AppendEncode = %x", out)
	}
}

func TestAppendEncodeNoAlloc(t *testing.T) {
	m := attrGetRequest(t)
	m.EnableRoute()
	_ = m.PushRoute("8b5a95ce-53bc-4a0a-874c-03ebfcd78cc6")
	m.SetPayload(bytes.Repeat([]byte{1}, 300)) // long length form too
	buf := make([]byte, 0, EncodedSize(m))
	allocs := testing.AllocsPerRun(100, func() {
		out, err := AppendEncode(buf[:0], m)
		if err != nil || len(out) != cap(buf) {
			t.Fatalf("AppendEncode: len %d err %v", len(out), err)
		}
	})
	if allocs != 0 {
		t.Fatalf("AppendEncode with enough capacity allocated %v times per run", allocs)
	}
}

func TestEncodedSizeNil(t *testing.T) {
	if n := EncodedSize(nil); n != 0 {
		t.Fatalf("EncodedSize(nil) = %d", n)
	}
}
