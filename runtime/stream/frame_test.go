package stream

import (
	"bytes"
	"encoding/hex"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestAppendFrameAttrGet(t *testing.T) {
	// wire.md §6.1, stream header included.
	want, _ := hex.DecodeString("1200eeff000000300008617474722e676574107b226e616d65223a2272616e6b227d00148e01010bffffffff00000000ffffffff00000001")
	m := testMessage(t, "attr.get", 1, nil)
	m.SetString(`{"name":"rank"}`)
	got, err := AppendFrame(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %x\nwant %x", got, want)
	}
}

func TestAppendFrameHeaderLayout(t *testing.T) {
	m := testMessage(t, "t", 2, bytes.Repeat([]byte{7}, 300))
	b, err := AppendFrame([]byte{0xaa}, m)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0xaa {
		t.Fatalf("existing dst bytes lost")
	}
	h := b[1:]
	if !bytes.Equal(h[:4], []byte{0x12, 0x00, 0xee, 0xff}) {
		t.Fatalf("magic bytes %x, want 12 00 ee ff", h[:4])
	}
	n := int(h[4])<<24 | int(h[5])<<16 | int(h[6])<<8 | int(h[7])
	if n != len(h)-HeaderSize || n != msg.EncodedSize(m) {
		t.Fatalf("length field %d, body %d, EncodedSize %d", n, len(h)-HeaderSize, msg.EncodedSize(m))
	}
	body, _ := msg.Encode(m)
	if !bytes.Equal(h[HeaderSize:], body) {
		t.Fatalf("body differs from msg.Encode")
	}
}

func TestAppendFrameErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     *msg.Message
		errno syscall.Errno
	}{
		{"nil", nil, syscall.EINVAL},
		{"bad type", &msg.Message{Type: 0x0f}, syscall.EPROTO},
		{"empty route", &msg.Message{Type: msg.TypeEvent, Flags: msg.FlagRoute, Routes: []string{""}}, syscall.EINVAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := AppendFrame([]byte("ab"), tc.m)
			wantErrno(t, err, tc.errno)
			if string(out) != "ab" {
				t.Fatalf("dst not restored: %q", out)
			}
		})
	}
}

func TestAppendFrameNoAlloc(t *testing.T) {
	m := testMessage(t, "kvs.lookup", 9, bytes.Repeat([]byte{'x'}, 1000))
	buf := make([]byte, 0, HeaderSize+msg.EncodedSize(m))
	allocs := testing.AllocsPerRun(100, func() {
		out, err := AppendFrame(buf[:0], m)
		if err != nil || len(out) != cap(buf) {
			t.Fatalf("AppendFrame: len %d err %v", len(out), err)
		}
	})
	if allocs != 0 {
		t.Fatalf("AppendFrame with capacity allocated %v times per run", allocs)
	}
	// Without capacity a single allocation suffices.
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := AppendFrame(nil, m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Fatalf("AppendFrame(nil) allocated %v times per run, want 1", allocs)
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h     []byte
		n     int
		errno syscall.Errno // 0: success
	}{
		{"ok", []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 0x30}, 0x30, 0},
		{"ok with trailing bytes", []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 1, 0x91, 0xde, 0xad}, 401, 0},
		{"zero length", []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 0}, 0, 0},
		{"exactly the cap", []byte{0x12, 0x00, 0xee, 0xff, 0x40, 0, 0, 0}, msg.MaxFrameSize, 0},
		{"one over the cap", []byte{0x12, 0x00, 0xee, 0xff, 0x40, 0, 0, 1}, 0, syscall.EMSGSIZE},
		{"4 GiB - 1", []byte{0x12, 0x00, 0xee, 0xff, 0xff, 0xff, 0xff, 0xff}, 0, syscall.EMSGSIZE},
		{"big-endian magic", []byte{0xff, 0xee, 0x00, 0x12, 0, 0, 0, 0x30}, 0, syscall.EPROTO},
		{"zero magic", make([]byte, 8), 0, syscall.EPROTO},
		{"one bit off", []byte{0x13, 0x00, 0xee, 0xff, 0, 0, 0, 0x30}, 0, syscall.EPROTO},
		{"short", []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0}, 0, syscall.EINVAL},
		{"nil", nil, 0, syscall.EINVAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ParseHeader(tc.h)
			if tc.errno != 0 {
				wantErrno(t, err, tc.errno)
				return
			}
			if err != nil || n != tc.n {
				t.Fatalf("ParseHeader = %d, %v; want %d", n, err, tc.n)
			}
		})
	}
}
