package job

import "testing"

// FuzzIDParse feeds arbitrary text to IDParse: it must not panic, and an
// id it accepts must survive a round trip through every encoding.
func FuzzIDParse(f *testing.F) {
	for _, c := range idParses {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := IDParse(s)
		if err != nil {
			return
		}
		for _, enc := range []string{"dec", "words", "f58plain", "emoji", "kvs"} {
			e, _ := IDEncode(id, enc)
			if back, err := IDParse(e); err != nil || back != id {
				t.Fatalf("%q -> %d -> %s %q -> %d, %v", s, id, enc, e, back, err)
			}
		}
	})
}

// FuzzJobspecCheck decodes and checks arbitrary documents: no panic, and
// a document that decodes re-encodes to JSON that decodes the same way.
func FuzzJobspecCheck(f *testing.F) {
	f.Add(fluxCoreJobspecCompact)
	f.Add(`{"resources":[{"type":"node","count":1,"with":[1]}],"tasks":[{"command":["x"],"slot":"task","count":{"total":1}}],"attributes":{"system":{"duration":1,"shell":{"options":1}}},"version":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		js, err := JobspecDecode(s)
		if err != nil {
			return
		}
		_ = js.Check()
		e1, err := js.Encode(EncodeCompact)
		if err != nil {
			return
		}
		js2, err := JobspecDecode(e1)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", e1, err)
		}
		if e2, _ := js2.Encode(EncodeCompact); e2 != e1 {
			t.Fatalf("unstable encoding:\n%s\n%s", e1, e2)
		}
	})
}
