package runtime

import (
	"context"
	goruntime "runtime"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// This file drives a handle's message handlers from the root's RecvLoop
// instead of from the handle's reactor: the Go callers' counterpart of
// flux_msg_handler_create + flux_reactor_run. The handler tables, the
// matching order, the role check and the unmatched-request answer are
// those of msghandler.go; only what feeds and runs the handlers differs.
//
// The RecvLoop's receive loop offers each message to the dispatchers of
// the root and its clones (dispatch.wants, postWanting), and the one that
// takes it queues it for its handle's handler goroutine. That goroutine
// runs the handle's handlers one message at a time, in arrival order, as
// the handle's reactor would on its thread; the loop itself never waits
// for a handler. Each handle has its own goroutine, so a clone's handlers
// run independently of its root's, like a clone on another reactor.

// GoMsgHandlerFunc is the callback of a message handler driven by the
// RecvLoop (GoMsgHandlerCreate): MsgHandlerFunc plus a context that is
// cancelled when the handle's handlers are stopped (GoMsgHandlersStop, or
// destruction of the handle). It runs on the handle's handler goroutine;
// the message must not be modified.
type GoMsgHandlerFunc func(ctx context.Context, h *Handle, mh *MsgHandler, m *msg.Message)

// goExec is the handler goroutine of a RecvLoop-driven dispatcher: a
// queue of messages its handlers took, drained by at most one goroutine at
// a time. The goroutine is started when a message arrives and ends when
// the queue is empty, so an idle handle has none.
type goExec struct {
	ctx    context.Context
	cancel context.CancelFunc

	// Guarded by the dispatcher's mu.
	queue   []*msg.Message
	running bool          // a goroutine is draining the queue
	runner  uint64        // its goroutine id, once it has started
	idle    chan struct{} // closed when that goroutine returns
	stopped bool
}

// GoMsgHandlerCreate registers cb for the messages satisfying match on h,
// like MsgHandlerCreate, but h's handlers are then driven by the root's
// RecvLoop (which must be running for them to get messages:
// RecvLoopStart) instead of by h's reactor. The handler starts stopped
// and accepts only the OWNER role; Start, Stop, AllowRolemask,
// DenyRolemask and Destroy work as for any handler.
//
// The RecvLoop offers each message to the dispatchers of the root and
// its clones in order (the root's first, then the clones' in the order
// they were made): within one, handlers match in flux-core's order (a
// response handler by matchtag, a request handler by exact topic, the
// most recent of those registered for it, then the other handlers, the
// most recent first). An event goes to every matching handler of every
// dispatcher; any other message to the first match only. A request whose
// sender lacks the roles of the handler that matched gets EPERM instead
// ("Request requires owner credentials" when the handler accepts only the
// owner, else "Request rejected due to insufficient privilege"). The
// RecvLoop answers requests that no handler (and no request handler of
// its own) takes with ENOSYS "Unknown service method '<topic>'".
//
// All handlers of h run on one goroutine owned by h, one message at a
// time, in arrival order: two of h's handlers never run at once, and a
// handler that blocks delays h's other handlers, but neither the receive
// loop nor the handlers of other handles (a clone has a goroutine of its
// own). A nil handle or callback gives EINVAL, a destroyed handle, or one
// whose handlers were stopped, ENOSYS, and a handle whose handlers are
// already reactor-driven (MsgHandlerCreate) EBUSY.
func (h *Handle) GoMsgHandlerCreate(match Match, cb GoMsgHandlerFunc) (*MsgHandler, error) {
	if h == nil || cb == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	d, err := h.goDispatchGet()
	if err != nil {
		return nil, err
	}
	ctx := d.g.ctx
	return d.addHandler(match, func(h *Handle, mh *MsgHandler, m *msg.Message) {
		cb(ctx, h, mh, m)
	})
}

// GoMsgHandlersStop stops the handlers GoMsgHandlerCreate registered on h
// (not its root's or clones'), for good: their context is cancelled, they
// get no more messages, and the messages they had taken but not started
// go back to the head of the root's receive queue, in order, to be routed
// again (to another handle's handlers, or ENOSYS; events are dropped).
// Then it waits for a handler that is running to return, unless it is
// called from that handler. It is idempotent, does nothing when h has no
// such handlers, and runs by itself when h is destroyed.
func (h *Handle) GoMsgHandlersStop() {
	if h == nil {
		return
	}
	h.mu.Lock()
	v, err := h.aux.get(auxDispatch)
	h.mu.Unlock()
	if err != nil {
		return
	}
	if d := v.(*dispatch); d.g != nil {
		d.stopGo()
	}
}

// goDispatchGet returns h's RecvLoop-driven dispatcher, creating it on
// first use.
func (h *Handle) goDispatchGet() (*dispatch, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, err := h.aux.get(auxDispatch); err == nil {
		d := v.(*dispatch)
		if d.g == nil {
			return nil, ErrnoError(syscall.EBUSY)
		}
		d.mu.Lock()
		stopped := d.g.stopped
		d.mu.Unlock()
		if stopped {
			return nil, destroyedErr()
		}
		return d, nil
	}
	if h.destroyed {
		return nil, destroyedErr()
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := newDispatch(h, &goExec{ctx: ctx, cancel: cancel})
	d.attachLocked()
	h.core.addDispatch(d, h.parent == nil)
	return d, nil
}

// postGoLocked queues m for the handler goroutine, starting it if none
// runs. A dispatcher stopped (or whose handle was destroyed) since it said
// it wanted m reroutes m instead, so that no request is lost. Called with
// d.mu held; returns with it released.
func (d *dispatch) postGoLocked(m *msg.Message) {
	g := d.g
	if g.stopped || d.h == nil {
		d.mu.Unlock()
		d.c.reroute([]*msg.Message{m})
		return
	}
	g.queue = append(g.queue, m)
	if !g.running {
		g.running = true
		g.runner = 0
		g.idle = make(chan struct{})
		go d.runGo(g.idle)
	}
	d.mu.Unlock()
}

// runGo is the handler goroutine: it runs the queued messages through the
// handlers until the queue is empty or the dispatcher is stopped. A
// message whose handler went away after it was queued (stopped or
// destroyed) is routed again.
func (d *dispatch) runGo(idle chan struct{}) {
	defer close(idle)
	g := d.g
	id := curGoroutineID()
	d.mu.Lock()
	g.runner = id
	d.mu.Unlock()
	for {
		d.mu.Lock()
		if g.stopped || len(g.queue) == 0 || d.h == nil {
			g.running = false
			d.mu.Unlock()
			return
		}
		m := transport.ShiftMsg(&g.queue)
		d.mu.Unlock()
		if !d.dispatchMessage(m) {
			d.c.reroute([]*msg.Message{m})
		}
	}
}

// stopGo stops the handler goroutine for good (see GoMsgHandlersStop).
func (d *dispatch) stopGo() {
	self := curGoroutineID()
	g := d.g
	d.mu.Lock()
	q := g.queue
	g.queue = nil
	g.stopped = true
	wait := g.running && g.runner != self
	idle := g.idle
	d.mu.Unlock()
	g.cancel()
	d.c.reroute(q)
	if wait {
		<-idle
	}
}

// reroute puts messages a dispatcher took but will not run back at the
// head of the root's receive queue, in their original order, so that the
// RecvLoop routes them again. Events are dropped: every dispatcher that
// wanted one got its own copy. When requeueing fails (the root is being
// destroyed, or has no queue with FLUX_O_NOREQUEUE) a request is answered
// as unmatched right away and a response goes to matchtag reclaim.
func (c *core) reroute(ms []*msg.Message) {
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if m.Type == msg.TypeEvent {
			continue
		}
		if err := c.root.Requeue(m, RQHead); err == nil || c.isDestroying() {
			continue
		}
		switch m.Type {
		case msg.TypeRequest:
			_ = c.root.respondUnknown(m)
		case msg.TypeResponse:
			c.routeResponse(m)
		}
	}
}

// curGoroutineID returns the calling goroutine's id, read from the header
// line of its stack trace ("goroutine 42 [running]:"). It serves only to
// recognise a handler goroutine that stops its own dispatcher, which must
// not wait for itself.
func curGoroutineID() uint64 {
	var buf [64]byte
	b := buf[:goruntime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0
	}
	var id uint64
	for _, ch := range b[len(prefix):] {
		if ch < '0' || ch > '9' {
			break
		}
		id = id*10 + uint64(ch-'0')
	}
	return id
}
