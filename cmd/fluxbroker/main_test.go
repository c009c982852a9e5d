package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The test binary doubles as fluxbroker when FLUXBROKER_TEST_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("FLUXBROKER_TEST_MAIN") == "1" {
		os.Args = append([]string{"fluxbroker"}, strings.Fields(os.Getenv("FLUXBROKER_TEST_ARGS"))...)
		main()
	}
	os.Exit(m.Run())
}

// fluxbroker runs the broker with args and returns its stdout and stderr.
func fluxbroker(t *testing.T, args string) (string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "FLUXBROKER_TEST_MAIN=1", "FLUXBROKER_TEST_ARGS="+args)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("fluxbroker %s: %v\n%s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// With a command, the command's standard output is its own: the broker
// prints nothing there, and the command finds FLUX_URI in its
// environment.
func TestCommandStdoutIsTheCommands(t *testing.T) {
	out, _ := fluxbroker(t, "-- printenv FLUX_URI")
	if !strings.HasPrefix(out, "local://") || strings.Count(out, "\n") != 1 {
		t.Fatalf("stdout %q, want only the command's output (its FLUX_URI)", out)
	}
	out, errOut := fluxbroker(t, "-v -- true")
	if out != "" {
		t.Fatalf("stdout %q with -v, want nothing", out)
	}
	if !strings.Contains(errOut, "FLUX_URI=local://") {
		t.Fatalf("stderr %q with -v, want the URI", errOut)
	}
}
