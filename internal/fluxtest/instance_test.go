package fluxtest

import (
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestOneRank starts a bare one-rank instance and runs flux-core's own
// command against it.
func TestOneRank(t *testing.T) {
	in := Start(t, Options{})
	if !strings.HasPrefix(in.URI, "local://"+in.Rundir+"/") {
		t.Errorf("URI %s is not in rundir %s", in.URI, in.Rundir)
	}
	out, err := in.Command("getattr", "size").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("flux getattr size: %q, %v", out, err)
	}
	if err := in.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(in.Rundir); !os.IsNotExist(err) {
		t.Errorf("rundir %s still there after Stop (%v)", in.Rundir, err)
	}
	if err := in.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestFull checks that a full instance has the KVS and job modules loaded
// (what the KVS and job suites rely on).
func TestFull(t *testing.T) {
	in := Shared(t, Options{Full: true})
	out, err := in.Command("module", "list").CombinedOutput()
	if err != nil {
		t.Fatalf("flux module list: %v: %s", err, out)
	}
	for _, mod := range []string{"kvs", "kvs-watch", "job-manager", "job-ingest", "job-info", "job-list"} {
		if !strings.Contains(string(out), "\n"+mod+" ") {
			t.Errorf("module %s not loaded in a full instance:\n%s", mod, out)
		}
	}
}
