package runtime

import (
	"context"
	"math/rand/v2"
	"sync"
	"syscall"
	"time"
)

// Connection states reported by AutoReconnect's status function.
const (
	// ConnDisconnected: the connection was lost; reconnecting starts.
	ConnDisconnected = 1
	// ConnReconnected: a new connection is up and the follow-up
	// (state-machine.wait, services, subscriptions) has run; its error, if
	// any, comes with the status.
	ConnReconnected = 2
	// ConnClosed: reconnecting gave up (or the handle was destroyed while
	// trying); the handle stays broken.
	ConnClosed = 3
)

// ReconnectPolicy says how AutoReconnect retries. Zero fields take
// defaults: InitialDelay 50ms, MaxDelay 2s, Multiplier 2. MaxAttempts 0
// means no limit. Jitter (0..1) randomizes each delay by up to that
// fraction, down or up.
type ReconnectPolicy struct {
	MaxAttempts  int
	InitialDelay time.Duration
	MaxDelay     time.Duration
	Multiplier   float64
	Jitter       float64
}

// withDefaults fills in zero fields.
func (p ReconnectPolicy) withDefaults() ReconnectPolicy {
	if p.InitialDelay <= 0 {
		p.InitialDelay = 50 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 2 * time.Second
	}
	if p.Multiplier < 1 {
		p.Multiplier = 2
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.Jitter > 1 {
		p.Jitter = 1
	}
	return p
}

// delay returns the wait before attempt n (1-based) with jitter.
func (p ReconnectPolicy) delay(n int) time.Duration {
	d := float64(p.InitialDelay)
	for i := 1; i < n && d < float64(p.MaxDelay); i++ {
		d *= p.Multiplier
	}
	if d > float64(p.MaxDelay) {
		d = float64(p.MaxDelay)
	}
	if p.Jitter > 0 {
		d *= 1 + p.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(d)
}

// statusQueue calls a status function in order on its own goroutine, so
// that reporting never blocks the handle.
type statusQueue struct {
	mu      sync.Mutex
	fn      func(state int, err error)
	pending []statusItem
	running bool
}

type statusItem struct {
	state int
	err   error
}

// post queues one report.
func (q *statusQueue) post(state int, err error) {
	if q.fn == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, statusItem{state, err})
	if !q.running {
		q.running = true
		go q.run()
	}
}

func (q *statusQueue) run() {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		it := q.pending[0]
		q.pending = q.pending[1:]
		q.mu.Unlock()
		q.fn(it.state, it.err)
	}
}

// AutoReconnect makes the root recover from a lost connection by itself,
// beyond what flux-core does. The comms-error callback it installs never
// blocks the goroutine that met the error: it starts one recovery on a
// goroutine of its own and fails that send or receive at once with
// ENOTCONN "reconnecting to the broker" (ErrReconnecting). The recovery
// fails every in-flight RPC with ECONNRESET "RPC aborted due to broker
// reconnect", calls Reconnect with backoff and jitter until it works or
// policy.MaxAttempts is reached, runs ReconnectFollowup (wait for RUN,
// restore services and subscriptions), and only then reports the
// connection usable again (ConnReady). Giving up is final: ConnReady and
// every later comms error then return the error that ended it. status
// (may be nil) gets ConnDisconnected, ConnReconnected (after the
// follow-up) and ConnClosed reports, in order, on a goroutine of its own.
// Only local:// can reconnect (ENOSYS otherwise). It replaces any
// comms-error callback. The receive loop pauses while a recovery runs and
// reports the connection lost only when it gave up.
func (h *Handle) AutoReconnect(policy ReconnectPolicy, status func(state int, err error)) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	c := h.core
	if _, ok := c.conn.(reconnector); !ok {
		return ErrnoError(syscall.ENOSYS)
	}
	a := &autoState{policy: policy.withDefaults(), q: &statusQueue{fn: status},
		up: closedChan(), gaveUp: make(chan struct{})}
	c.mu.Lock()
	c.auto = a
	c.mu.Unlock()
	h.CommsErrorSet(func(root *Handle, err error) error {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.final != nil {
			return a.final
		}
		if !a.down {
			a.down = true
			a.up = make(chan struct{})
			go a.recover(root, err)
		}
		return ErrReconnecting
	})
	return nil
}

// ErrReconnecting is the error of a send or receive that met a lost
// connection while AutoReconnect recovers it.
var ErrReconnecting error = &Error{Errno: syscall.ENOTCONN, Text: "reconnecting to the broker"}

// autoState is the state of AutoReconnect's recovery.
type autoState struct {
	policy ReconnectPolicy
	q      *statusQueue

	mu     sync.Mutex
	down   bool          // a recovery runs
	up     chan struct{} // closed while the connection is usable
	final  error         // why recovering gave up (final)
	gaveUp chan struct{} // closed when final is set
}

// closedChan returns a closed channel.
func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// recover is one recovery from the loss reported with err.
func (a *autoState) recover(root *Handle, err error) {
	c := root.core
	closeCh := c.rpc.closeCh
	a.q.post(ConnDisconnected, err)
	c.failPending(errReconnectAborted())
	tracked := c.hasTracker()
	for attempt := 1; ; attempt++ {
		rerr := root.Reconnect()
		if rerr == nil {
			break
		}
		if isDestroyed(rerr) || (a.policy.MaxAttempts > 0 && attempt >= a.policy.MaxAttempts) {
			a.giveUp(c, rerr)
			return
		}
		t := time.NewTimer(a.policy.delay(attempt))
		select {
		case <-t.C:
		case <-closeCh:
			t.Stop()
			a.giveUp(c, destroyedErr())
			return
		}
	}
	if !tracked {
		// Requests of the old connection can never be answered now.
		c.forgetOrphans()
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-closeCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	ferr := root.ReconnectFollowupContext(ctx)
	cancel()
	a.mu.Lock()
	a.down = false
	close(a.up)
	a.mu.Unlock()
	a.q.post(ConnReconnected, ferr)
}

// giveUp makes the loss final with err and reports ConnClosed.
func (a *autoState) giveUp(c *core, err error) {
	a.mu.Lock()
	a.final = err
	close(a.gaveUp)
	a.mu.Unlock()
	if d := c.recvLoop(); d != nil {
		d.lose(err)
	}
	a.q.post(ConnClosed, err)
}

// ConnReady tells a caller of a handle under AutoReconnect whether it may
// send now: it returns a channel closed once the connection is usable
// (already closed when it is, and always without AutoReconnect) and,
// after recovering gave up, the error that ended it (then the channel is
// nil). gaveUp is closed when recovering gives up.
func (h *Handle) ConnReady() (ready <-chan struct{}, gaveUp <-chan struct{}, final error) {
	if h == nil {
		return nil, nil, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	c.mu.Lock()
	a := c.auto
	c.mu.Unlock()
	if a == nil {
		return closedChan(), nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.final != nil {
		return nil, a.gaveUp, a.final
	}
	return a.up, a.gaveUp, nil
}

// recovering reports whether an AutoReconnect recovery is under way and,
// if so, a channel closed when it gives up.
func (c *core) recovering() (bool, <-chan struct{}) {
	c.mu.Lock()
	a := c.auto
	c.mu.Unlock()
	if a == nil {
		return false, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.final == nil, a.gaveUp
}

// hasTracker reports whether the root tracks RPCs (FLUX_O_RPCTRACK).
func (c *core) hasTracker() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tracker != nil
}
