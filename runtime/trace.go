package runtime

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// diagOut is where FLUX_O_TRACE and FLUX_O_MATCHDEBUG output goes
// (standard error); tests swap it with setDiagOutput.
var (
	diagMu  sync.Mutex
	diagOut io.Writer = os.Stderr
)

// setDiagOutput replaces the diagnostic writer and returns the old one.
func setDiagOutput(w io.Writer) io.Writer {
	diagMu.Lock()
	defer diagMu.Unlock()
	old := diagOut
	diagOut = w
	return old
}

// diagWriter returns the current diagnostic writer.
func diagWriter() io.Writer {
	diagMu.Lock()
	defer diagMu.Unlock()
	return diagOut
}

// diagf writes one formatted diagnostic with a single Write.
func diagf(format string, args ...any) {
	_, _ = io.WriteString(diagWriter(), fmt.Sprintf(format, args...))
}

// SetDiagOutput sends the trace (FLUX_O_TRACE) and matchdebug
// (FLUX_O_MATCHDEBUG) output of h's root and its clones to w, one Write
// per message or line, instead of standard error; nil restores standard
// error. Not in flux-core.
func (h *Handle) SetDiagOutput(w io.Writer) {
	if h == nil {
		return
	}
	if w == nil {
		h.core.diagOut.Store(nil)
		return
	}
	h.core.diagOut.Store(&diagSink{w})
}

// diagSink holds a root's diagnostic writer.
type diagSink struct{ w io.Writer }

// diag returns where the root's diagnostics go.
func (c *core) diag() io.Writer {
	if s := c.diagOut.Load(); s != nil {
		return s.w
	}
	return diagWriter()
}

// diagf writes one formatted diagnostic of the root with a single Write.
func (c *core) diagf(format string, args ...any) {
	_, _ = io.WriteString(c.diag(), fmt.Sprintf(format, args...))
}

// traceTimestamp returns seconds since the root's first trace output,
// starting the clock on the first call.
func (c *core) traceTimestamp() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.traced {
		c.traced = true
		c.traceStart = time.Now()
		return 0
	}
	return time.Since(c.traceStart).Seconds()
}

// traceMsg prints m when flags (the root's effective flags) include
// FLUX_O_TRACE.
func (c *core) traceMsg(flags int, m *msg.Message) {
	if flags&OTrace == 0 {
		return
	}
	msg.FprintTS(c.diag(), m, c.traceTimestamp())
}

// traceText prints one of the handle's internal "c" trace blocks when the
// root has FLUX_O_TRACE.
func (c *core) traceText(format string, args ...any) {
	if c.root.FlagsGet()&OTrace == 0 {
		return
	}
	msg.FprintControlText(c.diag(), c.traceTimestamp(), fmt.Sprintf(format, args...))
}
