package runtime

import (
	"context"
	"strings"
	"sync"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// RecvLoop is the receive loop of a root handle for Go callers: one
// goroutine that receives every message and routes responses to their RPC
// futures by matchtag, events to event handlers by topic prefix, and
// requests to the handler of their service (the topic's first word). It
// also feeds the message handlers of the root and its clones made with
// GoMsgHandlerCreate, which take precedence over service handlers (see
// route). Requests nobody handles get ENOSYS "Unknown service method
// '<topic>'", as flux-core's message dispatcher answers them.
//
// Event and service handlers are called on the loop goroutine, one
// message at a time: they must not block (hand the message to another
// goroutine instead). Message handlers run on their handle's handler
// goroutine instead. There is at most one RecvLoop per root; it stops
// when the root is destroyed or Stop is called.
type RecvLoop struct {
	c *core

	mu       sync.Mutex
	events   map[uint64]eventHandler
	nextID   uint64
	services map[string]func(*msg.Message)
	errFn    func(error)

	stopOnce sync.Once
	stopCh   chan struct{}
	done     chan struct{}
	resume   chan struct{} // a reconnect happened

	// Guarded by mu: closed when the loop stops on a connection error,
	// with that error; renewed when a reconnect resumes the loop.
	lostCh  chan struct{}
	lostErr error
}

// eventHandler is one event handler: a topic prefix and its function.
type eventHandler struct {
	prefix string
	fn     func(*msg.Message)
}

// recvLoop returns the root's running receive loop, or nil.
func (c *core) recvLoop() *RecvLoop {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loop
}

// RecvLoopStart starts the root's receive loop, or returns the one that is
// already running. From then on RPC futures of the root and of all its
// clones are fulfilled by the loop, and Recv on the handle competes
// with it (do not mix the two). A destroyed handle gives ENOSYS.
func (h *Handle) RecvLoopStart() (*RecvLoop, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	r := &c.rpc
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, destroyedErr()
	}
	if r.loop != nil {
		d := r.loop
		r.mu.Unlock()
		return d, nil
	}
	d := &RecvLoop{
		c:        c,
		events:   map[uint64]eventHandler{},
		services: map[string]func(*msg.Message){},
		stopCh:   make(chan struct{}),
		done:     make(chan struct{}),
		resume:   make(chan struct{}, 1),
		lostCh:   make(chan struct{}),
	}
	r.loop = d
	r.mu.Unlock()
	go d.run()
	return d, nil
}

// RecvLoop returns the root's running receive loop, or nil when none was
// started (or it has stopped).
func (h *Handle) RecvLoop() *RecvLoop {
	if h == nil {
		return nil
	}
	return h.core.recvLoop()
}

// Stop ends the receive loop (idempotent); Done is closed once it has
// returned. Futures that are still pending are then driven by their
// waiters again.
func (d *RecvLoop) Stop() {
	if d == nil {
		return
	}
	d.signalStop()
	<-d.done
}

// signalStop asks the loop to end without waiting for it.
func (d *RecvLoop) signalStop() {
	d.stopOnce.Do(func() {
		close(d.stopCh)
		d.c.kickPump()
	})
}

// Done is closed when the receive loop has ended.
func (d *RecvLoop) Done() <-chan struct{} {
	if d == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return d.done
}

// stopped reports whether Stop was called.
func (d *RecvLoop) stopped() bool {
	select {
	case <-d.stopCh:
		return true
	default:
		return false
	}
}

// SetErrorHandler installs fn, called on the loop goroutine when receiving
// fails (the connection broke and no comms-error callback fixed it). The
// loop then fails every pending RPC with that error and waits for a
// Reconnect (or Stop, or destruction).
func (d *RecvLoop) SetErrorHandler(fn func(error)) {
	if d == nil {
		return
	}
	d.mu.Lock()
	d.errFn = fn
	d.mu.Unlock()
}

// AddEventHandler calls fn for every event whose topic starts with prefix
// ("" matches all) and returns an id for RemoveEventHandler. It does not
// subscribe: see EventSubscribe.
func (d *RecvLoop) AddEventHandler(prefix string, fn func(*msg.Message)) (uint64, error) {
	if d == nil || fn == nil {
		return 0, ErrnoError(syscall.EINVAL)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nextID++
	d.events[d.nextID] = eventHandler{prefix: prefix, fn: fn}
	return d.nextID, nil
}

// RemoveEventHandler removes an event handler; unknown ids are ignored.
func (d *RecvLoop) RemoveEventHandler(id uint64) {
	if d == nil {
		return
	}
	d.mu.Lock()
	delete(d.events, id)
	d.mu.Unlock()
}

// AddRequestHandler calls fn for every request to service (topics
// "<service>.<method>"); EEXIST when service already has a handler. It
// does not register the service with the broker: see ServiceRegister.
func (d *RecvLoop) AddRequestHandler(service string, fn func(*msg.Message)) error {
	if d == nil || fn == nil || service == "" || strings.Contains(service, ".") {
		return ErrnoError(syscall.EINVAL)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.services[service]; ok {
		return ErrnoError(syscall.EEXIST)
	}
	d.services[service] = fn
	return nil
}

// RemoveRequestHandler removes the handler of service, if any.
func (d *RecvLoop) RemoveRequestHandler(service string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	delete(d.services, service)
	d.mu.Unlock()
}

// Lost returns a channel closed when the receive loop has stopped on a
// connection error that nothing recovered (no AutoReconnect, or it gave
// up), and that error; both are nil-safe to read from any goroutine. A
// later Reconnect resumes the loop with a new channel.
func (d *RecvLoop) Lost() (<-chan struct{}, func() error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lostCh, func() error {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.lostErr
	}
}

// lose reports the connection lost with err: pending RPCs fail with it,
// Lost's channel is closed and the error handler is called.
func (d *RecvLoop) lose(err error) {
	d.c.failPending(err)
	d.mu.Lock()
	fn := d.errFn
	d.lostErr = err
	select {
	case <-d.lostCh:
	default:
		close(d.lostCh)
	}
	d.mu.Unlock()
	if fn != nil {
		fn(err)
	}
}

// reconnected tells the loop that a Reconnect succeeded.
func (d *RecvLoop) reconnected() {
	d.mu.Lock()
	select {
	case <-d.lostCh:
		d.lostCh, d.lostErr = make(chan struct{}), nil
	default:
	}
	d.mu.Unlock()
	select {
	case d.resume <- struct{}{}:
	default:
	}
}

// run is the receive loop.
func (d *RecvLoop) run() {
	c := d.c
	r := &c.rpc
	defer func() {
		r.mu.Lock()
		if r.loop == d {
			r.loop = nil
		}
		r.mu.Unlock()
		close(d.done)
	}()
	select {
	case r.pumpToken <- struct{}{}:
	case <-d.stopCh:
		return
	case <-r.closeCh:
		return
	}
	defer func() { <-r.pumpToken }()
	for {
		err := c.pump(context.Background(), false, d.stopped, d.route)
		if d.stopped() || c.isDestroying() {
			return
		}
		if err == nil {
			continue
		}
		if recovering, gaveUp := c.recovering(); recovering {
			// AutoReconnect recovers in the background (and fails the
			// pending RPCs itself): wait for it, without reporting a
			// loss unless it gives up (then it has reported it).
			select {
			case <-d.resume:
				continue
			case <-gaveUp:
			case <-d.stopCh:
				return
			case <-r.closeCh:
				return
			}
		} else {
			d.lose(err)
		}
		select {
		case <-d.resume:
		case <-d.stopCh:
			return
		case <-r.closeCh:
			return
		}
	}
}

// route hands one received message to whoever wants it. Message handlers
// of the root and its clones (GoMsgHandlerCreate) are offered a message
// through postWanting, in the order of core.dispatches:
//
//   - a response goes to the RPC waiting for its matchtag (or reclaims the
//     tag of an abandoned one), else to the first message handler that
//     wants it; unclaimed responses are dropped;
//   - an event goes to every event handler whose prefix it starts with and
//     to every message handler that wants it;
//   - a request goes to the first message handler that wants it, else to
//     the request handler of its service, else gets ENOSYS;
//   - other messages go to the first message handler that wants them.
func (d *RecvLoop) route(m *msg.Message) {
	c := d.c
	switch m.Type {
	case msg.TypeResponse:
		if !c.routeResponse(m) {
			postWanting(c.dispatches(), m)
		}
	case msg.TypeEvent:
		d.mu.Lock()
		var fns []func(*msg.Message)
		for _, eh := range d.events {
			if strings.HasPrefix(m.Topic, eh.prefix) {
				fns = append(fns, eh.fn)
			}
		}
		d.mu.Unlock()
		for _, fn := range fns {
			fn(m)
		}
		postWanting(c.dispatches(), m)
	case msg.TypeRequest:
		if postWanting(c.dispatches(), m) {
			return
		}
		service, _, _ := strings.Cut(m.Topic, ".")
		d.mu.Lock()
		fn := d.services[service]
		d.mu.Unlock()
		if fn != nil {
			fn(m)
			return
		}
		_ = c.root.respondUnknown(m)
	default:
		postWanting(c.dispatches(), m)
	}
}

// Closed returns a channel closed when destruction of h's root starts.
func (h *Handle) Closed() <-chan struct{} {
	if h == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return h.core.rpc.closeCh
}
