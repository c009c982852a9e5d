package kvs

import "testing"

// FuzzDecodeTree checks that any text DecodeTree accepts validates and
// encodes to a fixed point: decoding the encoding gives the same encoding.
func FuzzDecodeTree(f *testing.F) {
	for _, s := range []string{
		`{"data":"aGVsbG8=","type":"val","ver":1}`,
		`{"data":{"a":{"data":{"target":"b"},"type":"symlink","ver":1}},"type":"dir","ver":1}`,
		`{"data":["sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91"],"type":"dirref","ver":1}`,
		`{"data":{"namespace":"n","target":"t\u0001"},"type":"symlink","ver":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := DecodeTree(s)
		if err != nil {
			return
		}
		if err := tr.Validate(); err != nil {
			t.Fatalf("decoded tree does not validate: %v", err)
		}
		enc := tr.Encode()
		again, err := DecodeTree(enc)
		if err != nil {
			t.Fatalf("our encoding %q does not decode: %v", enc, err)
		}
		if again.Encode() != enc {
			t.Fatalf("encoding not stable: %q then %q", enc, again.Encode())
		}
	})
}
