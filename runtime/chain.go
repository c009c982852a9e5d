package runtime

import (
	"sync"
	"syscall"
)

// chainState links a future ("prev") to the future AndThen/OrThen returned
// for it ("next"), as flux-core's chained futures do.
type chainState struct {
	mu         sync.Mutex
	prev, next *Future
	continued  bool
	andThen    func(*Future)
	orThen     func(*Future)
}

// chainGet returns prev's chain, creating it and its "next" future (which
// inherits prev's reactor and handle) on first use.
func (prev *Future) chainGet() *chainState {
	prev.mu.Lock()
	cs := prev.rx.chained
	prev.mu.Unlock()
	if cs != nil {
		return cs
	}
	cs = &chainState{prev: prev}
	next := NewFutureInit(func(f *Future) { cs.init(f) })
	next.rx.chain = cs
	cs.next = next
	prev.mu.Lock()
	if prev.rx.chained != nil {
		cs = prev.rx.chained
		prev.mu.Unlock()
		return cs
	}
	prev.rx.chained = cs
	prev.mu.Unlock()
	propagateContext(prev, next)
	return cs
}

// AndThen returns a future ("next") that is fulfilled once f is: when f
// succeeds cb runs (on f's reactor) and may continue the chain with
// Continue, ContinueError or FulfillNext; otherwise, or when cb does not
// continue it, next takes f's result (flux_future_and_then). Calling
// AndThen and OrThen on one future gives the same next future.
func (f *Future) AndThen(cb func(*Future)) (*Future, error) {
	if f == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	cs := f.chainGet()
	cs.mu.Lock()
	cs.andThen = cb
	cs.mu.Unlock()
	return cs.next, nil
}

// OrThen is AndThen for failure: cb runs when f fails
// (flux_future_or_then).
func (f *Future) OrThen(cb func(*Future)) (*Future, error) {
	if f == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	cs := f.chainGet()
	cs.mu.Lock()
	cs.orThen = cb
	cs.mu.Unlock()
	return cs.next, nil
}

// init runs when next is first waited on or given a continuation: prev
// gets next's context and a continuation that drives the chain.
func (cs *chainState) init(next *Future) {
	cs.mu.Lock()
	prev := cs.prev
	cs.mu.Unlock()
	if _, err := next.GetReactor(); prev == nil || err != nil {
		next.FulfillError(int(syscall.EINVAL), nil)
		return
	}
	propagateContext(next, prev)
	if err := prev.ThenReactor(-1, cs.continuation); err != nil {
		next.FulfillError(int(ErrnoOf(err)), nil)
	}
}

// continuation runs the and/or callback for prev and passes prev's result
// on to next unless the callback continued the chain itself.
func (cs *chainState) continuation(prev *Future) {
	cs.mu.Lock()
	cs.continued = false
	andThen, orThen := cs.andThen, cs.orThen
	cs.mu.Unlock()
	prev.Incref()
	ran := false
	if _, err := prev.Result(); err != nil {
		if orThen != nil {
			orThen(prev)
			ran = true
		}
	} else if andThen != nil {
		andThen(prev)
		ran = true
	}
	if !prev.IsReady() {
		prev.Decref()
		return
	}
	cs.mu.Lock()
	continued, next := cs.continued, cs.next
	cs.mu.Unlock()
	if !continued && next != nil {
		if err := next.FulfillWith(prev); err != nil {
			text := "chained_continuation: fulfill_with failed"
			next.FatalError(int(ErrnoOf(err)), &text)
		}
	}
	prev.Decref()
	if !ran {
		prev.Destroy()
	}
}

// Continue continues the chain of f (the future an and/or callback got)
// with next: the chained future is fulfilled with next's result once next
// is ready, and next is then destroyed (flux_future_continue). A nil next
// only marks the chain continued; next == f fulfills it at once. EINVAL
// when f is not part of a chain.
func (f *Future) Continue(next *Future) error {
	cs := f.chainOf()
	if cs == nil {
		return ErrnoError(syscall.EINVAL)
	}
	target := cs.markContinued()
	if target == nil {
		return ErrnoError(syscall.EINVAL)
	}
	if next == nil {
		return nil
	}
	if next == f {
		return target.FulfillWith(f)
	}
	propagateContext(f, next)
	return next.ThenReactor(-1, func(p *Future) {
		if err := target.FulfillWith(p); err != nil {
			text := "fulfill_next: flux_future_fulfill_with failed"
			target.FatalError(int(ErrnoOf(err)), &text)
		}
		p.Destroy()
	})
}

// ContinueError fulfills the chained future of f with an error
// (flux_future_continue_error); ignored when f is not chained.
func (f *Future) ContinueError(errnum int, text *string) {
	if cs := f.chainOf(); cs != nil {
		if next := cs.markContinued(); next != nil {
			next.FulfillError(errnum, text)
		}
	}
}

// FulfillNext fulfills the chained future of f with val
// (flux_future_fulfill_next); free, if not nil, releases val once the
// chained future drops it. EINVAL when f is not chained.
func (f *Future) FulfillNext(val any, free func(any)) error {
	cs := f.chainOf()
	if cs == nil {
		return ErrnoError(syscall.EINVAL)
	}
	next := cs.markContinued()
	if next == nil {
		return ErrnoError(syscall.EINVAL)
	}
	next.FulfillFree(val, free)
	return nil
}

// chainOf returns the chain f is the "prev" future of.
func (f *Future) chainOf() *chainState {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rx.chained
}

// markContinued records that the chain was continued and returns next.
func (cs *chainState) markContinued() *Future {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.prev == nil {
		return nil
	}
	cs.continued = true
	return cs.next
}

// nextGone runs when next is destroyed: prev, no longer useful, goes too.
func (cs *chainState) nextGone() {
	cs.mu.Lock()
	prev := cs.prev
	cs.next = nil
	cs.mu.Unlock()
	if prev != nil {
		prev.Destroy()
	}
}

// prevGone runs when prev is destroyed.
func (cs *chainState) prevGone() {
	cs.mu.Lock()
	cs.prev = nil
	cs.mu.Unlock()
}
