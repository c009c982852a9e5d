package fluxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RequireEnv names the variable that makes a missing flux-core a failure
// instead of a skip.
const RequireEnv = "FLUXGO_REQUIRE_FLUX_CORE"

// HowToGet is the hint printed when flux-core is missing.
const HowToGet = "set FLUX_CORE=PREFIX or put flux-core's flux on PATH " +
	"(build one with ../shared/tools/build-flux-core PREFIX)"

// Find returns the prefix of a flux-core installation: $FLUX_CORE when it
// holds bin/flux, else the directory above the `flux` found on $PATH.
func Find() (string, error) {
	if p := os.Getenv("FLUX_CORE"); p != "" {
		if _, err := os.Stat(filepath.Join(p, "bin", "flux")); err != nil {
			return "", fmt.Errorf("FLUX_CORE=%s: no bin/flux there", p)
		}
		return filepath.Abs(p)
	}
	path, err := exec.LookPath("flux")
	if err != nil {
		return "", fmt.Errorf("no flux-core: %s", HowToGet)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return filepath.Dir(filepath.Dir(path)), nil
}

// Prefix returns the flux-core prefix for a test. Without flux-core it
// skips tb, or fails it when FLUXGO_REQUIRE_FLUX_CORE=1.
func Prefix(tb testing.TB) string {
	tb.Helper()
	p, err := Find()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("%v (%s=1)", err, RequireEnv)
		}
		tb.Skipf("needs a real flux-core: %v", err)
	}
	return p
}
