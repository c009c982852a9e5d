package job

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
	"github.com/fluxgo/fluxgo/runtime"
)

// openFull opens a runtime handle on the shared full flux-core instance.
func openFull(t *testing.T) (*runtime.Handle, context.Context) {
	t.Helper()
	in := fluxtest.Shared(t, fluxtest.Options{Full: true})
	h, err := runtime.Open(&in.URI, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return h, ctx
}

// submitCmd submits argv and returns the id.
func submitCmd(t *testing.T, ctx context.Context, h *runtime.Handle, flags int, argv ...string) ID {
	t.Helper()
	js, err := JobspecFromCommand(argv, []string{"PATH=" + os.Getenv("PATH")}, 1, 1, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	js.SetCwd(os.TempDir())
	f, err := SubmitContext(ctx, h, js.String(), UrgencyDefault, flags)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := SubmitGetID(f)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestResultFuture(t *testing.T) {
	h, ctx := openFull(t)
	id := submitCmd(t, ctx, h, 0, "sh", "-c", "exit 5")
	f, err := ResultFuture(h, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := ResultGet(f)
	if err != nil {
		t.Fatal(err)
	}
	// Keys come in the order flux-core's library adds them.
	prefix := fmt.Sprintf(`{"id":%d,"exception_occurred":false,"t_submit":`, id)
	if !strings.HasPrefix(s, prefix) || !strings.Contains(s, `"waitstatus":1280,`) ||
		!strings.HasSuffix(s, fmt.Sprintf(`"result":%d}`, ResultFailed)) {
		t.Errorf("result %s", s)
	}
	o, err := ResultObject(f)
	if err != nil {
		t.Fatal(err)
	}
	if ws, _ := o.Get("waitstatus"); fmt.Sprint(ws) != "1280" {
		t.Errorf("waitstatus %v", ws)
	}
	if code, text, _ := WaitstatusToExitcode(1280); code != 5 || text != "task(s) exited with exit code 5" {
		t.Errorf("exit code %d %q", code, text)
	}
}

func TestWaitAny(t *testing.T) {
	h, ctx := openFull(t)
	id := submitCmd(t, ctx, h, FlagWaitable, "true")
	// IDAny travels as -1, as flux-core packs it.
	f, err := Wait(h, IDAny)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := WaitGetID(f)
	if err != nil || got != id {
		t.Fatalf("wait any: %d, %v; want %d", got, err, id)
	}
	ok, errstr, err := WaitGetStatus(f)
	if err != nil || !ok || errstr != "" {
		t.Errorf("status %v %q %v", ok, errstr, err)
	}
}

func TestEventWatchSentinelAndCancel(t *testing.T) {
	h, ctx := openFull(t)
	id := submitCmd(t, ctx, h, 0, "sleep", "300")
	defer func() {
		if f, err := Cancel(h, id, nil); err == nil {
			f.Wait(ctx)
			f.Destroy()
		}
	}()
	f, err := EventWatch(h, id, EventlogMain, EventWatchInitialSentinel)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	var names []string
	for {
		if err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		e, err := EventWatchGet(f)
		if err != nil {
			t.Fatal(err)
		}
		f.Reset()
		if e == nil {
			break // the end of what was already written
		}
		ev, err := DecodeEvent(*e)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, ev.Name)
	}
	if len(names) == 0 || names[0] != "submit" {
		t.Fatalf("entries before the sentinel: %v", names)
	}
	if err := EventWatchCancel(f); err != nil {
		t.Fatal(err)
	}
	// Entries already queued may come first; the stream then ends.
	for {
		if err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := EventWatchGet(f)
		if errors.Is(err, syscall.ENODATA) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Reset()
	}
}

func TestSubmitGuestGetsHint(t *testing.T) {
	h, ctx := openFull(t)
	other := strconv.Itoa(os.Getuid() + 1)
	h.AttrSetCacheonly("security.owner", &other)
	f, err := Submit(h, "{}", UrgencyDefault, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = SubmitGetID(f)
	if !errors.Is(err, syscall.EPERM) || !strings.HasPrefix(err.Error(), "only instance owner can use sign-type=none") ||
		!strings.Contains(err.Error(), "FLUX_JOB_PRE_SIGNED") {
		t.Errorf("guest submit: %v", err)
	}
}

func TestSubmitPreSigned(t *testing.T) {
	h, ctx := openFull(t)
	js, _ := JobspecFromCommand([]string{"true"}, nil, 1, 1, 0, 0, 0)
	js.SetCwd(os.TempDir())
	J := SignNone([]byte(js.String()), uint32(os.Getuid()))
	f, err := Submit(h, J, UrgencyDefault, FlagPreSigned)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	f.Wait(ctx)
	if _, err := SubmitGetID(f); err != nil {
		t.Fatal(err)
	}
	// A J signed for someone else is refused by job-ingest.
	f2, _ := Submit(h, SignNone([]byte(js.String()), uint32(os.Getuid()+1)), UrgencyDefault, FlagPreSigned)
	defer f2.Destroy()
	f2.Wait(ctx)
	if _, err := SubmitGetID(f2); !errors.Is(err, syscall.EPERM) || !strings.Contains(err.Error(), "signer=") {
		t.Errorf("J of another signer: %v", err)
	}
}

func TestListIDUnknownAndTimeleft(t *testing.T) {
	h, ctx := openFull(t)
	f, err := ListID(h, 12345, `["state"]`)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	f.Wait(ctx)
	if _, err := f.Get(); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("list-id of unknown job: %v", err)
	}
	if _, err := ListID(h, 1, "not json"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("bad attrs: %v", err)
	}
	t.Setenv("FLUX_JOB_ID", "")
	os.Unsetenv("FLUX_JOB_ID")
	left, err := Timeleft(ctx, h)
	if err != nil || !math.IsInf(left, 1) {
		t.Errorf("timeleft of an unlimited instance: %v, %v", left, err)
	}
	t.Setenv("FLUX_JOB_ID", "ƒ2")
	if _, err := Timeleft(ctx, h); err == nil || err.Error() != "ƒ2: no such jobid" {
		t.Errorf("timeleft of unknown job: %v", err)
	}
}
