// Package golden pins the generator's output, one feature at a time: each
// directory under testdata (flags, objects, callbacks, ...) holds a small
// spec.yaml exercising that feature and, under want/, the exact files
// fluxgen makes from it, so a golden diff names the feature. A further
// test checks that a spec change reaches every surface and that the
// regenerated tree still builds.
package golden

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxgo/fluxgo/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files from the feature fixtures")

const repoRoot = ".."

// stubRoot holds a small stand-in runtime (testdata/stub/runtime) that the
// fixtures resolve against, so that the pinned files depend on the
// generator only, not on the live runtime.
const stubRoot = "testdata/stub"

// features lists the fixture directories: testdata/<feature>/spec.yaml.
func features(t *testing.T) []string {
	t.Helper()
	specs, err := filepath.Glob(filepath.Join("testdata", "*", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) == 0 {
		t.Fatal("no feature fixtures under testdata")
	}
	var out []string
	for _, s := range specs {
		out = append(out, filepath.Base(filepath.Dir(s)))
	}
	return out
}

func TestGoldenFiles(t *testing.T) {
	for _, feature := range features(t) {
		t.Run(feature, func(t *testing.T) { checkFeature(t, feature) })
	}
}

// checkFeature generates from testdata/<feature>/spec.yaml and compares
// (or, with -update, rewrites) testdata/<feature>/want.
func checkFeature(t *testing.T, feature string) {
	dir := filepath.Join("testdata", feature)
	m, err := gen.LoadModel(filepath.Join(dir, "spec.yaml"), stubRoot)
	if err != nil {
		t.Fatalf("loading the %s fixture: %v", feature, err)
	}
	files, err := gen.Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(files.Paths()) == 0 {
		t.Fatal("the fixture generated no files")
	}
	wantDir := filepath.Join(dir, "want")
	generated := map[string]bool{}
	for _, p := range files.Paths() {
		golden := filepath.Join(wantDir, p+".golden")
		generated[filepath.ToSlash(golden)] = true
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, files[p], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v (run go test ./golden -update)", p, err)
			continue
		}
		if !bytes.Equal(want, files[p]) {
			t.Errorf("feature %s: %s differs from %s:\n%s", feature, p, golden, gen.ShortDiff(want, files[p], 10))
		}
	}
	// A pinned file for an output the generator no longer makes is stale.
	_ = filepath.WalkDir(wantDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !generated[filepath.ToSlash(path)] {
			if *update {
				return os.Remove(path)
			}
			t.Errorf("%s is not generated any more: remove it", path)
		}
		return nil
	})
}

func TestGenerationIsDeterministic(t *testing.T) {
	var prev gen.Files
	for i := 0; i < 3; i++ {
		m, err := gen.LoadModel(filepath.Join(repoRoot, "spec", "handle.yaml"), repoRoot)
		if err != nil {
			t.Fatal(err)
		}
		files, err := gen.Generate(m)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil {
			for p, b := range files {
				if !bytes.Equal(prev[p], b) {
					t.Fatalf("%s changed between two runs on the same spec", p)
				}
			}
		}
		prev = files
	}
}

func TestGeneratedGoFilesAreMarked(t *testing.T) {
	m, err := gen.LoadModel(filepath.Join(repoRoot, "spec", "handle.yaml"), repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range files {
		first := strings.SplitN(string(b), "\n", 2)[0]
		want := "// " + gen.GeneratedHeader
		if !strings.HasSuffix(p, ".go") {
			want = gen.CGeneratedHeader
		}
		if first != want {
			t.Errorf("%s starts with %q, want %q", p, first, want)
		}
	}
}

// TestRegenerationOnSpecChange adds an open-only flag and a new function
// to a copy of the real spec, regenerates a copy of the repository, and
// checks that both reach every surface and that the tree still builds.
func TestRegenerationOnSpecChange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the repository")
	}
	tmp := t.TempDir()
	copyTree(t, repoRoot, tmp)
	specPath := filepath.Join(tmp, "spec", "handle.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "      - name: FLUX_O_NOREQUEUE\n"
	if !bytes.Contains(spec, []byte(anchor)) {
		t.Fatalf("spec has no %q to insert before", anchor)
	}
	newFlag := "      - name: FLUX_O_EXAMPLE\n        value: 128\n        go: Example\n" +
		"        open: true\n        flags_set: false\n        doc: An example flag added by the regeneration test.\n"
	spec = bytes.Replace(spec, []byte(anchor), []byte(newFlag+anchor), 1)
	spec = append(spec, []byte(`
  - name: flux_example_count
    header: handle
    c: "int flux_example_count (flux_t *h, const char *what)"
    status: planned
    errors: {returns: "-1", errno: [ENOSYS]}
    doc: Count examples (added by the regeneration test).
`)...)
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := gen.LoadModel(specPath, tmp)
	if err != nil {
		t.Fatalf("modified spec does not load: %v", err)
	}
	files, err := gen.Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Write(tmp); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(tmp, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	goConsts := read(gen.PathGoConstants)
	if !strings.Contains(goConsts, "Example OpenFlag = 0x80") {
		t.Errorf("Go binding lacks the new flag:\n%s", goConsts)
	}
	header := read(gen.HeaderDir + "/core/handle.h")
	if !strings.Contains(header, "FLUX_O_EXAMPLE = 128,") {
		t.Error("C header lacks FLUX_O_EXAMPLE")
	}
	if !strings.Contains(header, "int flux_example_count (flux_t *h, const char *what);") {
		t.Error("C header lacks the new function's declaration")
	}
	rt := read(gen.PathRuntimeConstants)
	openLine, setLine := lineWith(rt, "const OpenFlagsAccepted"), lineWith(rt, "const FlagsSetAccepted")
	if !strings.Contains(openLine, "OExample") {
		t.Errorf("open-valid table lacks the flag: %q", openLine)
	}
	if setLine == "" || strings.Contains(setLine, "OExample") {
		t.Errorf("flags_set table must not hold an open-only flag: %q", setLine)
	}
	// A planned function is a C stub that fails with ENOSYS; it needs no
	// Go export.
	if !strings.Contains(read(gen.PathCapiShims), "int flux_example_count (flux_t *h, const char *what)\n{\n    fluxgo_not_implemented (NULL, \"flux_example_count\");\n    return -1;\n}") {
		t.Error("C shims lack the new function's ENOSYS stub")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the regenerated tree: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// copyTree copies the repository's source files (not build output, not git
// metadata) from src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			switch rel {
			case ".git", "build", filepath.Join("golden", "testdata"):
				return filepath.SkipDir
			}
			if strings.HasPrefix(info.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
