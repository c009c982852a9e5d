package msg

import (
	"encoding/hex"
	"errors"
	"strings"
	"syscall"
	"testing"
)

// mustHex decodes a hex string written with optional spaces.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// wantErrno fails t unless err wraps errno.
func wantErrno(t testing.TB, err error, errno syscall.Errno) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", errno)
	}
	if !errors.Is(err, errno) {
		t.Fatalf("got error %q, want one wrapping %v (%d)", err, errno, int(errno))
	}
}

// protoBytes builds a 20-byte PROTO frame body.
func protoBytes(typ, flags uint8, userid, rolemask, aux1, aux2 uint32) []byte {
	b := []byte{ProtoMagic, ProtoVersion, typ, flags}
	for _, v := range []uint32{userid, rolemask, aux1, aux2} {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return b
}

// frames joins frame bodies with minimal length prefixes.
func frames(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		if len(p) < 255 {
			out = append(out, byte(len(p)))
		} else {
			out = append(out, 0xff, byte(len(p)>>24), byte(len(p)>>16), byte(len(p)>>8), byte(len(p)))
		}
		out = append(out, p...)
	}
	return out
}
