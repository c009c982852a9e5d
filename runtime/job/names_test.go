package job

import (
	"errors"
	"os"
	"syscall"
	"testing"
)

func TestStateAndResultNames(t *testing.T) {
	for _, c := range []struct {
		s                      State
		long, lower, short, sl string
	}{
		{StateNew, "NEW", "new", "N", "n"},
		{StateSched, "SCHED", "sched", "S", "s"},
		{StateInactive, "INACTIVE", "inactive", "I", "i"},
		{StatePending, "PENDING", "pending", "PD", "pd"},
		{StateRunning, "RUNNING", "running", "RU", "ru"},
		{StateActive, "ACTIVE", "active", "A", "a"},
		{State(3), "(unknown)", "(unknown)", "?", "?"},
	} {
		got := []string{StateToString(c.s, "L"), StateToString(c.s, "l"), StateToString(c.s, "S"), StateToString(c.s, "s")}
		want := []string{c.long, c.lower, c.short, c.sl}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("state %d: %v, want %v", c.s, got, want)
				break
			}
		}
		if c.long != "(unknown)" {
			for _, n := range want {
				if s, err := StringToState(n); err != nil || s != c.s {
					t.Errorf("StringToState(%q) = %v, %v", n, s, err)
				}
			}
		}
	}
	if StateToString(StateRun, "") != "RUN" || StateToString(StateRun, "x") != "RUN" {
		t.Error("default format is long upper case")
	}
	if _, err := StringToState("Run"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("mixed case: %v", err)
	}
	for n, r := range map[string]Result{"COMPLETED": ResultCompleted, "f": ResultFailed, "CA": ResultCanceled, "timeout": ResultTimeout} {
		if got, err := StringToResult(n); err != nil || got != r {
			t.Errorf("StringToResult(%q) = %v, %v", n, got, err)
		}
	}
	if ResultToString(ResultCanceled, "s") != "ca" || ResultToString(Result(0), "S") != "?" {
		t.Error("result names")
	}
}

func TestKVSKeys(t *testing.T) {
	t.Setenv("FLUX_KVS_NAMESPACE", "")
	key := "eventlog"
	empty := ""
	const id = 0x1234567890ab
	if got := KVSKey(id, nil); got != "job.0000.1234.5678.90ab" {
		t.Errorf("KVSKey nil: %s", got)
	}
	if got := KVSKey(id, &key); got != "job.0000.1234.5678.90ab.eventlog" {
		t.Errorf("KVSKey: %s", got)
	}
	if got := KVSKey(id, &empty); got != "job.0000.1234.5678.90ab." {
		t.Errorf("KVSKey empty: %s", got)
	}
	if got := KVSNamespace(id); got != "job-20015998341291" {
		t.Errorf("KVSNamespace: %s", got)
	}
	// Inside the job (FLUX_KVS_NAMESPACE set), guest keys are relative.
	if got := KVSGuestKey(id, &key); got != "eventlog" {
		t.Errorf("guest key in job: %s", got)
	}
	if got := KVSGuestKey(id, nil); got != "." {
		t.Errorf("guest root in job: %s", got)
	}
	t.Setenv("FLUX_KVS_NAMESPACE", "x")
	unsetenv(t, "FLUX_KVS_NAMESPACE")
	if got := KVSGuestKey(id, &key); got != "job.0000.1234.5678.90ab.guest.eventlog" {
		t.Errorf("guest key: %s", got)
	}
	if got := KVSGuestKey(id, nil); got != "job.0000.1234.5678.90ab.guest" {
		t.Errorf("guest root: %s", got)
	}
}

func TestWaitstatusToExitcode(t *testing.T) {
	for _, c := range []struct {
		status, code int
		text         string
	}{
		{0, 0, ""},
		{3 << 8, 3, "task(s) exited with exit code 3"},
		{(128 + 9) << 8, 137, "task(s) Killed"},
		{15, 143, "job shell Terminated"},
	} {
		code, text, err := WaitstatusToExitcode(c.status)
		if err != nil || code != c.code || text != c.text {
			t.Errorf("status %#x: %d %q %v; want %d %q", c.status, code, text, err, c.code, c.text)
		}
	}
	if code, _, err := WaitstatusToExitcode(0x137f); code != -1 || !errors.Is(err, syscall.EINVAL) {
		t.Errorf("stopped status: %d %v", code, err)
	}
}

// unsetenv removes name for the rest of the test (after t.Setenv saved it).
func unsetenv(t *testing.T, name string) {
	t.Helper()
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}

func TestListArgumentChecks(t *testing.T) {
	for _, attrs := range []string{"", "wrong", "5", `"state"`, "[1,"} {
		if _, err := parseAttrs(attrs); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("parseAttrs(%q): %v, want EINVAL", attrs, err)
		}
	}
	for _, attrs := range []string{"[]", ` ["state"]`, "{}"} {
		if _, err := parseAttrs(attrs); err != nil {
			t.Errorf("parseAttrs(%q): %v", attrs, err)
		}
	}
	if _, err := List(nil, 0, "[]", 0, 0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("List(nil handle): %v", err)
	}
}
