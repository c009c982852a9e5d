package fluxtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Options say what kind of instance to start.
type Options struct {
	// Size is the number of brokers (flux start --test-size); 0 means 1.
	Size int
	// Full runs the rc scripts, so the KVS, job and other modules of a
	// normal instance are loaded. Without it the brokers serve only
	// their built-in services and start in about a second.
	Full bool
	// Topo is the tree's shape (the tbon.topo attribute, e.g. "kary:2");
	// "" keeps flux start's default, a flat kary:32 for test sizes.
	Topo string
	// ConfigPath is the brokers' configuration file or directory
	// (flux start --config-path); "" means none.
	ConfigPath string
}

func (o Options) size() int {
	if o.Size < 1 {
		return 1
	}
	return o.Size
}

// startTimeout bounds how long an instance may take to come up; a full
// instance loads its modules first.
const startTimeout = 90 * time.Second

// stopTimeout bounds a clean shutdown before the brokers are killed.
const stopTimeout = 60 * time.Second

// Instance is a running flux-core instance.
type Instance struct {
	Prefix string // flux-core's installation prefix
	URI    string // rank 0's local:// URI
	Rundir string // the instance's run directory (rank N listens on local-N)
	Size   int    // number of brokers

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *syncBuffer
	done   chan struct{}
	werr   error
	once   sync.Once
}

// Start starts an instance for tb and stops it when tb ends. Without
// flux-core it skips tb (see Prefix).
func Start(tb testing.TB, o Options) *Instance {
	tb.Helper()
	in, err := StartPrefix(Prefix(tb), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := in.Stop(); err != nil {
			tb.Errorf("stopping flux-core instance: %v", err)
		}
	})
	return in
}

// initialProgram prints FLUX_URI and the rundir attribute, then waits for
// its standard input to close.
const initialProgram = `printf '%s\n' "$FLUX_URI"; "$0" getattr rundir || exit 1; exec cat >/dev/null`

// StartPrefix starts an instance of the flux-core installed at prefix.
func StartPrefix(prefix string, o Options) (*Instance, error) {
	flux := filepath.Join(prefix, "bin", "flux")
	args := []string{"start"}
	if o.size() > 1 {
		args = append(args, fmt.Sprintf("--test-size=%d", o.size()))
	}
	if !o.Full {
		args = append(args, "-o,-Sbroker.rc1_path=,-Sbroker.rc3_path=")
	}
	if o.Topo != "" {
		args = append(args, "-o,-Stbon.topo="+o.Topo)
	}
	if o.ConfigPath != "" {
		args = append(args, "--config-path="+o.ConfigPath)
	}
	args = append(args, "sh", "-c", initialProgram, flux)
	cmd := exec.Command(flux, args...)
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in := &Instance{Prefix: prefix, Size: o.size(), cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = in.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	in.stdin = stdin
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("flux start: %w", err)
	}
	lines := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var got []string
		for len(got) < 2 && sc.Scan() {
			got = append(got, sc.Text())
		}
		lines <- got
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		in.werr = cmd.Wait()
		close(in.done)
	}()
	select {
	case got := <-lines:
		if len(got) == 2 && strings.HasPrefix(got[0], "local://") {
			in.URI, in.Rundir = got[0], got[1]
			return in, nil
		}
		in.kill()
		return nil, fmt.Errorf("flux start %v: instance did not report its URI (got %q): %s", args[1:], got, in.stderr)
	case <-time.After(startTimeout):
		in.kill()
		return nil, fmt.Errorf("flux start %v: not up after %v: %s", args[1:], startTimeout, in.stderr)
	}
}

// cleanEnv is the test's environment without a FLUX_URI that would make
// flux start nest the instance in another one.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "FLUX_URI=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// RankURI returns the local:// URI of rank's own broker socket.
func (in *Instance) RankURI(rank int) string {
	return "local://" + filepath.Join(in.Rundir, fmt.Sprintf("local-%d", rank))
}

// Env returns the test's environment with FLUX_URI set to rank 0.
func (in *Instance) Env() []string {
	return append(cleanEnv(), "FLUX_URI="+in.URI)
}

// Command returns flux-core's `flux` command with args, run against this
// instance.
func (in *Instance) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(in.Prefix, "bin", "flux"), args...)
	cmd.Env = in.Env()
	return cmd
}

// Stop shuts the instance down and waits for its brokers to exit; it is
// safe to call more than once.
func (in *Instance) Stop() error {
	var err error
	in.once.Do(func() {
		in.stdin.Close()
		select {
		case <-in.done:
			if in.werr != nil {
				err = fmt.Errorf("flux start exited: %v: %s", in.werr, in.stderr)
			}
		case <-time.After(stopTimeout):
			in.kill()
			err = errors.New("flux-core instance did not stop; killed")
		}
	})
	return err
}

// kill ends flux start and everything it started.
func (in *Instance) kill() {
	if in.cmd.Process != nil {
		syscall.Kill(-in.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-in.done
}

// syncBuffer collects a child's standard error for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
