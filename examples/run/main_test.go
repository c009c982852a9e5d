package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// TestRun builds the example without cgo and runs commands through a real
// full flux-core instance: output is copied and the exit status returned.
func TestRun(t *testing.T) {
	in := fluxtest.Start(t, fluxtest.Options{Full: true})
	bin := filepath.Join(t.TempDir(), "run")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "sh", "-c", "echo hello; echo oops >&2; exit 7")
	cmd.Env = in.Env()
	cmd.Dir = t.TempDir()
	stdout, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("exit: %v, want status 7", err)
	}
	if string(stdout) != "hello\n" || string(ee.Stderr) != "oops\n" {
		t.Errorf("stdout %q stderr %q", stdout, ee.Stderr)
	}
	cmd = exec.Command(bin, "true")
	cmd.Env = in.Env()
	if err := cmd.Run(); err != nil {
		t.Errorf("true: %v", err)
	}
}
