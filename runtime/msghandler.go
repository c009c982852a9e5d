package runtime

import (
	"fmt"
	"strings"
	"sync"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// auxDispatch is the aux key of a handle's message dispatcher.
const auxDispatch = "flux::dispatch"

// MsgHandlerFunc is a message handler callback (flux_msg_handler_f): the
// handle the handler was created on, the handler and the message. It runs
// on the goroutine running the handle's reactor; the message must not be
// modified.
type MsgHandlerFunc func(h *Handle, mh *MsgHandler, m *msg.Message)

// MsgHandler is a flux_msg_handler_t: a callback for the messages that
// satisfy a Match, run by the reactor of the handle it was created on.
// Methods are nil-safe and may be called from any goroutine.
type MsgHandler struct {
	d     *dispatch
	match Match
	fn    MsgHandlerFunc

	// Guarded by d.mu.
	rolemask  uint32
	running   bool
	destroyed bool
	onDestroy []func()
}

// dispatch is the message dispatcher of one handle (root or clone): the
// handlers registered on it and what runs them. It is driven in one of
// two ways, fixed when it is created:
//
//   - by the handle's reactor (MsgHandlerCreate): a handle watcher
//     receives messages for the handlers while any of them runs, and
//     messages handed over by other dispatchers arrive through the inbox;
//   - by the root's RecvLoop (GoMsgHandlerCreate, msghandler_go.go): the
//     receive loop hands it the messages its handlers want, and a goroutine
//     owned by the handle runs them (g is set, w and async are nil).
//
// Every dispatcher of a root and its clones is listed on the shared core,
// so that whichever receives a message it cannot use itself can hand it
// to another one that can; the message then runs on that dispatcher's
// reactor or goroutine (see dispatch.deliver and postWanting).
type dispatch struct {
	c     *core
	w     *Watcher // handle watcher (reactor-driven only)
	async *Watcher // wakes the reactor for the inbox (reactor-driven only)
	g     *goExec  // the handler goroutine (RecvLoop-driven only)

	mu         sync.Mutex
	h          *Handle                  // nil once the handle is destroyed
	list       []*MsgHandler            // glob and other handlers, newest first (copy on write)
	rpc        map[uint32]*MsgHandler   // response handlers by matchtag
	method     map[string][]*MsgHandler // request handlers by exact topic; last is current
	running    int                      // running handlers
	rpcWaiters int                      // RPC futures with reactor continuations
	wActive    bool
	unmatched  []*msg.Message // a clone's unmatched messages, oldest first
	inbox      []*msg.Message // messages handed over by other dispatchers
}

// dispatchGet returns h's reactor-driven dispatcher, creating it (and h's
// reactor) on first use. EBUSY when h's handlers are driven by the root's
// RecvLoop instead (GoMsgHandlerCreate).
func (h *Handle) dispatchGet() (*dispatch, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	h.mu.Lock()
	v, err := h.aux.get(auxDispatch)
	h.mu.Unlock()
	if err == nil {
		return reactorDispatch(v.(*dispatch))
	}
	r, err := h.GetReactor()
	if err != nil {
		return nil, err
	}
	d := newDispatch(h, nil)
	if d.w, err = r.NewHandleWatcher(h, PollIn, d.handleCB); err != nil {
		return nil, err
	}
	if d.async, err = r.NewWakeWatcher(d.inboxCB); err != nil {
		d.w.Destroy()
		return nil, err
	}
	d.async.Unref()
	d.async.Start()
	h.mu.Lock()
	if v, err := h.aux.get(auxDispatch); err == nil {
		h.mu.Unlock()
		d.w.Destroy()
		d.async.Destroy()
		return reactorDispatch(v.(*dispatch))
	}
	if h.destroyed {
		h.mu.Unlock()
		d.w.Destroy()
		d.async.Destroy()
		return nil, ErrnoError(syscall.EINVAL)
	}
	d.attachLocked()
	h.mu.Unlock()
	h.core.addDispatch(d, h.parent == nil)
	return d, nil
}

// newDispatch makes a dispatcher for h: reactor-driven when g is nil,
// else run by the handler goroutine g (msghandler_go.go).
func newDispatch(h *Handle, g *goExec) *dispatch {
	return &dispatch{
		c:      h.core,
		h:      h,
		g:      g,
		rpc:    map[uint32]*MsgHandler{},
		method: map[string][]*MsgHandler{},
	}
}

// attachLocked stores d in its handle's aux, so that it goes with the
// handle. Call with the handle's mu held.
func (d *dispatch) attachLocked() {
	d.h.aux.add(auxItem{name: auxDispatch, val: d, destroy: func(any) { d.handleGone() }})
}

// reactorDispatch returns d if it is reactor-driven, else EBUSY.
func reactorDispatch(d *dispatch) (*dispatch, error) {
	if d.g != nil {
		return nil, ErrnoError(syscall.EBUSY)
	}
	return d, nil
}

// addDispatch lists a new dispatcher on the core: the root's first, then
// the clones' in the order they were created. That is the order in which
// the RecvLoop offers messages to them.
func (c *core) addDispatch(d *dispatch, root bool) {
	c.dispMu.Lock()
	defer c.dispMu.Unlock()
	if root {
		c.disps = append([]*dispatch{d}, c.disps...)
		return
	}
	c.disps = append(c.disps, d)
}

// dispatches returns a snapshot of the dispatchers of the root and its
// clones, in offering order.
func (c *core) dispatches() []*dispatch {
	c.dispMu.Lock()
	defer c.dispMu.Unlock()
	if len(c.disps) == 0 {
		return nil
	}
	return append([]*dispatch(nil), c.disps...)
}

// handleGone runs when the dispatcher's handle is destroyed: its watchers
// go (or its handler goroutine is stopped), unmatched messages are dropped
// (as flux-core does) and handlers become inert.
func (d *dispatch) handleGone() {
	if d.w != nil {
		d.w.Destroy()
		d.async.Destroy()
	}
	c := d.c
	c.dispMu.Lock()
	for i, x := range c.disps {
		if x == d {
			c.disps = append(c.disps[:i:i], c.disps[i+1:]...)
			break
		}
	}
	c.dispMu.Unlock()
	if d.g != nil {
		d.stopGo()
	}
	d.mu.Lock()
	d.h = nil
	d.unmatched = nil
	d.inbox = nil
	d.mu.Unlock()
}

// handle returns the dispatcher's handle, nil once destroyed.
func (d *dispatch) handle() *Handle {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.h
}

// updateWatcherLocked runs the handle watcher while a handler runs or an
// RPC continuation waits (reactor-driven dispatchers only). Call with d.mu
// held.
func (d *dispatch) updateWatcherLocked() {
	want := d.running > 0 || d.rpcWaiters > 0
	if want == d.wActive || d.h == nil || d.w == nil {
		return
	}
	d.wActive = want
	if want {
		d.w.Start()
	} else {
		d.w.Stop()
	}
}

// rpcWaitAdd keeps the handle watcher running for one more RPC future
// whose continuation runs on this dispatcher's reactor.
func (d *dispatch) rpcWaitAdd() {
	d.mu.Lock()
	d.rpcWaiters++
	d.updateWatcherLocked()
	d.mu.Unlock()
}

// rpcWaitDone undoes rpcWaitAdd.
func (d *dispatch) rpcWaitDone() {
	d.mu.Lock()
	if d.rpcWaiters > 0 {
		d.rpcWaiters--
	}
	d.updateWatcherLocked()
	d.mu.Unlock()
}

// isMultMatch reports whether a topic glob may match several topics.
func isMultMatch(glob string) bool {
	return glob == "" || strings.ContainsAny(glob, "*?[")
}

// MsgHandlerCreate registers cb for the messages satisfying match on h
// (flux_msg_handler_create). The handler starts stopped, accepts only the
// OWNER role, and runs on h's reactor (GetReactor), which receives
// messages while any handler of h runs. A response handler
// (TypeMask == TypeResponse) with a matchtag takes that tag's responses:
// EEXIST when the tag already has one. A nil handle or callback gives
// EINVAL; a handle whose handlers the RecvLoop drives
// (GoMsgHandlerCreate) gives EBUSY.
func (h *Handle) MsgHandlerCreate(match Match, cb MsgHandlerFunc) (*MsgHandler, error) {
	if h == nil || cb == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	d, err := h.dispatchGet()
	if err != nil {
		return nil, err
	}
	return d.addHandler(match, cb)
}

// addHandler registers a new, stopped handler accepting only the OWNER
// role in d's tables.
func (d *dispatch) addHandler(match Match, cb MsgHandlerFunc) (*MsgHandler, error) {
	mh := &MsgHandler{d: d, match: match, fn: cb, rolemask: msg.RoleOwner}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case match.TypeMask == int(msg.TypeResponse) && match.Matchtag != MatchtagNone:
		if _, ok := d.rpc[match.Matchtag]; ok {
			return nil, ErrnoError(syscall.EEXIST)
		}
		d.rpc[match.Matchtag] = mh
	case match.TypeMask == int(msg.TypeRequest) && !isMultMatch(match.TopicGlob):
		d.method[match.TopicGlob] = append(d.method[match.TopicGlob], mh)
	default:
		list := make([]*MsgHandler, 0, len(d.list)+1)
		list = append(list, mh)
		d.list = append(list, d.list...)
	}
	return mh, nil
}

// Start makes the handler receive messages (flux_msg_handler_start).
func (mh *MsgHandler) Start() {
	if mh == nil {
		return
	}
	d := mh.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if mh.running || mh.destroyed {
		return
	}
	mh.running = true
	d.running++
	d.updateWatcherLocked()
}

// Stop stops the handler (flux_msg_handler_stop).
func (mh *MsgHandler) Stop() {
	if mh == nil {
		return
	}
	d := mh.d
	d.mu.Lock()
	defer d.mu.Unlock()
	mh.stopLocked()
}

func (mh *MsgHandler) stopLocked() {
	if !mh.running {
		return
	}
	mh.running = false
	mh.d.running--
	mh.d.updateWatcherLocked()
}

// Destroy stops and unregisters the handler (flux_msg_handler_destroy).
func (mh *MsgHandler) Destroy() {
	if mh == nil {
		return
	}
	d := mh.d
	d.mu.Lock()
	if mh.destroyed {
		d.mu.Unlock()
		return
	}
	hooks := mh.onDestroy
	mh.onDestroy = nil
	defer func() {
		for _, fn := range hooks {
			fn()
		}
	}()
	defer d.mu.Unlock()
	mh.stopLocked()
	mh.destroyed = true
	m := mh.match
	switch {
	case m.TypeMask == int(msg.TypeResponse) && m.Matchtag != MatchtagNone:
		if d.rpc[m.Matchtag] == mh {
			delete(d.rpc, m.Matchtag)
		}
	case m.TypeMask == int(msg.TypeRequest) && !isMultMatch(m.TopicGlob):
		st := d.method[m.TopicGlob]
		for i, x := range st {
			if x == mh {
				st = append(st[:i:i], st[i+1:]...)
				break
			}
		}
		if len(st) == 0 {
			delete(d.method, m.TopicGlob)
		} else {
			d.method[m.TopicGlob] = st
		}
	default:
		list := make([]*MsgHandler, 0, len(d.list))
		for _, x := range d.list {
			if x != mh {
				list = append(list, x)
			}
		}
		d.list = list
	}
}

// OnDestroy registers fn to run once when mh is destroyed (at once if it
// already was). Bindings use it to forget the names they gave the handler.
func (mh *MsgHandler) OnDestroy(fn func()) {
	if mh == nil || fn == nil {
		return
	}
	mh.d.mu.Lock()
	if mh.destroyed {
		mh.d.mu.Unlock()
		fn()
		return
	}
	mh.onDestroy = append(mh.onDestroy, fn)
	mh.d.mu.Unlock()
}

// AllowRolemask adds roles whose messages the handler accepts
// (flux_msg_handler_allow_rolemask).
func (mh *MsgHandler) AllowRolemask(mask uint32) {
	if mh == nil {
		return
	}
	mh.d.mu.Lock()
	mh.rolemask |= mask
	mh.d.mu.Unlock()
}

// DenyRolemask removes roles from those the handler accepts; OWNER always
// stays (flux_msg_handler_deny_rolemask).
func (mh *MsgHandler) DenyRolemask(mask uint32) {
	if mh == nil {
		return
	}
	mh.d.mu.Lock()
	mh.rolemask = mh.rolemask&^mask | msg.RoleOwner
	mh.d.mu.Unlock()
}

// MsgHandlerSpec is one entry of a handler table (struct
// flux_msg_handler_spec).
type MsgHandlerSpec struct {
	TypeMask  int
	TopicGlob string
	Cb        MsgHandlerFunc
	Rolemask  uint32 // roles allowed besides OWNER
}

// MsgHandlerAddvec creates, allows and starts a handler for each entry of
// tab (flux_msg_handler_addvec_ex); with service set, topics become
// "<service>.<glob>". On failure the handlers made so far are destroyed.
func (h *Handle) MsgHandlerAddvec(service *string, tab []MsgHandlerSpec) ([]*MsgHandler, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	hs := make([]*MsgHandler, 0, len(tab))
	for _, spec := range tab {
		glob := spec.TopicGlob
		if service != nil {
			glob = *service + "." + glob
		}
		mh, err := h.MsgHandlerCreate(Match{TypeMask: spec.TypeMask, TopicGlob: glob}, spec.Cb)
		if err != nil {
			MsgHandlerDelvec(hs)
			return nil, err
		}
		mh.AllowRolemask(spec.Rolemask)
		mh.Start()
		hs = append(hs, mh)
	}
	return hs, nil
}

// MsgHandlerDelvec destroys handlers made by MsgHandlerAddvec
// (flux_msg_handler_delvec).
func MsgHandlerDelvec(hs []*MsgHandler) {
	for _, mh := range hs {
		mh.Destroy()
	}
}

// HandleWatcher returns the handle watcher that drives h's message
// handlers, creating the dispatcher if needed (flux_get_handle_watcher).
// EBUSY when the RecvLoop drives h's handlers (GoMsgHandlerCreate).
func (h *Handle) HandleWatcher() (*Watcher, error) {
	d, err := h.dispatchGet()
	if err != nil {
		return nil, err
	}
	return d.w, nil
}

// DispatchRequeue puts the messages the clone h's dispatcher could not
// use back at the head of the shared queue, in their original order
// (flux_dispatch_requeue). EINVAL unless h is a clone; EBUSY when the
// RecvLoop drives h's handlers (GoMsgHandlerCreate).
func (h *Handle) DispatchRequeue() error {
	if h == nil || h.FlagsGet()&OClone == 0 {
		return ErrnoError(syscall.EINVAL)
	}
	d, err := h.dispatchGet()
	if err != nil {
		return err
	}
	d.requeue()
	return nil
}

// requeue empties the unmatched list onto the head of the queue.
func (d *dispatch) requeue() {
	d.mu.Lock()
	ms := d.unmatched
	d.unmatched = nil
	h := d.h
	d.mu.Unlock()
	if h == nil {
		return
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if err := h.Requeue(ms[i], RQHead); err != nil {
			h.core.diagf("dispatch_requeue: flux_requeue: %s\n", ErrorText(err))
		}
	}
}

// handleCB receives one message when the handle is readable.
func (d *dispatch) handleCB(r *Reactor, _ *Watcher, revents int) {
	if revents&PollErr != 0 {
		r.StopError()
		return
	}
	h := d.handle()
	if h == nil {
		return
	}
	// One wake-up takes every message already read from the socket (up to
	// handleBatch), not one per loop iteration: each further iteration
	// would cost a wait and two PollEvents for a message that is already
	// here. It stops when the loop is asked to stop, when the watcher is
	// no longer wanted, or when a message would need I/O or come from the
	// requeue queue (which deliver may push back onto).
	for n := 1; ; n++ {
		m, err := h.Recv(Match{}, ONonblock)
		if err != nil {
			if !isWouldBlock(err) {
				r.StopWithError(err)
			}
			return
		}
		d.deliver(r, m)
		if n >= handleBatch || r.Stopping() || !d.watching() || !h.core.messageBuffered() {
			return
		}
	}
}

// handleBatch bounds the messages one handle-watcher callback takes, so a
// busy connection cannot starve the loop's other watchers.
const handleBatch = 64

// watching reports whether the dispatcher's handle watcher is running.
func (d *dispatch) watching() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.wActive && d.h != nil
}

// inboxCB runs the messages other dispatchers handed over.
func (d *dispatch) inboxCB(r *Reactor, _ *Watcher, _ int) {
	for {
		d.mu.Lock()
		if len(d.inbox) == 0 {
			d.mu.Unlock()
			return
		}
		m := transport.ShiftMsg(&d.inbox)
		d.mu.Unlock()
		if !d.dispatchMessage(m) {
			d.unmatchedMsg(r, m)
		}
	}
}

// others returns the other dispatchers of the same root.
func (d *dispatch) others() []*dispatch {
	c := d.c
	c.dispMu.Lock()
	defer c.dispMu.Unlock()
	out := make([]*dispatch, 0, len(c.disps))
	for _, x := range c.disps {
		if x != d {
			out = append(out, x)
		}
	}
	return out
}

// deliver routes a received message: to this dispatcher's handlers, then
// (responses) to the RPC future waiting for its matchtag, then to another
// dispatcher of the same root whose handlers want it (events go to every
// dispatcher that wants them). Whatever nobody takes is handled as
// flux-core's dispatcher does with unmatched messages.
func (d *dispatch) deliver(r *Reactor, m *msg.Message) {
	matched := d.dispatchMessage(m)
	switch m.Type {
	case msg.TypeEvent:
		// As in flux-core, handlers never consume an event: a clone
		// keeps it for DispatchRequeue even after its own handlers ran
		// (so the original handle still sees it), unless another
		// dispatcher of the root took it here.
		matched = postWanting(d.others(), m)
	case msg.TypeRequest, msg.TypeResponse:
		if !matched {
			matched = postWanting(d.others(), m)
		}
	}
	if !matched {
		d.unmatchedMsg(r, m)
	}
}

// postWanting hands m to the dispatchers in ds whose running handlers
// want it, in order: an event to every one of them (each gets its own
// copy), any other message to the first only. It reports whether one
// took m.
func postWanting(ds []*dispatch, m *msg.Message) bool {
	taken := false
	for _, o := range ds {
		if !o.wants(m) {
			continue
		}
		if m.Type != msg.TypeEvent {
			o.post(m)
			return true
		}
		o.post(m.Copy(true))
		taken = true
	}
	return taken
}

// post queues m for this dispatcher's reactor or handler goroutine.
func (d *dispatch) post(m *msg.Message) {
	d.mu.Lock()
	if d.g != nil {
		d.postGoLocked(m) // unlocks d.mu
		return
	}
	if d.h == nil {
		d.mu.Unlock()
		return
	}
	d.inbox = append(d.inbox, m)
	d.mu.Unlock()
	d.async.Wake()
}

// directLocked returns the hashed handler for m (by matchtag for
// responses, by exact topic for requests), if it runs. Call with d.mu
// held.
func (d *dispatch) directLocked(m *msg.Message) *MsgHandler {
	switch m.Type {
	case msg.TypeResponse:
		tag := m.Matchtag()
		if len(m.Routes) == 0 && tag != MatchtagNone {
			if mh := d.rpc[tag]; mh != nil && mh.running && mh.match.Matches(m) {
				return mh
			}
		}
	case msg.TypeRequest:
		if m.HasTopic() {
			if st := d.method[m.Topic]; len(st) > 0 && st[len(st)-1].running {
				return st[len(st)-1]
			}
		}
	}
	return nil
}

// wants reports whether a running handler of d would take m (never once
// d's handler goroutine is stopped).
func (d *dispatch) wants(m *msg.Message) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.h == nil || (d.g != nil && d.g.stopped) {
		return false
	}
	if d.directLocked(m) != nil {
		return true
	}
	for _, mh := range d.list {
		if mh.running && mh.match.Matches(m) {
			return true
		}
	}
	return false
}

// dispatchMessage offers m to d's handlers in flux-core's order and
// reports whether one took it.
func (d *dispatch) dispatchMessage(m *msg.Message) bool {
	d.mu.Lock()
	if d.h == nil {
		d.mu.Unlock()
		return false
	}
	direct := d.directLocked(m)
	list := d.list
	d.mu.Unlock()
	if direct != nil {
		d.call(direct, m)
		return true
	}
	if m.Type == msg.TypeResponse && d.c.hasPending(m) && d.c.routeResponse(m) {
		// A goroutine blocked in Wait may be receiving for the root
		// while this reactor took its response: wake it to look again.
		if len(d.c.rpc.pumpToken) > 0 {
			d.c.kickPump()
		}
		return true
	}
	matched := false
	for _, mh := range list {
		d.mu.Lock()
		run := mh.running
		d.mu.Unlock()
		if !run || !mh.match.Matches(m) {
			continue
		}
		d.call(mh, m)
		matched = true
		if m.Type != msg.TypeEvent {
			break
		}
	}
	return matched
}

// call runs a handler after the role check; a request from a role the
// handler does not accept gets EPERM (unless it wants no response).
func (d *dispatch) call(mh *MsgHandler, m *msg.Message) {
	d.mu.Lock()
	rm := mh.rolemask
	h := d.h
	d.mu.Unlock()
	if h == nil {
		return
	}
	if m.Rolemask&rm == 0 {
		if m.Type == msg.TypeRequest && !m.HasFlag(msg.FlagNoResponse) {
			text := "Request rejected due to insufficient privilege"
			if rm == 0 || rm == msg.RoleOwner {
				text = "Request requires owner credentials"
			}
			_ = h.RespondError(m, int(syscall.EPERM), &text)
		}
		return
	}
	mh.fn(h, mh, m)
}

// unmatchedMsg handles a message no handler took: a clone keeps it for
// DispatchRequeue; otherwise requests get ENOSYS, events are dropped,
// responses go to late-response matchtag reclaim, and other messages are
// reported under FLUX_O_TRACE.
func (d *dispatch) unmatchedMsg(r *Reactor, m *msg.Message) {
	h := d.handle()
	if h == nil {
		return
	}
	if h.FlagsGet()&OClone != 0 {
		d.mu.Lock()
		d.unmatched = append(d.unmatched, m)
		d.mu.Unlock()
		return
	}
	switch m.Type {
	case msg.TypeRequest:
		if err := h.respondUnknown(m); err != nil {
			r.StopWithError(err)
		}
	case msg.TypeEvent:
	case msg.TypeResponse:
		d.c.routeResponse(m)
	default:
		if h.FlagsGet()&OTrace != 0 {
			h.core.diagf("nomatch: %s '%s'\n", msg.TypeString(m.Type), topicOrUnknown(m))
		}
	}
}

// topicOrUnknown returns m's topic, or "unknown" when it has none.
func topicOrUnknown(m *msg.Message) string {
	if m.HasTopic() {
		return m.Topic
	}
	return "unknown"
}

// respondUnknown answers a request nobody handles with ENOSYS and
// flux-core's text "Unknown service method '<topic>'" (at most 255
// bytes).
func (h *Handle) respondUnknown(req *msg.Message) error {
	text := fmt.Sprintf("Unknown service method '%s'", topicOrUnknown(req))
	if len(text) > 255 {
		text = text[:255]
	}
	return h.RespondError(req, int(syscall.ENOSYS), &text)
}

// hasPending reports whether an unfinished RPC waits for m's matchtag.
func (c *core) hasPending(m *msg.Message) bool {
	tag := m.Matchtag()
	if tag == MatchtagNone || len(m.Routes) > 0 {
		return false
	}
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.pending[tag]
	return ok
}
