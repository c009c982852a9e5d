package runtime

import (
	"context"
	"syscall"
	"time"
)

// reactorThen is a continuation run by a reactor (flux-core's "then"
// context): a check and an idle watcher started when the future becomes
// ready (so the loop does not block and the check callback runs the
// continuation), and an optional timer that fulfills the future with
// ETIMEDOUT.
type reactorThen struct {
	r          *Reactor
	check      *Watcher
	idle       *Watcher
	timer      *Watcher
	timeout    float64
	cb         func(*Future)
	initCalled bool
}

// nowContext is a blocking wait on a private reactor (flux-core's "now"
// context), used for futures made with NewFutureInit.
type nowContext struct {
	r          *Reactor
	wake       *Watcher // fired when the waiter's context ends
	h          *Handle  // clone of the future's handle on r, made on demand
	running    bool
	initCalled bool
}

// NewFutureInit returns an empty future whose init callback is called the
// first time the future is waited on (with the future's reactor and handle
// then being those of the wait) and the first time a reactor continuation
// is registered (flux_future_create). A nil init is allowed: the future
// still waits the C way, so a blocking wait that nothing can end fails
// with EDEADLK instead of blocking forever, as flux-core's does.
func NewFutureInit(init func(*Future)) *Future {
	f := NewFuture()
	if init == nil {
		init = func(*Future) {}
	}
	f.rx.init = init
	return f
}

// Incref adds a reference (flux_future_incref); Destroy drops one. nil is
// ignored.
func (f *Future) Incref() {
	if f == nil {
		return
	}
	f.mu.Lock()
	if !f.destroyed {
		f.rx.extraRefs++
	}
	f.mu.Unlock()
}

// Decref is Destroy (flux_future_decref).
func (f *Future) Decref() { f.Destroy() }

// fluxLocked returns the future's handle: the one set with SetFlux, else
// the RPC's handle.
func (f *Future) fluxLocked() *Handle {
	if f.rx.fluxSet {
		return f.rx.fluxH
	}
	return f.rpcHandle()
}

// SetFlux sets the future's handle, taking a reference on it, and, when
// the future has no reactor yet, the handle's reactor
// (flux_future_set_flux). nil clears it.
func (f *Future) SetFlux(h *Handle) {
	if f == nil {
		return
	}
	h.Incref()
	var r *Reactor
	if h != nil {
		r, _ = h.GetReactor()
	}
	f.mu.Lock()
	old := f.rx.fluxH
	f.rx.fluxH, f.rx.fluxSet = h, true
	if h != nil && f.rx.reactor == nil {
		f.rx.reactor = r
	}
	f.mu.Unlock()
	old.Close()
}

// GetFlux returns the future's handle (flux_future_get_flux); during a
// blocking wait on a future made by NewFutureInit it is a clone of that
// handle attached to the wait's private reactor. EINVAL when there is none.
func (f *Future) GetFlux() (*Handle, error) {
	if f == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.fluxLocked()
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	now := f.rx.now
	if now == nil || !now.running {
		return h, nil
	}
	if now.h == nil {
		c, err := h.Clone()
		if err != nil {
			return nil, err
		}
		if err := c.SetReactor(now.r); err != nil {
			c.Close()
			return nil, err
		}
		now.h = c
	}
	return now.h, nil
}

// SetReactor sets the reactor that runs the future's continuations
// (flux_future_set_reactor).
func (f *Future) SetReactor(r *Reactor) {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.rx.reactor = r
	f.mu.Unlock()
}

// GetReactor returns the future's reactor (flux_future_get_reactor): the
// private one during a blocking wait, else the one set with SetReactor or
// SetFlux, else (RPC futures) the handle's reactor. EINVAL when there is
// none.
func (f *Future) GetReactor() (*Reactor, error) {
	if f == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	if f.rx.now != nil && f.rx.now.running {
		r := f.rx.now.r
		f.mu.Unlock()
		return r, nil
	}
	r := f.rx.reactor
	h := f.fluxLocked()
	f.mu.Unlock()
	if r != nil {
		return r, nil
	}
	if h != nil {
		return h.GetReactor()
	}
	return nil, ErrnoError(syscall.EINVAL)
}

// AuxGet returns the value stored on the future under name, looking in the
// future it was fulfilled with (FulfillWith) when absent
// (flux_future_aux_get): ENOENT when there is none.
func (f *Future) AuxGet(name string) (any, error) {
	if f == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	v, err := f.rx.aux.get(name)
	embed := f.rx.embed
	f.mu.Unlock()
	if err != nil && embed != nil {
		return embed.AuxGet(name)
	}
	return v, err
}

// AuxSet stores val under name with the rules of Handle.AuxSet
// (flux_future_aux_set); destructors run when the future is released.
func (f *Future) AuxSet(name *string, val any, destroy func(any)) error {
	if f == nil {
		return ErrnoError(syscall.EINVAL)
	}
	return f.rx.aux.set(&f.mu, name, val, destroy)
}

// ThenReactor registers cb to run on the future's reactor (GetReactor)
// when it is ready (flux_future_then): on the goroutine running that
// reactor, in the iteration after each fulfillment (and after a Reset that
// exposes a queued result). With timeout >= 0 the future is fulfilled with
// ETIMEDOUT when it is not ready within timeout seconds (restarted by
// Reset). For an RPC future the reactor's handle receives messages until
// the final response. A nil future or callback, or a future without a
// reactor, gives EINVAL. While the continuation is pending and the future
// is not ready, only the timer (if any) and, for RPCs, the handle watcher
// keep Run going.
func (f *Future) ThenReactor(timeout float64, cb func(*Future)) error {
	if f == nil || cb == nil {
		return ErrnoError(syscall.EINVAL)
	}
	r, err := f.GetReactor()
	if err != nil {
		return ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	if f.destroyed {
		f.mu.Unlock()
		return ErrnoError(syscall.EINVAL)
	}
	rt := f.rx.rthen
	if rt == nil || rt.r != r {
		if rt != nil {
			rt.destroy()
		}
		rt = &reactorThen{r: r, timeout: -1}
		var err error
		if rt.check, err = r.NewCheckWatcher(f.thenCheckCB); err == nil {
			rt.idle, err = r.NewIdleWatcher(nil)
		}
		if err != nil {
			rt.destroy()
			f.rx.rthen = nil
			f.mu.Unlock()
			return err
		}
		f.rx.rthen = rt
	}
	if f.isReadyLocked() {
		rt.check.Start()
		rt.idle.Start()
	}
	rt.timeout = timeout
	if timeout < 0 {
		rt.timer.Stop()
	} else {
		if rt.timer == nil {
			t, err := r.NewTimerWatcher(0, timeout, f.thenTimerCB)
			if err != nil {
				f.mu.Unlock()
				return err
			}
			rt.timer = t
		}
		rt.timer.TimerReset(0, timeout)
		rt.timer.TimerAgain()
	}
	rt.cb = cb
	callInit := f.rx.init != nil && !rt.initCalled
	rt.initCalled = true
	needRPC := f.rpc != nil && !f.rpc.finished && f.rpc.tag != MatchtagNone && f.rpc.wait == nil
	rh := f.fluxLocked()
	if rh == nil {
		rh = f.rpcHandle()
	}
	f.mu.Unlock()
	if needRPC {
		f.rpcReceiveOn(rh, r)
	}
	if callInit {
		f.rx.init(f)
	}
	return nil
}

// rpcReceiveOn makes sure a dispatcher on reactor r receives messages
// until this RPC's final response: rh's own, or that of a clone of rh
// attached to r when rh has another reactor.
func (f *Future) rpcReceiveOn(rh *Handle, r *Reactor) {
	var clone *Handle
	if hr, err := rh.GetReactor(); err != nil || hr != r {
		c, err := rh.Clone()
		if err != nil {
			return
		}
		if err := c.SetReactor(r); err != nil {
			c.Close()
			return
		}
		clone, rh = c, c
	}
	d, err := rh.dispatchGet()
	if err != nil {
		clone.Close()
		return
	}
	f.mu.Lock()
	if f.rpc.wait != nil || f.rpc.finished || f.destroyed {
		f.mu.Unlock()
		clone.Close()
		return
	}
	f.rpc.wait, f.rpc.clone = d, clone
	d.rpcWaitAdd()
	f.mu.Unlock()
}

// takeRPCWaitLocked detaches the dispatcher kept receiving for this RPC
// once the final response arrived (or always, with force) and returns the
// function that lets it go. Call with f.mu held; call the result without.
func (f *Future) takeRPCWaitLocked(force bool) func() {
	if f.rpc == nil || f.rpc.wait == nil || (!force && !f.rpc.finished) {
		return func() {}
	}
	d, clone := f.rpc.wait, f.rpc.clone
	f.rpc.wait, f.rpc.clone = nil, nil
	return func() {
		d.rpcWaitDone()
		if clone != nil {
			d.requeue()
			clone.Close()
		}
	}
}

// thenCheckCB runs the reactor continuation.
func (f *Future) thenCheckCB(_ *Reactor, _ *Watcher, _ int) {
	f.mu.Lock()
	rt := f.rx.rthen
	if f.destroyed || rt == nil {
		f.mu.Unlock()
		return
	}
	rt.timer.Stop()
	rt.check.Stop()
	rt.idle.Stop()
	cb := rt.cb
	ready := f.isReadyLocked()
	f.mu.Unlock()
	if ready && cb != nil {
		cb(f)
	}
}

// thenTimerCB fulfills the future with ETIMEDOUT.
func (f *Future) thenTimerCB(_ *Reactor, _ *Watcher, _ int) {
	f.FulfillError(int(syscall.ETIMEDOUT), nil)
}

// postFulfillLocked tells the reactor machinery about a fulfillment: a
// blocking wait stops, a reactor continuation is scheduled. Call with f.mu
// held.
func (f *Future) postFulfillLocked() {
	if f.rx.now != nil {
		f.rx.now.r.Stop()
	}
	if rt := f.rx.rthen; rt != nil {
		rt.check.Start()
		rt.idle.Start()
	}
}

// resetThenLocked unschedules the reactor continuation and restarts its
// timeout, for Reset. Call with f.mu held.
func (f *Future) resetThenLocked() {
	rt := f.rx.rthen
	if rt == nil {
		return
	}
	rt.check.Stop()
	rt.idle.Stop()
	if rt.timeout >= 0 && rt.timer != nil {
		rt.timer.TimerAgain()
	}
}

// destroy releases the continuation's watchers.
func (rt *reactorThen) destroy() {
	rt.check.Destroy()
	rt.idle.Destroy()
	rt.timer.Destroy()
}

// destroyReactorParts releases what the reactor integration holds once
// the future is destroyed: aux items (destructors run front to back),
// the embedded future, watchers, the private reactor and its clone, the
// handle reference, composite children and chain links.
func (f *Future) destroyReactorParts() {
	f.mu.Lock()
	embed := f.rx.embed
	f.rx.embed = nil
	rt := f.rx.rthen
	f.rx.rthen = nil
	now := f.rx.now
	f.rx.now = nil
	fluxH := f.rx.fluxH
	f.rx.fluxH = nil
	comp := f.rx.comp
	chain, chained := f.rx.chain, f.rx.chained
	f.mu.Unlock()
	f.rx.aux.destroyAll(&f.mu)
	if rt != nil {
		rt.destroy()
	}
	if now != nil {
		now.wake.Destroy()
		now.h.Close()
		now.r.Decref()
	}
	fluxH.Close()
	if comp != nil {
		comp.destroyChildren()
	}
	if chain != nil {
		chain.nextGone()
	}
	if chained != nil {
		chained.prevGone()
	}
	embed.Destroy()
}

// waitNow is the blocking wait of a future made by NewFutureInit
// (flux_future_wait_for): on first use it makes a private reactor, calls
// the init callback (which may start watchers on GetReactor and use
// GetFlux) and runs that reactor until the future is ready. It fails with
// EDEADLK when the reactor runs out of watchers first, and with a context
// error when ctx ends first.
func (f *Future) waitNow(ctx context.Context) error {
	f.mu.Lock()
	if f.destroyed {
		f.mu.Unlock()
		return ErrnoError(syscall.EINVAL)
	}
	if f.isReadyLocked() {
		f.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		f.mu.Unlock()
		return newContextError(err)
	}
	if f.rx.now != nil && f.rx.now.running {
		// Another goroutine runs the wait: just wait for the result.
		ready := f.readyCh
		f.mu.Unlock()
		select {
		case <-ready:
			return nil
		case <-ctx.Done():
			return newContextError(ctx.Err())
		}
	}
	if f.rx.now == nil {
		r, err := NewReactor(0)
		if err != nil {
			f.mu.Unlock()
			return err
		}
		wake, err := r.NewWakeWatcher(func(r *Reactor, _ *Watcher, _ int) { r.Stop() })
		if err != nil {
			r.Decref()
			f.mu.Unlock()
			return err
		}
		wake.Unref()
		wake.Start()
		f.rx.now = &nowContext{r: r, wake: wake}
	}
	now := f.rx.now
	now.running = true
	callInit := !now.initCalled
	now.initCalled = true
	f.mu.Unlock()

	stop := context.AfterFunc(ctx, now.wake.Wake)
	// A deadline is a timer on the private reactor, as flux-core's
	// wait_for timeout is: it keeps Run going until then, so a future
	// nothing else can fulfill times out rather than failing with EDEADLK.
	var deadline *Watcher
	timedOut := false
	if dl, ok := ctx.Deadline(); ok {
		after := max(time.Until(dl).Seconds(), 0)
		deadline, _ = now.r.NewTimerWatcher(after, 0, func(r *Reactor, _ *Watcher, _ int) {
			timedOut = true
			r.Stop()
		})
		deadline.Start()
	}
	if callInit && f.rx.init != nil {
		f.rx.init(f)
	}
	var err error
	for !f.IsReady() {
		if cerr := ctx.Err(); cerr != nil {
			err = newContextError(cerr)
			break
		}
		if timedOut {
			err = newContextError(context.DeadlineExceeded)
			break
		}
		n, rerr := now.r.Run(0)
		if n < 0 {
			err = rerr
			if err == nil {
				err = ErrnoError(syscall.EINVAL)
			}
			break
		}
		if n == 0 && !f.IsReady() && ctx.Err() == nil && !timedOut {
			err = ErrnoError(syscall.EDEADLK)
			break
		}
	}
	stop()
	deadline.Destroy()
	f.mu.Lock()
	h := now.h
	f.mu.Unlock()
	if h != nil {
		_ = h.DispatchRequeue()
	}
	f.mu.Lock()
	now.running = false
	f.mu.Unlock()
	if err != nil && f.IsReady() {
		return nil
	}
	return err
}

// FulfillWith fulfills f with p's current result (flux_future_fulfill_with):
// its fatal error, error or value, in that order. p is kept (and found by
// AuxGet) until f is released. EINVAL for nil or identical futures,
// EEXIST when f was already fulfilled from another future, EAGAIN when p
// is not ready.
func (f *Future) FulfillWith(p *Future) error {
	if f == nil || p == nil || f == p {
		return ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	embed := f.rx.embed
	f.mu.Unlock()
	if embed != nil && embed != p {
		return ErrnoError(syscall.EEXIST)
	}
	p.mu.Lock()
	if !p.isReadyLocked() || p.destroyed {
		p.mu.Unlock()
		return ErrnoError(syscall.EAGAIN)
	}
	var res futureResult
	fatal := p.fatal != nil
	if fatal {
		res = *p.fatal
	} else {
		res = p.results[0]
		res.free = nil // p keeps ownership of the value
	}
	p.mu.Unlock()
	if fatal {
		f.fatalErr(res.err)
	} else {
		f.push(res)
	}
	f.mu.Lock()
	if f.rx.embed == nil {
		f.rx.embed = p
		p.Incref()
	}
	f.mu.Unlock()
	return nil
}

// fatalErr is FatalError with a ready-made error.
func (f *Future) fatalErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.destroyed || f.fatal != nil {
		return // the first fatal error wins
	}
	f.fatal = &futureResult{err: err}
	f.markReadyLocked()
}
