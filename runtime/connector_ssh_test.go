package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
)

// writeScript writes an executable shell script into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeSSH is a remote shell stand-in: it records its pid in $dir/pids,
// drops "-p PORT" and the host, and runs the rest locally.
func fakeSSH(t *testing.T, dir string) string {
	t.Helper()
	return writeScript(t, dir, "fakessh", `echo $$ >> `+filepath.Join(dir, "pids")+`
if [ "$1" = "-p" ]; then shift 2; fi
shift
exec "$@"
`)
}

// childPids returns the pids fakeSSH recorded.
func childPids(t *testing.T, dir string) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pids"))
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, n)
	}
	return pids
}

// checkReaped fails if pid still exists (running or as a zombie). Our
// children are reaped by the time Open fails or Close returns.
func checkReaped(t *testing.T, pid int) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err == nil {
		t.Fatalf("child %d still exists: %s", pid, b)
	}
}

// clearSSHEnv unsets the variables the ssh connector reads (PATH is kept).
func clearSSHEnv(t *testing.T) {
	t.Helper()
	clearHandleEnv(t)
	for _, k := range []string{"FLUX_SSH", "FLUX_SSH_RCMD", "LD_LIBRARY_PATH"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Cleanup(func() { os.Setenv(k, v) })
			os.Unsetenv(k)
		}
	}
}

// TestSSHOpenRunsArgv checks the argv the child really receives.
func TestSSHOpenRunsArgv(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "argv")
	// Log every argument on its own line, then act as a relay that
	// accepts and waits for end of file.
	ssh := writeScript(t, dir, "logssh", `for a in "$0" "$@"; do echo "$a"; done > `+out+`
printf '\000'
exec cat > /dev/null
`)
	t.Setenv("FLUX_SSH", ssh)
	t.Setenv("FLUX_SSH_RCMD", "/opt/flux/bin/flux")
	t.Setenv("LD_LIBRARY_PATH", "/opt/lib")
	h := mustOpen(t, "ssh://me@example:2222/run/flux/local", 0)
	h.Close()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := ssh + "\n-p\n2222\nme@example\nenv\nLD_LIBRARY_PATH=/opt/lib\n/opt/flux/bin/flux\nrelay\n/run/flux/local\n"
	if string(b) != want {
		t.Fatalf("argv:\n%s\nwant:\n%s", b, want)
	}
}

func TestSSHOpenErrors(t *testing.T) {
	clearSSHEnv(t)
	old := transport.SSHStderrWait
	transport.SSHStderrWait = 500 * time.Millisecond
	t.Cleanup(func() { transport.SSHStderrWait = old })
	dir := t.TempDir()
	ssh := fakeSSH(t, dir)
	remote := func(name, body string) string { return writeScript(t, dir, name, body) }
	tests := []struct {
		name  string
		uri   string
		env   map[string]string // FLUX_SSH, FLUX_SSH_RCMD
		errno syscall.Errno
		text  string
	}{
		{"no path", "ssh://host", nil, syscall.EINVAL, "Invalid argument"},
		{"empty", "ssh://", nil, syscall.EINVAL, "Invalid argument"},
		{"query", "ssh://host/tmp/s?x", nil, syscall.EINVAL, "Invalid argument"},
		{"fragment", "ssh://host/tmp/s#x", nil, syscall.EINVAL, "Invalid argument"},
		{"no host", "ssh://u@/tmp/s", nil, syscall.EINVAL, "Invalid argument"},
		{"missing ssh", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": "/nonexistent/ssh"},
			syscall.ENOENT, "ssh-connector: /nonexistent/ssh: No such file or directory\nHint: set FLUX_SSH in environment to override"},
		{"ssh not in PATH", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": "no-such-ssh-program"},
			syscall.ENOENT, "ssh-connector: no-such-ssh-program: No such file or directory\nHint: set FLUX_SSH in environment to override"},
		{"ssh not executable", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": "/etc/passwd"},
			syscall.EACCES, "ssh-connector: /etc/passwd: Permission denied\nHint: set FLUX_SSH in environment to override"},
		{"remote fails with stderr", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": ssh, "FLUX_SSH_RCMD": remote("fail", "echo '  some error from remote ' >&2\nexit 1\n")},
			syscall.ECONNRESET, "some error from remote"},
		{"remote prints nothing", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": ssh, "FLUX_SSH_RCMD": remote("quiet", "exit 0\n")},
			syscall.ECONNRESET, transport.SSHNoCleanConn},
		{"shell init writes to stdout", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": ssh, "FLUX_SSH_RCMD": remote("chatty", "echo Welcome\nexec cat >/dev/null\n")},
			syscall.Errno('W'), transport.SSHNoCleanConn},
		{"remote refuses", "ssh://host/tmp/s",
			map[string]string{"FLUX_SSH": ssh, "FLUX_SSH_RCMD": remote("refuse", "printf '\\001'\n")},
			syscall.EPERM, transport.SSHNoCleanConn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			os.Remove(filepath.Join(dir, "pids"))
			_, err := Open(strp(tc.uri), 0)
			wantErrno(t, err, tc.errno, tc.text)
			if tc.env["FLUX_SSH"] == ssh {
				for _, pid := range childPids(t, dir) {
					checkReaped(t, pid)
				}
			}
		})
	}
}

// TestSSHExecLookup covers the execvp-like search of the remote shell.
func TestSSHExecLookup(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	fakeSSH(t, dir)
	if err := os.Rename(filepath.Join(dir, "fakessh"), filepath.Join(dir, "ssh")); err != nil {
		t.Fatal(err)
	}
	// A script without "#!" is run by /bin/sh, as execvp does.
	if err := os.WriteFile(filepath.Join(dir, "noshebang"), []byte("shift\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	relay := writeScript(t, dir, "relay", "printf '\\000'\nexec cat >/dev/null\n")
	t.Setenv("FLUX_SSH_RCMD", relay)
	t.Setenv("PATH", "/nonexistent:"+dir+":/usr/bin:/bin")
	for _, ssh := range []string{"", "noshebang"} {
		if ssh != "" {
			t.Setenv("FLUX_SSH", ssh)
		}
		h, err := Open(strp("ssh://host/x"), 0)
		if err != nil {
			t.Fatalf("FLUX_SSH=%q: %v", ssh, err)
		}
		h.Close()
	}
}

func TestSSHStderrForwardedAfterOpen(t *testing.T) {
	clearSSHEnv(t)
	var buf syncBuffer
	old := transport.SSHStderr
	transport.SSHStderr = &buf
	t.Cleanup(func() { transport.SSHStderr = old })
	dir := t.TempDir()
	t.Setenv("FLUX_SSH", fakeSSH(t, dir))
	t.Setenv("FLUX_SSH_RCMD", writeScript(t, dir, "relay",
		"echo before >&2\nprintf '\\000'\nsleep 0.1\necho after >&2\nexec cat >/dev/null\n"))
	h := mustOpen(t, "ssh://host/x", 0)
	time.Sleep(300 * time.Millisecond)
	h.Close()
	if got := buf.String(); got != "before\nafter\n" {
		t.Fatalf("forwarded stderr = %q", got)
	}
}

// TestSSHCloseReapsAndReconnect checks that Close and Reconnect leave no
// child behind, and that Reconnect really starts a new child.
func TestSSHCloseReapsAndReconnect(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	t.Setenv("FLUX_SSH", fakeSSH(t, dir))
	t.Setenv("FLUX_SSH_RCMD", writeScript(t, dir, "relay", "printf '\\000'\nexec cat >/dev/null\n"))
	h := mustOpen(t, "ssh://host/x", 0)
	pids := childPids(t, dir)
	if len(pids) != 1 {
		t.Fatalf("pids = %v", pids)
	}
	if err := h.Reconnect(); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	checkReaped(t, pids[0])
	pids = childPids(t, dir)
	if len(pids) != 2 || pids[1] == pids[0] {
		t.Fatalf("pids after reconnect = %v", pids)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pids[1])); err != nil {
		t.Fatalf("new child not running: %v", err)
	}
	h.Close()
	checkReaped(t, pids[1])
}

// TestSSHCloseKillsStubbornChild: a child that ignores end of file is
// killed after the grace period and still reaped.
func TestSSHCloseKillsStubbornChild(t *testing.T) {
	clearSSHEnv(t)
	old := transport.SSHCloseGrace
	transport.SSHCloseGrace = 200 * time.Millisecond
	t.Cleanup(func() { transport.SSHCloseGrace = old })
	dir := t.TempDir()
	t.Setenv("FLUX_SSH", fakeSSH(t, dir))
	t.Setenv("FLUX_SSH_RCMD", writeScript(t, dir, "relay", "printf '\\000'\nexec sleep 30\n"))
	h := mustOpen(t, "ssh://host/x", 0)
	start := time.Now()
	h.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v", d)
	}
	checkReaped(t, childPids(t, dir)[0])
}

// TestSSHNoOptions: like flux-core, the ssh connector has no options, so
// FLUX_HANDLE_USERID makes Open fail with EINVAL (and reaps the child).
func TestSSHNoOptions(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	t.Setenv("FLUX_SSH", fakeSSH(t, dir))
	t.Setenv("FLUX_SSH_RCMD", writeScript(t, dir, "relay", "printf '\\000'\nexec cat >/dev/null\n"))
	t.Setenv("FLUX_HANDLE_USERID", "5")
	_, err := Open(strp("ssh://host/x"), 0)
	wantErrno(t, err, syscall.EINVAL, "Invalid argument")
	checkReaped(t, childPids(t, dir)[0])
}

// TestSSHPeerGone: when the child dies, a blocking receive reports an
// error instead of hanging.
func TestSSHPeerGone(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	t.Setenv("FLUX_SSH", fakeSSH(t, dir))
	t.Setenv("FLUX_SSH_RCMD", writeScript(t, dir, "relay", "printf '\\000'\nsleep 0.2\n"))
	h := mustOpen(t, "ssh://host/x", 0)
	defer h.Close()
	_, err := h.Recv(Match{}, 0)
	if e := ErrnoOf(err); e != syscall.ECONNRESET && e != syscall.EIO {
		t.Fatalf("Recv after child exit: %v", err)
	}
}

// TestSSHChildEnvironment: the ssh child gets the environment SetEnviron
// lists (the C library lists the C environment, which a host may have
// changed with setenv after the Go runtime copied it).
func TestSSHChildEnvironment(t *testing.T) {
	clearSSHEnv(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "env")
	ssh := writeScript(t, dir, "envssh", `echo "FLUXGO_MARK=$FLUXGO_MARK" > `+out+`
printf '\000'
exec cat > /dev/null
`)
	t.Setenv("FLUX_SSH", ssh)
	SetEnviron(func() []string { return append(os.Environ(), "FLUXGO_MARK=from-the-c-environment") })
	defer SetEnviron(nil)
	h := mustOpen(t, "ssh://example/run/flux/local", 0)
	h.Close()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "FLUXGO_MARK=from-the-c-environment\n" {
		t.Fatalf("the child saw %q", b)
	}
}

// TestSSHOpenReportPrintsHint: without an error buffer (flux_open), a
// missing ssh program is also reported on stderr with flux-core's two
// lines; Open (flux_open_ex) leaves that to the caller.
func TestSSHOpenReportPrintsHint(t *testing.T) {
	clearSSHEnv(t)
	t.Setenv("FLUX_SSH", "/nonexistent/ssh")
	uri := "ssh://example/run/flux/local"
	diag := captureDiag(t)
	if _, err := Open(&uri, 0); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("Open: %v, want ENOENT", err)
	}
	if diag.String() != "" {
		t.Fatalf("Open printed %q", diag.String())
	}
	if _, err := OpenReport(&uri, 0); !isErrno(err, syscall.ENOENT) {
		t.Fatalf("OpenReport: %v, want ENOENT", err)
	}
	want := "ssh-connector: /nonexistent/ssh: No such file or directory\nHint: set FLUX_SSH in environment to override\n"
	if diag.String() != want {
		t.Fatalf("OpenReport printed %q, want %q", diag.String(), want)
	}
	bad := "ssh://"
	diag2 := captureDiag(t)
	if _, err := OpenReport(&bad, 0); !isErrno(err, syscall.EINVAL) || diag2.String() != "" {
		t.Fatalf("a bad URI: %v, printed %q (want EINVAL, nothing)", err, diag2.String())
	}
}
