package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Output paths, relative to the repository root.
const (
	PathRuntimeConstants = "runtime/zz_generated_constants.go"
	PathMsgConstants     = "runtime/msg/zz_generated_constants.go"
	PathGoConstants      = "bindings/go/zz_generated_constants.go"
	PathGoMethods        = "bindings/go/zz_generated_handle.go"
	PathCapiExports      = "bindings/capi/zz_generated_exports.go"
	PathCapiShims        = "bindings/capi/zz_generated_shims.c"
	PathHeader           = HeaderDir + "/core.h"
)

// Files maps output paths to their generated contents.
type Files map[string][]byte

// Paths returns the output paths in sorted order.
func (fs Files) Paths() []string {
	var ps []string
	for p := range fs {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// LoadModel loads the spec at specPath and resolves it against the runtime
// package under root.
func LoadModel(specPath, root string) (*Model, error) {
	s, err := LoadFile(specPath)
	if err != nil {
		return nil, err
	}
	idx, err := IndexRuntime(filepath.Join(root, "runtime"))
	if err != nil {
		return nil, fmt.Errorf("indexing runtime: %w", err)
	}
	return Build(s, idx)
}

// Generate runs every emitter on m.
func Generate(m *Model) (Files, error) {
	fs := Files{}
	emitters := []struct {
		path string
		fn   func(*Model) ([]byte, error)
	}{
		{PathRuntimeConstants, emitRuntime},
		{PathMsgConstants, emitRuntimeMsg},
		{PathGoConstants, emitGoConstants},
		{PathGoMethods, emitGoMethods},
		{PathCapiExports, emitCapiExports},
		{PathCapiShims, func(m *Model) ([]byte, error) { return emitShims(m), nil }},
		{PathNullTest, func(m *Model) ([]byte, error) { return emitNullTest(m), nil }},
		{PathProbe, func(m *Model) ([]byte, error) { return emitProbe(m), nil }},
	}
	for _, e := range emitters {
		b, err := e.fn(m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.path, err)
		}
		fs[e.path] = b
	}
	for p, b := range emitHeaders(m) {
		fs[p] = b
	}
	if fs[PathHeader] == nil {
		return nil, fmt.Errorf("the spec has no header for %s (file: core.h)", PathHeader)
	}
	return fs, nil
}

// Write stores every file under root, creating directories as needed, and
// leaves files whose contents are unchanged untouched.
func (fs Files) Write(root string) error {
	for _, p := range fs.Paths() {
		full := filepath.Join(root, p)
		if old, err := os.ReadFile(full); err == nil && bytes.Equal(old, fs[p]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, fs[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Check compares every file with the one under root and describes each
// difference with a short diff. It returns nothing when all match.
func (fs Files) Check(root string) []string {
	var out []string
	for _, p := range fs.Paths() {
		old, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			out = append(out, fmt.Sprintf("%s: missing (%v)", p, err))
			continue
		}
		if !bytes.Equal(old, fs[p]) {
			out = append(out, fmt.Sprintf("%s: differs from what the spec generates\n%s", p, ShortDiff(old, fs[p], 6)))
		}
	}
	return out
}

// ShortDiff shows up to max differing lines between have and want, each
// with its line number, "-" for the file on disk and "+" for the generated.
func ShortDiff(have, want []byte, max int) string {
	a := strings.Split(string(have), "\n")
	b := strings.Split(string(want), "\n")
	var out []string
	shown := 0
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		xa, yb := i < len(a), i < len(b)
		if xa {
			x = a[i]
		}
		if yb {
			y = b[i]
		}
		if xa && yb && x == y {
			continue
		}
		if shown == max {
			out = append(out, "  ...")
			break
		}
		if xa {
			out = append(out, fmt.Sprintf("  %d: - %s", i+1, x))
		}
		if yb {
			out = append(out, fmt.Sprintf("  %d: + %s", i+1, y))
		}
		shown++
	}
	return strings.Join(out, "\n")
}

// Coverage lists, per header, how many functions are implemented.
func Coverage(m *Model) []HeaderCoverage {
	var out []HeaderCoverage
	for _, h := range m.Headers {
		c := HeaderCoverage{Header: h.Name}
		for _, f := range m.Functions {
			if f.Header != h.Name || f.Internal {
				continue
			}
			c.Total++
			if f.Implemented {
				c.Implemented++
			} else {
				c.Planned = append(c.Planned, f.Name)
			}
		}
		if c.Total > 0 {
			out = append(out, c)
		}
	}
	return out
}

// HeaderCoverage is the implementation count of one header group.
type HeaderCoverage struct {
	Header      string
	Implemented int
	Total       int
	Planned     []string
}
