package msg

import (
	"bytes"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg/msgtest"
)

// FuzzDecode feeds arbitrary bytes to Decode. Decode must never panic, and
// whatever it accepts must encode, decode back to an equal message, and
// re-encode to the same canonical bytes.
func FuzzDecode(f *testing.F) {
	for _, r := range msgtest.Frames(f) {
		if len(r.Data) > 8 {
			f.Add(r.Data[8:])
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0, 0, 0, 0x14})
	f.Add(frames(nil, nil, []byte("t\x00x"), nil, protoBytes(TypeEvent, 0xff, 0, 0, 0, 0)))

	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := Decode(in)
		if err != nil {
			if m != nil {
				t.Fatalf("Decode returned a message and error %v", err)
			}
			return
		}
		enc, err := Encode(m)
		if err != nil {
			t.Fatalf("decoded message does not encode: %v (%+v)", err, m)
		}
		if len(enc) > len(in) {
			t.Fatalf("canonical encoding %d bytes is longer than the input %d", len(enc), len(in))
		}
		m2, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-decode: %v\ninput %x\nencoded %x", err, in, enc)
		}
		if !m2.Equal(m) {
			t.Fatalf("round trip changed the message\nfirst  %+v\nsecond %+v", m, m2)
		}
		enc2, err := Encode(m2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable: %v\n%x\n%x", err, enc, enc2)
		}
	})
}
