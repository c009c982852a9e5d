package runtime

import (
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// rpcState is the RPC bookkeeping a root shares with its clones. The zero
// value is not ready: see initRPCState.
type rpcState struct {
	mu      sync.Mutex
	pending map[uint32]*Future // unfinished RPCs by matchtag
	orphans map[uint32]bool    // tags of destroyed unfinished RPCs → streaming
	loop    *RecvLoop          // the running receive loop, if any
	wakeFD  int
	closed  bool
	closeCh chan struct{} // closed when the root starts being destroyed

	// pumpToken is held by whoever receives for the root: a RecvLoop
	// for its whole life, or a goroutine waiting on a future.
	pumpToken chan struct{}
	// waiterPumping is set while a goroutine waiting on a future (not a
	// RecvLoop) holds pumpToken: only it needs waking when a future is
	// destroyed.
	waiterPumping bool

	// What the handle has asked the broker for, to restore after a
	// reconnect: subscription counts by topic, registered services.
	subs     map[string]int
	services map[string]bool
}

// initRPCState prepares the RPC bookkeeping of a new root.
func (c *core) initRPCState() {
	c.rpc.pending = map[uint32]*Future{}
	c.rpc.orphans = map[uint32]bool{}
	c.rpc.wakeFD = -1
	c.rpc.closeCh = make(chan struct{})
	c.rpc.pumpToken = make(chan struct{}, 1)
	c.rpc.subs = map[string]int{}
	c.rpc.services = map[string]bool{}
}

// RPC sends a request with topic and payload (nil for none; string and
// JSON payloads include their terminating NUL) to nodeid and returns its
// future (flux_rpc / flux_rpc_raw). nodeid is a rank, msg.NodeIDAny, or
// msg.NodeIDUpstream (sent with the UPSTREAM flag to the handle's own
// rank, which may cost an attr.get RPC first). flags may contain
// RPCNoResponse and RPCStreaming; anything else is EINVAL. A NORESPONSE
// RPC uses no matchtag and its future is fulfilled at once with no
// message.
func (h *Handle) RPC(topic string, payload []byte, nodeid uint32, flags int) (*Future, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	m, err := RequestEncode(topic, payload)
	if err != nil {
		return nil, err
	}
	return h.rpcSend(m, nodeid, flags)
}

// RPCMessage sends a copy of the request m as an RPC (flux_rpc_message):
// the copy gets the RPC's matchtag, nodeid and flags. A nil handle or
// message, a message that is not a request, or bad flags give EINVAL.
func (h *Handle) RPCMessage(m *msg.Message, nodeid uint32, flags int) (*Future, error) {
	if h == nil || m == nil || m.Type != msg.TypeRequest {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return h.rpcSend(m.Copy(true), nodeid, flags)
}

// rpcSend stamps and sends m (owned by the caller of rpcSend) as an RPC.
func (h *Handle) rpcSend(m *msg.Message, nodeid uint32, flags int) (*Future, error) {
	return h.rpcSendHook(m, nodeid, flags, nil)
}

// rpcSendHook is rpcSend with a hook run for each success response.
func (h *Handle) rpcSendHook(m *msg.Message, nodeid uint32, flags int, ok func()) (*Future, error) {
	if flags&^(RPCNoResponse|RPCStreaming) != 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	if c.isDestroying() {
		return nil, destroyedErr()
	}
	f := NewFuture()
	f.rpc = &rpcFuture{h: h, nodeid: nodeid, flags: flags, onSuccess: ok}
	dest := nodeid
	if nodeid == msg.NodeIDUpstream {
		m.Flags |= msg.FlagUpstream
		rank, err := h.GetRank()
		if err != nil {
			return nil, err
		}
		dest = rank
	}
	if flags&RPCStreaming != 0 {
		m.Flags |= msg.FlagStreaming
	}
	if flags&RPCNoResponse != 0 {
		m.Flags |= msg.FlagNoResponse
	} else {
		f.rpc.tag = h.MatchtagAlloc()
		if f.rpc.tag == MatchtagNone {
			return nil, ErrnoError(syscall.EAGAIN)
		}
	}
	m.Aux1 = dest
	m.Aux2 = f.rpc.tag
	if f.rpc.tag != MatchtagNone {
		// Registered before the send so that no response can slip past.
		r := &c.rpc
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			h.MatchtagFree(f.rpc.tag)
			return nil, destroyedErr()
		}
		r.pending[f.rpc.tag] = f
		f.rpc.tagHeld = true
		f.rpc.sending = true
		r.mu.Unlock()
	}
	epoch, err := h.sendEpoch(m, 0)
	if rpcSentHook != nil {
		rpcSentHook()
	}
	if f.rpc.tag != MatchtagNone {
		r := &c.rpc
		r.mu.Lock()
		f.rpc.sending = false
		var lost error
		if err != nil {
			delete(r.pending, f.rpc.tag)
		} else if f.rpc.sendFail != nil && epoch <= f.rpc.sendFailEpoch {
			lost = f.rpc.sendFail
			c.orphanLocked(f)
		}
		f.rpc.sendFail = nil
		r.mu.Unlock()
		if err != nil {
			h.MatchtagFree(f.rpc.tag)
		}
		if lost != nil {
			f.push(futureResult{err: lost})
			c.kickPump()
		}
	}
	if err != nil {
		return nil, err
	}
	if flags&RPCNoResponse != 0 {
		f.rpc.finished = true
		f.Fulfill(nil)
	}
	return f, nil
}

// rpcSentHook, when set by a test, runs between an RPC's send and the
// bookkeeping after it, to widen that window.
var rpcSentHook func()

// isStreaming reports whether f is a streaming RPC.
func (f *Future) isStreaming() bool { return f.rpc.flags&RPCStreaming != 0 }

// routeResponse gives a response to the RPC waiting for its matchtag, or
// reclaims the tag of a destroyed unfinished RPC when its final response
// arrives. It reports whether the response was consumed; responses with
// route frames or with tags nobody waits for are not.
func (c *core) routeResponse(m *msg.Message) bool {
	tag := m.Matchtag()
	if tag == MatchtagNone || len(m.Routes) > 0 {
		return false
	}
	r := &c.rpc
	r.mu.Lock()
	if f := r.pending[tag]; f != nil {
		final := !f.isStreaming() || m.Errnum() != 0
		if final {
			delete(r.pending, tag)
			f.mu.Lock()
			f.rpc.finished = true
			f.mu.Unlock()
		}
		r.mu.Unlock()
		f.fulfillResponse(m, final)
		return true
	}
	streaming, ok := r.orphans[tag]
	if !ok {
		r.mu.Unlock()
		return false
	}
	if streaming && m.Errnum() == 0 {
		r.mu.Unlock()
		return true
	}
	delete(r.orphans, tag)
	r.mu.Unlock()
	c.root.MatchtagFree(tag)
	if c.root.FlagsGet()&OMatchdebug != 0 {
		c.diagf("MATCHDEBUG: reclaimed matchtag=%d\n", tag)
	}
	return true
}

// fulfillResponse turns a response into a result of f and runs f's
// result hook, if any.
func (f *Future) fulfillResponse(m *msg.Message, final bool) {
	if errnum := m.Errnum(); errnum == 0 && f.rpc.onSuccess != nil {
		f.rpc.onSuccess()
	}
	if errnum := m.Errnum(); errnum != 0 {
		text, err := ResponseDecodeError(m)
		if err != nil {
			f.push(futureResult{err: ErrnoError(syscall.Errno(errnum))})
			return
		}
		f.push(futureResult{err: &Error{Errno: syscall.Errno(errnum), Text: text}})
		return
	}
	f.push(futureResult{val: m})
}

// rpcRetire forgets a destroyed RPC future: a finished one returns its tag
// to the pool, an unfinished one leaves it reserved until its final
// response arrives.
func (c *core) rpcRetire(f *Future) {
	r := &c.rpc
	r.mu.Lock()
	f.mu.Lock()
	tag, finished, streaming, held := f.rpc.tag, f.rpc.finished, f.isStreaming(), f.rpc.tagHeld
	f.rpc.tagHeld = false
	f.mu.Unlock()
	if !held {
		r.mu.Unlock()
		return
	}
	if r.pending[tag] == f {
		delete(r.pending, tag)
	}
	if r.closed {
		r.mu.Unlock()
		return
	}
	// Destroy closed f's ready channel; a waiter receiving for the root
	// may be pumping for f and must look again (a RecvLoop never is).
	kick := r.waiterPumping
	if finished {
		r.mu.Unlock()
		c.root.MatchtagFree(tag)
		if kick {
			c.kickPump()
		}
		return
	}
	r.orphans[tag] = streaming
	r.mu.Unlock()
	if kick {
		c.kickPump()
	}
	if c.root.FlagsGet()&OMatchdebug != 0 {
		what := "unfulfilled RPC"
		if streaming {
			what = "unterminated streaming RPC"
		}
		c.diagf("MATCHDEBUG: %s leaks matchtag=%d\n", what, tag)
	}
}

// failPending ends every unfinished RPC with err. Their tags stay reserved
// (as orphans) until their final responses arrive, or until forgetOrphans.
func (c *core) failPending(err error) {
	r := &c.rpc
	r.mu.Lock()
	fs := make([]*Future, 0, len(r.pending))
	epoch := c.connEpoch.Load()
	for _, f := range r.pending {
		if f.rpc.sending {
			// Its send is still under way: it ends in its own error, or
			// puts the request on a replacement connection, or wrote it
			// to the failed one — then RPC fails it once the send returns.
			f.rpc.sendFail, f.rpc.sendFailEpoch = err, epoch
			continue
		}
		fs = append(fs, f)
		c.orphanLocked(f)
	}
	r.mu.Unlock()
	for _, f := range fs {
		f.push(futureResult{err: err})
	}
	c.kickPump()
}

// orphanLocked takes an unfinished RPC out of the pending table, leaving
// its tag reserved as an orphan until the final response (or
// forgetOrphans). Call with the RPC table's lock held.
func (c *core) orphanLocked(f *Future) {
	r := &c.rpc
	r.orphans[f.rpc.tag] = f.isStreaming()
	delete(r.pending, f.rpc.tag)
	f.mu.Lock()
	f.rpc.tagHeld = false // the tag now belongs to the orphan table
	f.rpc.finished = true
	f.mu.Unlock()
}

// forgetOrphans returns every orphaned tag to the pool. Only safe once no
// response to them can arrive any more (after a reconnect without RPC
// tracking: the broker never answers requests of an old connection).
func (c *core) forgetOrphans() {
	r := &c.rpc
	r.mu.Lock()
	tags := make([]uint32, 0, len(r.orphans))
	for tag := range r.orphans {
		tags = append(tags, tag)
	}
	r.orphans = map[uint32]bool{}
	r.mu.Unlock()
	for _, tag := range tags {
		c.root.MatchtagFree(tag)
	}
}

// rpcShutdown runs when the root is being destroyed: every unfinished RPC
// fails with ENOSYS and the receive loop, if any, is told to stop.
func (c *core) rpcShutdown() {
	r := &c.rpc
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	fs := make([]*Future, 0, len(r.pending))
	for _, f := range r.pending {
		fs = append(fs, f)
	}
	r.pending = map[uint32]*Future{}
	r.closed = true
	close(r.closeCh)
	d := r.loop
	r.mu.Unlock()
	for _, f := range fs {
		f.push(futureResult{err: destroyedErr()})
	}
	if d != nil {
		d.signalStop()
	}
}

// rpcCloseFDs releases the wake eventfd; called last in destruction.
func (c *core) rpcCloseFDs() {
	r := &c.rpc
	r.mu.Lock()
	fd := r.wakeFD
	r.wakeFD = -1
	r.mu.Unlock()
	if fd >= 0 {
		_ = unix.Close(fd)
	}
}

// PendingRPCs returns how many RPCs of the root are waiting for a (final)
// response, and how many matchtags are held by destroyed unfinished ones.
func (h *Handle) PendingRPCs() (pending, orphaned int) {
	if h == nil {
		return 0, 0
	}
	r := &h.core.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending), len(r.orphans)
}
