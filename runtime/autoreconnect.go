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
// beyond what flux-core does: it installs a comms-error callback that
// fails every in-flight RPC with ECONNRESET "RPC aborted due to broker
// reconnect", calls Reconnect with backoff and jitter until it works or
// policy.MaxAttempts is reached, and then, on another goroutine, runs
// ReconnectFollowup (wait for RUN, restore services and subscriptions).
// status (may be nil) gets ConnDisconnected, ConnReconnected and
// ConnClosed reports, in order, on a goroutine of its own. Only local://
// can reconnect (ENOSYS otherwise). It replaces any comms-error callback.
func (h *Handle) AutoReconnect(policy ReconnectPolicy, status func(state int, err error)) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	c := h.core
	if _, ok := c.conn.(reconnector); !ok {
		return ErrnoError(syscall.ENOSYS)
	}
	p := policy.withDefaults()
	q := &statusQueue{fn: status}
	closeCh := c.rpc.closeCh
	h.CommsErrorSet(func(root *Handle, err error) error {
		q.post(ConnDisconnected, err)
		c.failPending(errReconnectAborted())
		tracked := c.hasTracker()
		for attempt := 1; ; attempt++ {
			rerr := root.Reconnect()
			if rerr == nil {
				break
			}
			if isDestroyed(rerr) || (p.MaxAttempts > 0 && attempt >= p.MaxAttempts) {
				q.post(ConnClosed, rerr)
				return err
			}
			t := time.NewTimer(p.delay(attempt))
			select {
			case <-t.C:
			case <-closeCh:
				t.Stop()
				q.post(ConnClosed, destroyedErr())
				return err
			}
		}
		if !tracked {
			// Requests of the old connection can never be answered now.
			c.forgetOrphans()
		}
		go func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				select {
				case <-closeCh:
					cancel()
				case <-ctx.Done():
				}
			}()
			q.post(ConnReconnected, root.ReconnectFollowupContext(ctx))
		}()
		return nil
	})
	return nil
}

// hasTracker reports whether the root tracks RPCs (FLUX_O_RPCTRACK).
func (c *core) hasTracker() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tracker != nil
}
