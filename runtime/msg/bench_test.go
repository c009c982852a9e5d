package msg

import (
	"bytes"
	"fmt"
	"testing"
)

// benchSizes are the payload sizes of the codec benchmarks.
var benchSizes = []struct {
	name string
	size int
}{
	{"0B", 0},
	{"64B", 64},
	{"1KiB", 1 << 10},
	{"64KiB", 64 << 10},
}

// benchMessage is a routed response of the given payload size.
func benchMessage(size int) *Message {
	m, _ := New(TypeResponse)
	m.EnableRoute()
	_ = m.PushRoute("8b5a95ce-53bc-4a0a-874c-03ebfcd78cc6")
	m.SetTopic("kvs.lookup")
	m.SetPayload(bytes.Repeat([]byte{'p'}, size))
	m.Userid, m.Rolemask, m.Aux2 = 0, RoleOwner|RoleLocal, 17
	return m
}

func BenchmarkEncode(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			m := benchMessage(s.size)
			buf := make([]byte, 0, EncodedSize(m))
			b.SetBytes(int64(EncodedSize(m)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				out, err := AppendEncode(buf[:0], m)
				if err != nil {
					b.Fatal(err)
				}
				buf = out
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			enc, err := Encode(benchMessage(s.size))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Decode(enc); err != nil {
					b.Fatal(fmt.Sprint(err))
				}
			}
		})
	}
}
