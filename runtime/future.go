package runtime

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// futureResult is one fulfillment of a future: a value (a response
// message for RPC futures) or an error.
type futureResult struct {
	val  any
	err  error
	free func(any) // releases val when the future drops it; nil: nothing to do
}

// dispose releases the value of a dropped result.
func (r futureResult) dispose() {
	if r.free != nil && r.val != nil {
		r.free(r.val)
	}
}

// Future is a flux_future_t: a result that becomes ready later, possibly
// more than once (streaming RPCs queue their responses). RPC futures are
// made by RPC and friends; NewFuture makes one the caller fulfills. All
// methods are safe for concurrent use and nil-safe.
//
// How an RPC future gets its response depends on the handle: when a
// RecvLoop runs on the handle's root it routes the response and Wait only
// blocks; otherwise the waiting goroutine receives messages itself (see the
// package documentation).
type Future struct {
	mu        sync.Mutex
	results   []futureResult // results[0] is the current one
	fatal     *futureResult  // a fatal error overrides every result
	readyCh   chan struct{}  // closed while the future is ready
	destroyed bool

	then        func(*Future)
	thenRunning bool
	gen, called uint64 // readiness generations, for continuations

	rpc *rpcFuture // the RPC's state; nil for futures that are not RPCs

	rx futureRx // reactor integration and the C API's extras
}

// futureRx is the part of a Future that serves flux-core's C future API:
// reactors, init callbacks, aux items, composites and chains
// (future_reactor.go, composite.go, chain.go).
type futureRx struct {
	extraRefs int           // references beyond the first (Incref)
	aux       auxList       // flux_future_aux_set items
	reactor   *Reactor      // flux_future_set_reactor
	fluxH     *Handle       // flux_future_set_flux (holds a reference)
	fluxSet   bool          // fluxH replaces the RPC's handle as the future's
	init      func(*Future) // flux_future_create init callback
	rthen     *reactorThen  // continuation run by a reactor
	now       *nowContext   // blocking wait on a private reactor
	embed     *Future       // source of FulfillWith results
	comp      *compositeState
	chain     *chainState // set on the "next" future of a chain
	chained   *chainState // set on the "prev" future of a chain
}

// rpcFuture is the part of a Future only RPCs have (rpc.go). It is set
// before the future is handed out and never replaced.
type rpcFuture struct {
	h        *Handle
	tag      uint32
	nodeid   uint32
	flags    int
	finished bool // the final response arrived
	tagHeld  bool // tag is still this future's to release
	// sending is true (under the RPC table's lock) while the request is
	// being sent: a connection lost and replaced during that send must not
	// fail the RPC, because the retried send puts it on the new connection.
	sending bool
	// sendFail is the error failPending would have ended the RPC with
	// while its send was under way, and sendFailEpoch the connection
	// epoch that failed: a request written to that connection (or an
	// older one) will never be answered, so the RPC fails after all.
	sendFail      error
	sendFailEpoch uint64

	// onSuccess, if set, runs once per success response before it is
	// queued (used to remember subscriptions and registrations).
	onSuccess func()

	// With a reactor continuation (future_reactor.go): the message
	// dispatcher kept receiving for this RPC, and the clone receiving on
	// the continuation's reactor when the handle has another one.
	wait  *dispatch
	clone *Handle
}

// rpcHandle returns an RPC future's handle, nil for other futures.
func (f *Future) rpcHandle() *Handle {
	if f.rpc == nil {
		return nil
	}
	return f.rpc.h
}

// NewFuture returns an empty future that the caller fulfills with Fulfill
// or FulfillError (flux_future_create without init callback).
func NewFuture() *Future {
	return &Future{readyCh: make(chan struct{})}
}

// isReadyLocked reports readiness; call with f.mu held.
func (f *Future) isReadyLocked() bool {
	return f.fatal != nil || len(f.results) > 0
}

// markReadyLocked closes the ready channel and schedules the continuation
// when the future just became ready (or a new result became current).
func (f *Future) markReadyLocked() {
	select {
	case <-f.readyCh:
	default:
		close(f.readyCh)
	}
	f.gen++
	f.scheduleThenLocked()
	f.postFulfillLocked()
}

// push adds a result; it becomes current when the queue was empty.
func (f *Future) push(r futureResult) {
	if f == nil {
		return
	}
	f.mu.Lock()
	if f.destroyed {
		f.mu.Unlock()
		r.dispose()
		return
	}
	f.results = append(f.results, r)
	if len(f.results) == 1 && f.fatal == nil {
		f.markReadyLocked()
	} else if f.fatal == nil {
		f.postFulfillLocked()
	}
	release := f.takeRPCWaitLocked(false)
	f.mu.Unlock()
	release()
}

// Fulfill adds a successful result (flux_future_fulfill). Extra
// fulfillments are queued behind the current one; see Reset. A nil future
// is ignored.
func (f *Future) Fulfill(val any) {
	f.push(futureResult{val: val})
}

// FulfillFree is Fulfill with a destructor (flux_future_fulfill with a
// free function): free(val) runs once the future drops the value, when a
// Reset moves past it or the future is destroyed. free may be nil.
func (f *Future) FulfillFree(val any, free func(any)) {
	r := futureResult{val: val, free: free}
	if f == nil {
		r.dispose()
		return
	}
	f.push(r)
}

// FulfillError adds an error result with errnum and optional text
// (flux_future_fulfill_error). A nil future is ignored.
func (f *Future) FulfillError(errnum int, text *string) {
	f.push(futureResult{err: resultError(syscall.Errno(errnum), text)})
}

// FatalError makes the future fail with errnum (and optional text) from now
// on, whatever results it holds (flux_future_fatal_error). The first fatal
// error wins. A nil future is ignored.
func (f *Future) FatalError(errnum int, text *string) {
	if f == nil {
		return
	}
	f.fatalErr(resultError(syscall.Errno(errnum), text))
}

// resultError makes the error of an error result.
func resultError(errnum syscall.Errno, text *string) error {
	if text != nil && *text != "" {
		return &Error{Errno: errnum, Text: *text}
	}
	return ErrnoError(errnum)
}

// IsReady reports whether a result is available (flux_future_is_ready).
// A nil future is not ready.
func (f *Future) IsReady() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.isReadyLocked()
}

// current returns the current result; ok is false when not ready.
func (f *Future) current() (futureResult, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fatal != nil {
		return *f.fatal, true
	}
	if len(f.results) == 0 {
		return futureResult{}, false
	}
	return f.results[0], true
}

// Result waits for the future and returns its current value or error
// (flux_future_get with a generic result).
func (f *Future) Result() (any, error) {
	if err := f.Wait(context.Background()); err != nil {
		return nil, err
	}
	r, _ := f.current()
	return r.val, r.err
}

// Get waits for the future and returns its current result as a message
// (flux_future_get). For RPC futures that is the response; an error
// response gives an *Error with the response's errno and text. A
// FLUX_RPC_NORESPONSE future gives (nil, nil). A nil or destroyed future
// gives EINVAL.
func (f *Future) Get() (*msg.Message, error) {
	v, err := f.Result()
	if err != nil {
		return nil, err
	}
	m, _ := v.(*msg.Message)
	return m, nil
}

// RPCGet is Get for flux_rpc_get: a result without a message (a
// NORESPONSE RPC) is EINVAL.
func (f *Future) RPCGet() (*msg.Message, error) {
	m, err := f.Get()
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return m, nil
}

// ErrorString returns the text of the current error result: the error's
// own text, else the errno's description; nil when the future is nil, not
// ready or holds no error (flux_future_error_string).
func (f *Future) ErrorString() *string {
	if f == nil {
		return nil
	}
	r, ok := f.current()
	if !ok || r.err == nil {
		return nil
	}
	text := ErrorText(r.err)
	return &text
}

// HasError reports whether the current result is an error.
func (f *Future) HasError() bool {
	if f == nil {
		return false
	}
	r, ok := f.current()
	return ok && r.err != nil
}

// WaitFor waits at most timeout seconds for the future to be ready
// (flux_future_wait_for); a negative timeout waits forever and 0 only
// checks. It fails with ETIMEDOUT when time runs out, EINVAL for a nil or
// destroyed future, or the receive error that stopped the wait.
func (f *Future) WaitFor(timeout float64) error {
	if f == nil {
		return ErrnoError(syscall.EINVAL)
	}
	ctx := context.Background()
	if timeout >= 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeout*float64(time.Second)))
		defer cancel()
	}
	err := f.Wait(ctx)
	var ce *contextError
	if errors.As(err, &ce) {
		return ErrnoError(ce.errno)
	}
	return err
}

// Wait blocks until the future is ready or ctx is done. A done context
// gives an error that matches both the context's error and ETIMEDOUT
// (deadline) or ECANCELED (cancel) with errors.Is.
func (f *Future) Wait(ctx context.Context) error {
	if f == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if f.rx.init != nil && f.rpc == nil {
		return f.waitNow(ctx)
	}
	for {
		f.mu.Lock()
		if f.destroyed {
			f.mu.Unlock()
			return ErrnoError(syscall.EINVAL)
		}
		if f.isReadyLocked() {
			f.mu.Unlock()
			return nil
		}
		ready := f.readyCh
		h := f.rpcHandle()
		f.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return newContextError(err)
		}
		if h == nil {
			select {
			case <-ready:
			case <-ctx.Done():
			}
			continue
		}
		if err := h.core.driveFuture(ctx, f, ready); err != nil {
			return err
		}
	}
}

// Reset drops the current result so the next queued one (streaming RPCs)
// becomes current; with none queued the future is not ready again
// (flux_future_reset). A fatal error is kept. A nil future is ignored.
func (f *Future) Reset() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetThenLocked()
	if f.fatal != nil || len(f.results) == 0 {
		return
	}
	dropped := f.results[0]
	defer dropped.dispose()
	f.results[0] = futureResult{}
	f.results = f.results[1:]
	if len(f.results) == 0 {
		f.readyCh = make(chan struct{})
		return
	}
	f.gen++
	f.scheduleThenLocked()
	f.postFulfillLocked()
}

// Then registers fn to run, on a new goroutine, each time a result becomes
// current: now if the future is ready, and again after each Reset that
// exposes a queued result or after the next fulfillment. Calls for one
// future never overlap. RPC futures need a running RecvLoop on their
// handle's root (flux-core needs a reactor); otherwise, and for a nil fn
// or future, Then fails with EINVAL.
func (f *Future) Then(fn func(*Future)) error {
	if f == nil || fn == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if h := f.rpcHandle(); h != nil && h.core.recvLoop() == nil {
		return ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.destroyed {
		return ErrnoError(syscall.EINVAL)
	}
	f.then = fn
	f.called = 0
	if f.isReadyLocked() {
		f.scheduleThenLocked()
	}
	return nil
}

// scheduleThenLocked starts the continuation runner if a call is due.
func (f *Future) scheduleThenLocked() {
	if f.then == nil || f.thenRunning || f.destroyed || f.called >= f.gen || !f.isReadyLocked() {
		return
	}
	f.thenRunning = true
	go f.runThen()
}

// runThen calls the continuation while new results are due.
func (f *Future) runThen() {
	for {
		f.mu.Lock()
		if f.then == nil || f.destroyed || f.called >= f.gen || !f.isReadyLocked() {
			f.thenRunning = false
			f.mu.Unlock()
			return
		}
		f.called = f.gen
		fn := f.then
		f.mu.Unlock()
		fn(f)
	}
}

// Destroy drops a reference (flux_future_destroy, flux_future_decref);
// the last one releases the future. For an RPC whose
// final response has arrived the matchtag goes back to the pool; for an
// unfinished one the tag stays reserved until the final response shows up
// (late-response reclaim) and, with FLUX_O_MATCHDEBUG, the leak is
// reported as flux-core does. Using a destroyed future fails with EINVAL.
// A nil future is ignored.
func (f *Future) Destroy() {
	if f == nil {
		return
	}
	f.mu.Lock()
	if f.destroyed {
		f.mu.Unlock()
		return
	}
	if f.rx.extraRefs > 0 {
		f.rx.extraRefs--
		f.mu.Unlock()
		return
	}
	f.destroyed = true
	f.then = nil
	dropped := f.results
	f.results = nil
	defer func() {
		for _, r := range dropped {
			r.dispose()
		}
	}()
	select {
	case <-f.readyCh:
	default:
		close(f.readyCh) // wake waiters; they see destroyed
	}
	h := f.rpcHandle()
	release := f.takeRPCWaitLocked(true)
	f.mu.Unlock()
	release()
	if h != nil {
		h.core.rpcRetire(f)
	}
	f.destroyReactorParts()
}

// Matchtag returns the RPC's matchtag, 0 for NORESPONSE RPCs and non-RPC
// futures (flux_rpc_get_matchtag).
func (f *Future) Matchtag() uint32 {
	if f == nil || f.rpc == nil {
		return MatchtagNone
	}
	return f.rpc.tag
}

// Nodeid returns the nodeid the RPC was sent to, as passed (UPSTREAM stays
// NodeIDUpstream); NodeIDAny for non-RPC futures (flux_rpc_get_nodeid).
func (f *Future) Nodeid() uint32 {
	if f == nil || f.rpc == nil {
		return msg.NodeIDAny
	}
	return f.rpc.nodeid
}

// contextError is the error of a wait ended by its context: it matches
// the context's error and an errno with errors.Is.
type contextError struct {
	ctx   error
	errno syscall.Errno
}

// ContextError is the error of a wait ended by a context whose error is
// err: it matches err and ETIMEDOUT (deadline) or ECANCELED.
func ContextError(err error) error { return newContextError(err) }

func newContextError(err error) error {
	e := &contextError{ctx: err, errno: syscall.ECANCELED}
	if err == context.DeadlineExceeded {
		e.errno = syscall.ETIMEDOUT
	}
	return e
}

// Error returns the context's error text.
func (e *contextError) Error() string { return e.ctx.Error() }

// Unwrap exposes both the context error and the errno.
func (e *contextError) Unwrap() []error { return []error{e.ctx, e.errno} }
