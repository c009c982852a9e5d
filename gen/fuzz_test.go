package gen

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary text to the spec loader. Load must never
// panic: it returns a spec or an error, never both and never neither.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../spec/handle.yaml", "../golden/testdata/objects/spec.yaml", "../golden/testdata/flags/spec.yaml", "../golden/testdata/macros/spec.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "-", "{", "functions: 7", "a: &x [*x]", "functions:\n  - name: flux_open\n    proto: ''\n",
		"constants:\n  - {name: X, value: [1]}\n", "\t", "? [a, b]\n: c\n", "!!binary AAAA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load(filepath.Join("fuzz", "handle.yaml"), data)
		if (s == nil) == (err == nil) {
			t.Fatalf("Load returned spec %v and error %v", s != nil, err)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("Load returned an error with no text")
		}
	})
}
