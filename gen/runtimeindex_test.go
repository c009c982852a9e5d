package gen

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// writeTree writes files (slash paths relative to a new temp dir) and
// returns the dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// The index compares types, not their text: parameter names inside
// function types, aliases of a subpackage's types and the subpackages
// themselves are found however they are written.
func TestIndexRuntimeReadsTypes(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod": "module example.com/fx\n\ngo 1.22\n",
		"runtime/handle.go": `package runtime

import "example.com/fx/runtime/loop"

type Handle struct{}
type Future struct{}
type Reactor = loop.Reactor

// The model spells this func(root *Handle, err error) error.
func (h *Handle) CommsErrorSet(cb func(hh *Handle, e error) error) {}
func (h *Handle) Rank() (uint32, error) { return 0, nil }
func Tags(h *Handle, names ...string) []byte { return nil }
`,
		"runtime/loop/loop.go": `package loop

type Reactor struct{}

func (r *Reactor) Run(flags int) (int, error) { return 0, nil }
`,
		"runtime/kvs/kvs.go": `package kvs

import rt "example.com/fx/runtime"

func Lookup(h *rt.Handle, flags int, key string) (*rt.Future, error) { return nil, nil }
`,
		"runtime/testdata/bad.go": "package broken\n\nthis is not Go\n",
	})
	idx, err := IndexRuntime(filepath.Join(root, "runtime"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*GoFunc{
		"Handle.CommsErrorSet": {Recv: "Handle", Params: []GoVar{{"cb", "func(root *Handle, err error) error"}}},
		"Handle.Rank":          {Recv: "Handle", Results: []string{"uint32", "error"}},
		"Tags":                 {Params: []GoVar{{"h", "*Handle"}, {"names", "...string"}}, Results: []string{"[]byte"}},
		"Reactor.Run":          {Recv: "Reactor", Params: []GoVar{{"flags", "int"}}, Results: []string{"int", "error"}},
		"loop.Reactor.Run":     {Recv: "loop.Reactor", Params: []GoVar{{"flags", "int"}}, Results: []string{"int", "error"}},
		"kvs.Lookup":           {Params: []GoVar{{"h", "*Handle"}, {"flags", "int"}, {"key", "string"}}, Results: []string{"*Future", "error"}},
	}
	if l := idx["kvs.Lookup"]; l != nil && (l.Pkg != "example.com/fx/runtime/kvs" || l.Name != "Lookup") {
		t.Errorf("kvs.Lookup: Pkg %q Name %q", l.Pkg, l.Name)
	}
	if r := idx["Reactor.Run"]; r != nil && (r.Pkg != "example.com/fx/runtime/loop" || r.Name != "Run") {
		t.Errorf("Reactor.Run (an alias's method): Pkg %q Name %q", r.Pkg, r.Name)
	}
	for k, w := range want {
		got := idx[k]
		if got == nil {
			t.Errorf("%s: not indexed", k)
			continue
		}
		if got.Key != k || got.Recv != w.Recv || !reflect.DeepEqual(got.Params, w.Params) || !reflect.DeepEqual(got.Results, w.Results) {
			t.Errorf("%s = %s %v %v %v, want %s %v %v", k, got.Key, got.Recv, got.Params, got.Results, w.Recv, w.Params, w.Results)
		}
	}
}

func TestIndexRuntimeReportsTypeErrors(t *testing.T) {
	root := writeTree(t, map[string]string{
		"runtime/a.go": "package runtime\n\nfunc Open() Missing { return nil }\n",
	})
	if _, err := IndexRuntime(filepath.Join(root, "runtime")); err == nil {
		t.Fatal("a runtime that does not type-check was indexed")
	}
}
