package flux

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync/atomic"
	"syscall"
)

// PanicError describes a panic recovered from a callback of the handle: a
// HandleFunc handler, a RegisterService handler or a Future.Then
// function. The panic does not escape: the program goes on, and a request
// the callback had not answered gets an EIO error response ("request
// handler panicked"), so its sender is not left waiting.
type PanicError struct {
	Callback string // "HandleFunc", "RegisterService" or "Future.Then"
	Topic    string // the message's topic (the RPC's, for Future.Then)
	Value    any    // what was passed to panic
	Stack    []byte // the panicking goroutine's stack
}

// Error returns "panic in <callback> for <topic>: <value>".
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s for %s: %v", e.Callback, e.Topic, e.Value)
}

// WithPanicHandler has fn called with each panic recovered from the
// handle's callbacks (and its clones'), on the goroutine that panicked.
// Without it the panic and its stack are written to standard error.
func WithPanicHandler(fn func(*PanicError)) Option {
	return optionFunc(func(c *openConfig) { c.panicFn = fn })
}

// panicText is the error text a request whose handler panicked gets.
const panicText = "request handler panicked"

// guard runs fn, recovering a panic: it is reported to h's hook and, when
// answer is not nil, answer is called to send the pending request its
// error response.
func (h *Handle) guard(callback, topic string, answer func(), fn func()) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		pe := &PanicError{Callback: callback, Topic: topic, Value: v, Stack: debug.Stack()}
		if answer != nil {
			answer()
		}
		h.reportPanic(pe)
	}()
	fn()
}

// reportPanic hands pe to the hook, or writes it to standard error. A
// panicking hook is not called again for the same panic.
func (h *Handle) reportPanic(pe *PanicError) {
	if h != nil && h.panicFn != nil {
		defer func() { _ = recover() }()
		h.panicFn(pe)
		return
	}
	fmt.Fprintf(os.Stderr, "flux: %v\n%s", pe, pe.Stack)
}

// answered tracks whether a request got its final answer: any response to
// a request that is not streaming, or an error response.
type answered struct{ done atomic.Bool }

// note records a response sent successfully.
func (a *answered) note(streaming, isError bool, err error) {
	if err == nil && (!streaming || isError) {
		a.done.Store(true)
	}
}

// panicAnswer returns the function that answers a request with EIO after
// its handler panicked, unless it was answered already.
func panicAnswer(a *answered, respondErr func(syscall.Errno, string) error) func() {
	return func() {
		if !a.done.Load() {
			_ = respondErr(syscall.EIO, panicText)
		}
	}
}
