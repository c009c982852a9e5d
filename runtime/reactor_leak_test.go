package runtime

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestReactorNoGoroutineLeak checks that signal forwarding and reactor use
// leave no goroutine behind once watchers and handles are gone.
func TestReactorNoGoroutineLeak(t *testing.T) {
	// os/signal starts one process-wide goroutine on first use; start it
	// before counting.
	warm := make(chan os.Signal, 1)
	signal.Notify(warm, syscall.SIGUSR2)
	signal.Stop(warm)
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		h := mustOpen(t, "loop://", 0)
		r, _ := h.GetReactor()
		sw, _ := r.NewSignalWatcher(int(syscall.SIGUSR2), nil)
		sw.Start()
		tw, _ := r.NewTimerWatcher(0.001, 0, func(*Reactor, *Watcher, int) { sw.Stop() })
		tw.Start()
		mh, _ := h.MsgHandlerCreate(Match{}, func(*Handle, *MsgHandler, *msg.Message) {})
		mh.Start()
		mh.Stop()
		mustRun(t, r, 0)
		sw.Destroy()
		tw.Destroy()
		mh.Destroy()
		h.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("goroutines: %d before, %d after\n%s", before, n, buf)
	}
}
