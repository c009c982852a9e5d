package reactor

import (
	"math"
	"sort"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/internal/eventfd"
)

// Event bits of fd and handle watchers (the values of FLUX_POLLIN,
// FLUX_POLLOUT and FLUX_POLLERR, which package runtime also has).
const (
	PollIn  = 1
	PollOut = 2
	PollErr = 4
)

// Run flags (FLUX_REACTOR_NOWAIT and FLUX_REACTOR_ONCE).
const (
	Nowait = 1
	Once   = 2
)

// pollWait is the call the loop blocks in (see SetPollWait).
var pollWait = unix.EpollWait

// SetPollWait replaces the call Run blocks in, epoll_wait(2) by default,
// with fn, which must behave the same; nil restores the default. Call it
// before any reactor runs (it is not synchronized). The C binding uses it
// to block in C code: a C program's own signal handler then runs on the
// thread's C stack, from which it may call the library, instead of on a
// goroutine's stack, where Go cannot be entered.
func SetPollWait(fn func(epfd int, events []unix.EpollEvent, msec int) (int, error)) {
	if fn == nil {
		fn = unix.EpollWait
	}
	pollWait = fn
}

// einval is the error of calls with invalid arguments.
func einval() error { return errno.New(syscall.EINVAL) }

// maxBlock caps one epoll wait, as libev does, so that clock jumps are
// noticed eventually.
const maxBlock = 59.743

// WatcherFunc is a watcher callback (flux_watcher_f): the reactor, the
// watcher and the events that fired (PollIn/PollOut/PollErr for fd and
// handle watchers, 0 for the other kinds).
type WatcherFunc func(r *Reactor, w *Watcher, revents int)

// Reactor is a flux_reactor_t: an epoll-based event loop that runs watcher
// callbacks on the goroutine that called Run, one at a time, with no lock
// held (callbacks may call any reactor or watcher method).
//
// Thread safety: Stop, StopError, Now, NowUpdate, Incref, Decref and every
// watcher method (Start, Stop, Ref, Unref, Destroy, IsActive, TimerReset,
// ...) may be called from any goroutine; a change made while Run is
// blocked wakes it through an internal eventfd. Run itself must only be
// entered by one goroutine at a time (it may be re-entered from one of its
// own callbacks). A C host that calls Run from a thread gets every
// callback on that thread, because callbacks are plain calls made by Run.
type Reactor struct {
	mu     sync.Mutex
	refs   int
	closed bool
	epfd   int
	wakefd int

	nowRT   float64   // cached wall-clock time (flux_reactor_now)
	nowMono time.Time // cached monotonic time, base of relative timers

	loopDone bool
	errflag  bool
	errval   error
	inPoll   bool
	woken    bool // wakefd raised and not yet drained

	active   []*Watcher    // active watchers in start order
	seq      uint64        // start sequence, orders equal deadlines
	fdDirty  bool          // fd watcher set changed since last reify
	fdEvents map[int]int   // fd → events registered with epoll
	fdBroken map[int]int   // fd → errno: epoll refused it (EPERM: always ready)
	pending  []pendingCall // filled and drained by one loop iteration
	onClose  []func()      // OnDestroy hooks
	fdRev    map[int]int   // gatherLocked's scratch: fd → events this iteration
}

// pendingCall is one callback due in the current loop iteration.
type pendingCall struct {
	w       *Watcher
	revents int
}

// New creates a reactor (flux_reactor_create). flags must be 0.
func New(flags int) (*Reactor, error) {
	if flags != 0 {
		return nil, einval()
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, errno.FromUnix(err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, errno.FromUnix(err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wakefd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		_ = unix.Close(epfd)
		_ = unix.Close(wakefd)
		return nil, errno.FromUnix(err)
	}
	r := &Reactor{
		refs:     1,
		epfd:     epfd,
		wakefd:   wakefd,
		fdEvents: map[int]int{},
		fdBroken: map[int]int{},
	}
	r.updateTimeLocked()
	return r, nil
}

// Incref adds a reference to r (flux_reactor_incref). nil is ignored.
func (r *Reactor) Incref() {
	if r == nil {
		return
	}
	r.mu.Lock()
	if !r.closed {
		r.refs++
	}
	r.mu.Unlock()
}

// Decref drops a reference (flux_reactor_decref); the last one closes the
// reactor's descriptors. Watchers hold references on their reactor, so
// this happens only once they are destroyed too. nil is ignored.
func (r *Reactor) Decref() {
	if r == nil {
		return
	}
	r.mu.Lock()
	if r.closed || r.refs <= 0 {
		r.mu.Unlock()
		return
	}
	r.refs--
	if r.refs > 0 {
		r.mu.Unlock()
		return
	}
	r.closed = true
	epfd, wakefd := r.epfd, r.wakefd
	r.epfd, r.wakefd = -1, -1
	hooks := r.onClose
	r.onClose = nil
	r.mu.Unlock()
	_ = unix.Close(epfd)
	_ = unix.Close(wakefd)
	for _, fn := range hooks {
		fn()
	}
}

// OnDestroy registers fn to run once, after the last reference to r is
// dropped (at once if that already happened). Bindings use it to forget
// the names they gave the reactor.
func (r *Reactor) OnDestroy(fn func()) {
	if r == nil || fn == nil {
		return
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		fn()
		return
	}
	r.onClose = append(r.onClose, fn)
	r.mu.Unlock()
}

// Destroy is Decref (flux_reactor_destroy).
func (r *Reactor) Destroy() { r.Decref() }

// Time returns the current wall-clock time in seconds
// (flux_reactor_time).
func Time() float64 {
	return float64(time.Now().UnixNano()) / 1e9
}

// updateTimeLocked refreshes the cached clocks.
func (r *Reactor) updateTimeLocked() {
	t := time.Now()
	r.nowMono = t
	r.nowRT = float64(t.UnixNano()) / 1e9
}

// Now returns the reactor's cached wall-clock time, updated once per loop
// iteration (flux_reactor_now). A nil reactor gives 0.
func (r *Reactor) Now() float64 {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nowRT
}

// NowUpdate refreshes the cached time (flux_reactor_now_update).
func (r *Reactor) NowUpdate() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.updateTimeLocked()
	r.mu.Unlock()
}

// Stop makes Run return after the current callback (flux_reactor_stop);
// Run then returns its active watcher count. Safe from any goroutine. A
// Stop that happens while Run is not running is forgotten by the next Run,
// as in flux-core.
func (r *Reactor) Stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.loopDone = true
	r.errflag = false
	r.errval = nil
	r.wakeLocked()
	r.mu.Unlock()
}

// StopError is Stop, but Run then returns -1 (flux_reactor_stop_error).
func (r *Reactor) StopError() {
	r.StopWithError(nil)
}

// StopWithError is StopError with the error Run should return (the
// runtime stops a loop for reasons of its own with it).
func (r *Reactor) StopWithError(err error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.loopDone = true
	r.errflag = true
	r.errval = err
	r.wakeLocked()
	r.mu.Unlock()
}

// wakeLocked interrupts a blocked epoll wait. Call with mu held.
func (r *Reactor) wakeLocked() {
	if r.inPoll && !r.woken && r.wakefd >= 0 {
		eventfd.Raise(r.wakefd)
		r.woken = true
	}
}

// activeCountLocked counts the active referenced watchers.
func (r *Reactor) activeCountLocked() int {
	n := 0
	for _, w := range r.active {
		if !w.unref {
			n++
		}
	}
	return n
}

// ActiveCount returns the number of active referenced watchers.
func (r *Reactor) ActiveCount() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.activeCountLocked()
}

// Run runs the loop (flux_reactor_run) until Stop or StopError is called
// or no active referenced watcher is left; Nowait runs a single
// iteration without blocking and Once a single iteration that may
// block. It returns the number of active referenced watchers left, or -1
// after StopError (with a nil error, unless the runtime stopped the loop
// for a reason of its own). Other flags or a nil reactor give EINVAL.
//
// One iteration: prepare callbacks; wait (not at all with Nowait, when an
// idle watcher is active or nothing is active; else until the next timer,
// periodic or stat deadline, an fd event, a signal or a wake-up); then
// the callbacks due, ordered by priority and, within one priority, check,
// idle (only when nothing else is due), periodic, timer (by deadline),
// stat, signal, internal and fd watchers.
func (r *Reactor) Run(flags int) (int, error) {
	if r == nil || flags&^(Nowait|Once) != 0 {
		return -1, einval()
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return -1, einval()
	}
	r.loopDone = false
	r.errflag = false
	r.errval = nil
	r.mu.Unlock()
	evs := make([]unix.EpollEvent, 64)
	for {
		r.invoke(r.collectPhase(phasePrepare))
		r.reschedule()
		r.mu.Lock()
		if r.loopDone || r.closed {
			r.mu.Unlock()
			break
		}
		r.reifyLocked()
		r.updateTimeLocked()
		timeout := r.waitTimeLocked(flags)
		r.inPoll = true
		epfd := r.epfd
		r.mu.Unlock()

		n, err := pollWait(epfd, evs, timeout)
		if err != nil {
			n = 0
			if err != syscall.EINTR {
				r.mu.Lock()
				r.inPoll = false
				r.mu.Unlock()
				return -1, errno.FromUnix(err)
			}
		}

		r.mu.Lock()
		r.inPoll = false
		r.updateTimeLocked()
		r.gatherLocked(evs[:n])
		calls := r.pending
		r.pending = nil
		r.mu.Unlock()
		r.invoke(calls)

		r.mu.Lock()
		again := r.activeCountLocked() > 0 && !r.loopDone && !r.closed &&
			flags&(Nowait|Once) == 0
		r.mu.Unlock()
		if !again {
			break
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errflag {
		return -1, r.errval
	}
	return r.activeCountLocked(), nil
}

// Stopping reports whether the current Run has been asked to end (Stop,
// StopError, StopWithError) or the reactor is closed: a callback taking
// several events in one go stops taking them then.
func (r *Reactor) Stopping() bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loopDone || r.closed
}

// waitTimeLocked returns the epoll timeout in milliseconds: the nearest
// bound any active watcher sets (see watcherOps.waitLocked).
func (r *Reactor) waitTimeLocked(flags int) int {
	if flags&Nowait != 0 || r.loopDone || r.activeCountLocked() == 0 {
		return 0
	}
	wait := maxBlock
	for _, w := range r.active {
		if d, bounded := w.ops.waitLocked(r, w); bounded && d < wait {
			wait = d
			if wait <= 0 {
				return 0
			}
		}
	}
	return int(math.Ceil(wait * 1000))
}

// reifyLocked brings the epoll set in line with the active fd watchers.
func (r *Reactor) reifyLocked() {
	if !r.fdDirty {
		return
	}
	r.fdDirty = false
	want := map[int]int{}
	for _, w := range r.active {
		if fo, ok := w.ops.(*fdOps); ok {
			want[fo.fd] |= fo.events
		}
	}
	for fd, ev := range r.fdEvents {
		if nev, ok := want[fd]; !ok || nev != ev {
			if !ok {
				_ = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, fd, nil)
				delete(r.fdEvents, fd)
			}
		}
	}
	for fd := range r.fdBroken {
		if _, ok := want[fd]; !ok {
			delete(r.fdBroken, fd)
		}
	}
	for fd, ev := range want {
		old, ok := r.fdEvents[fd]
		if ok && old == ev {
			continue
		}
		if _, broken := r.fdBroken[fd]; broken {
			continue
		}
		e := unix.EpollEvent{Fd: int32(fd)}
		if ev&PollIn != 0 {
			e.Events |= unix.EPOLLIN
		}
		if ev&PollOut != 0 {
			e.Events |= unix.EPOLLOUT
		}
		op := unix.EPOLL_CTL_ADD
		if ok {
			op = unix.EPOLL_CTL_MOD
		}
		err := unix.EpollCtl(r.epfd, op, fd, &e)
		if err == unix.ENOENT && op == unix.EPOLL_CTL_MOD {
			err = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, fd, &e)
		} else if err == unix.EEXIST && op == unix.EPOLL_CTL_ADD {
			err = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_MOD, fd, &e)
		}
		if err != nil {
			delete(r.fdEvents, fd)
			r.fdBroken[fd] = int(errno.Of(err))
			continue
		}
		r.fdEvents[fd] = ev
	}
}

// gatherLocked queues the callbacks due after an epoll wait, in invocation
// order.
func (r *Reactor) gatherLocked(evs []unix.EpollEvent) {
	if r.fdRev == nil {
		r.fdRev = map[int]int{}
	}
	fdRev := r.fdRev
	clear(fdRev)
	for _, e := range evs {
		fd := int(e.Fd)
		if fd == r.wakefd {
			eventfd.Drain(r.wakefd)
			r.woken = false
			continue
		}
		rev := 0
		if e.Events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			rev |= PollIn
		}
		if e.Events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			rev |= PollOut
		}
		fdRev[fd] |= rev
	}
	var groups [numPhases][]pendingCall
	for _, w := range r.active {
		if rev, due := w.ops.dueLocked(r, w, fdRev); due {
			p := w.ops.phase()
			groups[p] = append(groups[p], pendingCall{w, rev})
		}
	}
	// Timers by deadline, periodics by time (ties: start order).
	for _, p := range []phase{phasePeriodic, phaseTimer} {
		g := groups[p]
		sort.SliceStable(g, func(i, j int) bool {
			a, b := g[i].w, g[j].w
			ka, kb := a.ops.(orderedOps).orderLocked(r), b.ops.(orderedOps).orderLocked(r)
			if ka == kb {
				return a.seq < b.seq
			}
			return ka < kb
		})
	}
	var calls []pendingCall
	for p := phasePeriodic; p <= phaseFD; p++ {
		for _, c := range groups[p] {
			if f, ok := c.w.ops.(firingOps); !ok || f.firedLocked(r, c.w) {
				calls = append(calls, c)
			}
		}
	}
	if len(calls) == 0 {
		calls = groups[phaseIdle]
	}
	calls = append(groups[phaseCheck], calls...)
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].w.prio > calls[j].w.prio })
	for _, c := range calls {
		c.w.pendingMark = true
	}
	r.pending = calls
}

// collectPhase returns pending calls for every active watcher of phase p
// (prepare watchers, before the wait), higher priorities first.
func (r *Reactor) collectPhase(p phase) []pendingCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var calls []pendingCall
	for _, w := range r.active {
		if w.ops.phase() == p {
			w.pendingMark = true
			calls = append(calls, pendingCall{w, 0})
		}
	}
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].w.prio > calls[j].w.prio })
	return calls
}

// invoke runs the callbacks of calls whose event was not cleared (by a
// Stop or Destroy of their watcher) in the meantime.
func (r *Reactor) invoke(calls []pendingCall) {
	for _, c := range calls {
		r.mu.Lock()
		w := c.w
		due := w.pendingMark && !w.destroyed
		w.pendingMark = false
		cb := w.cb
		r.mu.Unlock()
		if due && cb != nil {
			cb(r, w, c.revents)
		}
	}
}

// durationOf converts seconds to a Duration, saturating.
func durationOf(sec float64) time.Duration {
	if sec <= 0 {
		return 0
	}
	if sec > float64(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(sec * float64(time.Second))
}
