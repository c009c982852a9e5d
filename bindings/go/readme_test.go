package flux

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's first Go example ("Using it from Go") compiles: its
// statements are put in a main function and built against this tree.
func TestReadmeExampleCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "## Using it from Go")
	if i < 0 {
		t.Fatal("README has no \"Using it from Go\" section")
	}
	text = text[i:]
	start := strings.Index(text, "```go\n")
	end := strings.Index(text[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no Go block in the section")
	}
	var imports, body []string
	for _, line := range strings.Split(text[start+6:start+6+end], "\n") {
		if strings.HasPrefix(line, "import ") {
			imports = append(imports, strings.TrimPrefix(line, "import "))
		} else {
			body = append(body, line)
		}
	}
	prog := "package main\n\nimport (\n\t\"log\"\n\t" + strings.Join(imports, "\n\t") + "\n)\n\nfunc main() {\n" +
		strings.Join(body, "\n") + "\n\t_, _ = rank, err\n}\n"
	dir := filepath.Join(t.TempDir(), "readme")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module readmecheck\n\ngo 1.23\n\nrequire github.com/fluxgo/fluxgo v0.0.0\n\nreplace github.com/fluxgo/fluxgo => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(prog)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("README example does not compile: %v\n%s\n%s", err, out, prog)
	}
}

// go.mod asks users' modules for no newer Go than the module needs: its
// go line names 1.23 or older (a go line of 1.26.8 once forced every
// user's module to 1.26.8). make test-go-min checks the code with that
// toolchain.
func TestGoDirectiveIsOldest(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "go ")
		if !ok {
			continue
		}
		var major, minor int
		if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
			t.Fatalf("go line %q: %v", line, err)
		}
		if major != 1 || minor > 23 {
			t.Fatalf("go.mod says go %s, want 1.23 or older", v)
		}
		return
	}
	t.Fatal("go.mod has no go line")
}
