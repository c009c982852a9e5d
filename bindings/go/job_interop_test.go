package flux_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	flux "github.com/fluxgo/fluxgo/bindings/go"
	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// jobInstance opens a handle on the shared full flux-core instance (the
// job modules are loaded); skipped without flux-core.
func jobInstance(t *testing.T) (*flux.Handle, context.Context) {
	t.Helper()
	in := fluxtest.Shared(t, fluxtest.Options{Full: true})
	h, err := flux.Open(in.URI)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return h, ctx
}

// submit submits argv and returns its id.
func submit(t *testing.T, h *flux.Handle, ctx context.Context, argv []string, opts ...flux.SubmitOption) flux.JobID {
	t.Helper()
	spec, err := flux.JobspecFromCommand(argv, flux.Environ(os.Environ()))
	if err != nil {
		t.Fatal(err)
	}
	spec.SetCwd(os.TempDir())
	id, err := h.Submit(ctx, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestJobSucceedsAndFails(t *testing.T) {
	h, ctx := jobInstance(t)
	ok := submit(t, h, ctx, []string{"true"})
	bad := submit(t, h, ctx, []string{"sh", "-c", "exit 3"})
	r, err := h.Result(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != flux.ResultCompleted || r.Waitstatus != 0 || r.ID != ok || r.TRun <= 0 {
		t.Errorf("true: %+v", r)
	}
	r, err = h.Result(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != flux.ResultFailed || r.ExitCode != 3 {
		t.Errorf("exit 3: %+v", r)
	}
}

func TestJobCancelWhileRunning(t *testing.T) {
	h, ctx := jobInstance(t)
	id := submit(t, h, ctx, []string{"sleep", "300"})
	for ev, err := range h.Events(ctx, id) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Name == "start" {
			break
		}
	}
	if err := h.Cancel(ctx, id, "test"); err != nil {
		t.Fatal(err)
	}
	r, err := h.Result(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != flux.ResultCanceled || r.ExceptionType != "cancel" || r.ExceptionNote != "test" {
		t.Errorf("cancelled job: %+v", r)
	}
	info, err := h.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != id || info.Result != flux.ResultCanceled {
		t.Errorf("job-list after cancel: %+v", info)
	}
	// A second cancel of an inactive job fails with job-manager's errno,
	// naming the job.
	err = h.Cancel(ctx, id, "")
	if err == nil || !strings.Contains(err.Error(), id.String()) {
		t.Errorf("cancel of inactive job: %v", err)
	}
}

func TestJobEventSequence(t *testing.T) {
	h, ctx := jobInstance(t)
	id := submit(t, h, ctx, []string{"true"})
	var names []string
	for ev, err := range h.Events(ctx, id) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Timestamp <= 0 {
			t.Errorf("%s: timestamp %v", ev.Name, ev.Timestamp)
		}
		names = append(names, ev.Name)
	}
	got := strings.Join(names, " ")
	for _, want := range []string{"submit", "validate", "depend", "priority", "alloc", "start", "finish", "release", "free", "clean"} {
		if !strings.Contains(got, want) {
			t.Errorf("event %q missing from %s", want, got)
		}
	}
	if names[0] != "submit" || names[len(names)-1] != "clean" {
		t.Errorf("sequence %s does not go from submit to clean", got)
	}
}

func TestJobOutputStreams(t *testing.T) {
	h, ctx := jobInstance(t)
	id := submit(t, h, ctx, []string{"sh", "-c", "echo out; echo err >&2"})
	var stdout, stderr strings.Builder
	for ev, err := range h.Events(ctx, id, flux.Eventlog(flux.EventlogOutput), flux.EventlogWaitCreate()) {
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := ev.Output(); ok {
			if d.Stream == "stdout" {
				stdout.WriteString(d.Data)
			} else {
				stderr.WriteString(d.Data)
			}
		}
	}
	if stdout.String() != "out\n" || stderr.String() != "err\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

func TestJobWaitable(t *testing.T) {
	h, ctx := jobInstance(t)
	id := submit(t, h, ctx, []string{"sh", "-c", "exit 2"}, flux.Waitable())
	w, err := h.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != id || w.Success || !strings.Contains(w.Errstr, "exit code 2") {
		t.Errorf("wait: %+v", w)
	}
	// Waited for once: a second wait fails.
	if _, err := h.Wait(ctx, id); err == nil {
		t.Error("second wait succeeded")
	}
}

func TestJobListStates(t *testing.T) {
	h, ctx := jobInstance(t)
	run := submit(t, h, ctx, []string{"sleep", "300"})
	done := submit(t, h, ctx, []string{"true"})
	if _, err := h.Result(ctx, done); err != nil {
		t.Fatal(err)
	}
	for ev, err := range h.Events(ctx, run) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Name == "start" {
			break
		}
	}
	defer h.Cancel(context.Background(), run, "")
	// job-list learns of state changes asynchronously: poll briefly.
	deadline := time.Now().Add(10 * time.Second)
	for {
		running, err := h.List(ctx, flux.InStates(flux.StateRunning))
		if err != nil {
			t.Fatal(err)
		}
		inactive, err := h.List(ctx, flux.InStates(flux.StateInactive))
		if err != nil {
			t.Fatal(err)
		}
		if hasJob(running, run, flux.StateRun) && hasJob(inactive, done, flux.StateInactive) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("list: running %v, inactive %v", running, inactive)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hasJob reports whether jobs lists id in state.
func hasJob(jobs []flux.JobInfo, id flux.JobID, state flux.JobState) bool {
	for _, j := range jobs {
		if j.ID == id && j.State == state {
			return true
		}
	}
	return false
}

func TestJobConcurrentSubmissions(t *testing.T) {
	h, ctx := jobInstance(t)
	spec, err := flux.JobspecFromCommand([]string{"true"})
	if err != nil {
		t.Fatal(err)
	}
	spec.SetCwd(os.TempDir())
	// Held jobs (urgency 0) never run, so 200 of them cost little; they
	// are cancelled at the end.
	const n = 200
	ids := make([]flux.JobID, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < n; i += 20 {
				id, err := h.Submit(ctx, spec, flux.Urgency(0))
				if err != nil {
					errs <- err
					return
				}
				ids[i] = id
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[flux.JobID]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("id %v missing or repeated", id)
		}
		seen[id] = true
	}
	for _, id := range ids {
		if err := h.Cancel(ctx, id, ""); err != nil {
			t.Error(err)
		}
	}
}

func TestJobBadJobspecs(t *testing.T) {
	h, ctx := jobInstance(t)
	before, err := h.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Non-JSON is refused by job-ingest itself (EINVAL), the rest by its
	// validator (EPERM).
	for _, c := range []struct {
		spec, text string
		errno      syscall.Errno
	}{
		{`{`, "jobspec: invalid JSON", syscall.EINVAL},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":0}},"version":1}`, "Missing key (command)", syscall.EPERM},
		{`{"resources":[{"type":"slot","count":-1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["true"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":0}},"version":1}`, "node, slot, or core count must be > 0", syscall.EPERM},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["true"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":0}},"version":2}`, "version must be 1", syscall.EPERM},
	} {
		_, err := h.SubmitJSON(ctx, []byte(c.spec))
		if !errors.Is(err, c.errno) {
			t.Errorf("%s: %v, want %v", c.spec, err, c.errno)
			continue
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %q does not mention %q", c.spec, err, c.text)
		}
		t.Logf("job-ingest: %v", err)
	}
	after, err := h.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("bad submissions created jobs: %d before, %d after", len(before), len(after))
	}
	// The builder refuses what it can check before sending.
	spec, _ := flux.JobspecFromCommand([]string{"true"})
	spec.DelAttr("system.duration")
	if _, err := h.Submit(ctx, spec); !errors.Is(err, syscall.EINVAL) ||
		!strings.Contains(err.Error(), "attributes.system.duration is required") {
		t.Errorf("submit of spec without duration: %v", err)
	}
}

func TestJobKill(t *testing.T) {
	h, ctx := jobInstance(t)
	id := submit(t, h, ctx, []string{"sleep", "300"})
	// The signal goes to the tasks: wait until the shell has started them.
	for ev, err := range h.Events(ctx, id, flux.Eventlog(flux.EventlogExec), flux.EventlogWaitCreate()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Name == "shell.start" {
			break
		}
	}
	if err := h.Kill(ctx, id, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r, err := h.Result(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != flux.ResultFailed || r.ExitCode != 128+9 {
		t.Errorf("killed job: %+v (exit code %d)", r, r.ExitCode)
	}
}

func TestJobUnknownID(t *testing.T) {
	h, ctx := jobInstance(t)
	id := flux.JobID(12345)
	if _, err := h.Result(ctx, id); !errors.Is(err, syscall.ENOENT) || !strings.Contains(err.Error(), id.String()) {
		t.Errorf("result of unknown job: %v", err)
	}
	for _, err := range h.Events(ctx, id) {
		if !errors.Is(err, syscall.ENOENT) {
			t.Errorf("events of unknown job: %v", err)
		}
	}
	if _, err := h.Get(ctx, id); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("get of unknown job: %v", err)
	}
	if err := h.Kill(ctx, id, syscall.SIGTERM); err == nil {
		t.Error("kill of unknown job succeeded")
	}
}
