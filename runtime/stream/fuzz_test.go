package stream

import (
	"bytes"
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/msg/msgtest"
)

// FuzzStream feeds arbitrary bytes as a stream to a Reader and, in pieces
// of a fuzzed size, to an Assembler. Neither may panic; both must agree on
// the messages; each message must survive AppendFrame and a second read
// unchanged.
func FuzzStream(f *testing.F) {
	var all []byte
	for _, r := range msgtest.Frames(f) {
		f.Add(r.Data, uint8(7))
		all = append(all, r.Data...)
	}
	f.Add(all, uint8(255))
	f.Add([]byte{}, uint8(1))
	f.Add([]byte{0x12, 0x00, 0xee, 0xff, 0xff, 0xff, 0xff, 0xff}, uint8(3))

	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		step := int(chunk) + 1

		// Reader: collect messages up to the first framing error.
		var viaReader []*msg.Message
		rd := NewReader(bytes.NewReader(in))
		for {
			m, err := rd.ReadMessage()
			if err != nil {
				if rd.err != nil {
					break // stream over or out of step
				}
				if !errors.Is(err, syscall.EPROTO) && !errors.Is(err, syscall.EINVAL) {
					t.Fatalf("body decode error with unexpected errno: %v", err)
				}
				viaReader = append(viaReader, nil) // frame skipped
				continue
			}
			if m == nil {
				t.Fatal("ReadMessage returned neither message nor error")
			}
			viaReader = append(viaReader, m)
		}
		if !errors.Is(rd.err, syscall.ECONNRESET) && !errors.Is(rd.err, syscall.EPROTO) && !errors.Is(rd.err, syscall.EMSGSIZE) {
			t.Fatalf("Reader stopped with unexpected error %v", rd.err)
		}

		// Assembler over the same bytes.
		var viaAsm []*msg.Message
		var a Assembler
		var sticky error
		for off := 0; off < len(in) && sticky == nil; off += step {
			a.Feed(in[off:min(off+step, len(in))])
			for {
				m, err := a.Next()
				if err != nil {
					if a.err != nil {
						sticky = err
						break
					}
					viaAsm = append(viaAsm, nil)
					continue
				}
				if m == nil {
					break
				}
				viaAsm = append(viaAsm, m)
			}
		}

		// Both stop for good on the same framing errors; running out of
		// bytes is ECONNRESET for the Reader but only waiting for the
		// Assembler.
		if (sticky != nil) == errors.Is(rd.err, syscall.ECONNRESET) {
			t.Fatalf("Reader stopped with %v, Assembler with %v", rd.err, sticky)
		}
		if len(viaReader) != len(viaAsm) {
			t.Fatalf("Reader produced %d results, Assembler %d", len(viaReader), len(viaAsm))
		}
		for i := range viaReader {
			if (viaReader[i] == nil) != (viaAsm[i] == nil) || !viaReader[i].Equal(viaAsm[i]) {
				t.Fatalf("result %d differs: %+v vs %+v", i, viaReader[i], viaAsm[i])
			}
			m := viaReader[i]
			if m == nil {
				continue
			}
			framed, err := AppendFrame(nil, m)
			if err != nil {
				t.Fatalf("decoded message does not frame: %v", err)
			}
			m2, err := NewReader(bytes.NewReader(framed)).ReadMessage()
			if err != nil || !m2.Equal(m) {
				t.Fatalf("re-read: %v\n%+v\n%+v", err, m, m2)
			}
		}
	})
}
