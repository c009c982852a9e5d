package runtime

import (
	"math"
	"sort"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

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

// NewReactor creates a reactor (flux_reactor_create). flags must be 0.
func NewReactor(flags int) (*Reactor, error) {
	if flags != 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, errnoErr(err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, errnoErr(err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wakefd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		_ = unix.Close(epfd)
		_ = unix.Close(wakefd)
		return nil, errnoErr(err)
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

// ReactorTime returns the current wall-clock time in seconds
// (flux_reactor_time).
func ReactorTime() float64 {
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
	r.stopErrorWith(nil)
}

// stopErrorWith is StopError with the error Run should return.
func (r *Reactor) stopErrorWith(err error) {
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
		raiseEventfd(r.wakefd)
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
// or no active referenced watcher is left; ReactorNowait runs a single
// iteration without blocking and ReactorOnce a single iteration that may
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
	if r == nil || flags&^(ReactorNowait|ReactorOnce) != 0 {
		return -1, ErrnoError(syscall.EINVAL)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return -1, ErrnoError(syscall.EINVAL)
	}
	r.loopDone = false
	r.errflag = false
	r.errval = nil
	r.mu.Unlock()
	evs := make([]unix.EpollEvent, 64)
	for {
		r.invoke(r.collectKind(kindPrepare, 0))
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

		n, err := unix.EpollWait(epfd, evs, timeout)
		if err != nil {
			n = 0
			if err != syscall.EINTR {
				r.mu.Lock()
				r.inPoll = false
				r.mu.Unlock()
				return -1, errnoErr(err)
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
			flags&(ReactorNowait|ReactorOnce) == 0
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

// waitTimeLocked returns the epoll timeout in milliseconds.
func (r *Reactor) waitTimeLocked(flags int) int {
	if flags&ReactorNowait != 0 || r.loopDone || r.activeCountLocked() == 0 {
		return 0
	}
	wait := maxBlock
	for _, w := range r.active {
		var d float64
		switch w.kind {
		case kindIdle:
			return 0
		case kindTimer, kindStat:
			d = w.at.Sub(r.nowMono).Seconds()
		case kindPeriodic:
			d = w.pat - r.nowRT
		case kindSignal, kindAsync:
			if w.fired {
				return 0
			}
			continue
		case kindFD:
			if _, broken := r.fdBroken[w.fd]; broken {
				return 0
			}
			continue
		default:
			continue
		}
		if d < wait {
			wait = d
		}
	}
	if wait <= 0 {
		return 0
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
		if w.kind == kindFD {
			want[w.fd] |= w.events
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
			r.fdBroken[fd] = int(ErrnoOf(err))
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
			drainEventfd(r.wakefd)
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
	var fdCalls, sigCalls, asyncCalls, statCalls, timerCalls, periodicCalls []pendingCall
	var killed []*Watcher
	for _, w := range r.active {
		switch w.kind {
		case kindFD:
			if errno, broken := r.fdBroken[w.fd]; broken {
				if syscall.Errno(errno) == syscall.EPERM {
					// Files epoll refuses (regular files) are always ready.
					fdCalls = append(fdCalls, pendingCall{w, w.events & (PollIn | PollOut)})
				} else {
					killed = append(killed, w)
					fdCalls = append(fdCalls, pendingCall{w, PollErr | PollIn | PollOut})
				}
				continue
			}
			if rev := fdRev[w.fd] & w.events; rev != 0 {
				fdCalls = append(fdCalls, pendingCall{w, rev})
			}
		case kindSignal, kindAsync:
			if w.fired {
				w.fired = false
				if w.kind == kindSignal {
					sigCalls = append(sigCalls, pendingCall{w, 0})
				} else {
					asyncCalls = append(asyncCalls, pendingCall{w, 0})
				}
			}
		case kindTimer:
			if !w.at.After(r.nowMono) {
				timerCalls = append(timerCalls, pendingCall{w, 0})
			}
		case kindPeriodic:
			if w.pat <= r.nowRT {
				periodicCalls = append(periodicCalls, pendingCall{w, 0})
			}
		case kindStat:
			if !w.at.After(r.nowMono) {
				statCalls = append(statCalls, pendingCall{w, 0})
			}
		}
	}
	for _, w := range killed {
		r.stopLocked(w)
	}
	// Timers: in deadline order; reschedule repeating ones, stop others.
	sort.SliceStable(timerCalls, func(i, j int) bool {
		a, b := timerCalls[i].w, timerCalls[j].w
		if a.at.Equal(b.at) {
			return a.seq < b.seq
		}
		return a.at.Before(b.at)
	})
	for _, c := range timerCalls {
		w := c.w
		if w.repeat > 0 {
			w.at = w.at.Add(durationOf(w.repeat))
			if w.at.Before(r.nowMono) {
				w.at = r.nowMono
			}
		} else {
			r.stopLocked(w)
		}
	}
	sort.SliceStable(periodicCalls, func(i, j int) bool {
		return periodicCalls[i].w.pat < periodicCalls[j].w.pat
	})
	var periodicDue []pendingCall
	for _, c := range periodicCalls {
		periodicDue = append(periodicDue, c)
		r.periodicAdvanceLocked(c.w)
	}
	var statDue []pendingCall
	for _, c := range statCalls {
		if c.w.statPollLocked(r) {
			statDue = append(statDue, c)
		}
	}
	var calls []pendingCall
	calls = append(calls, periodicDue...)
	calls = append(calls, timerCalls...)
	calls = append(calls, statDue...)
	calls = append(calls, sigCalls...)
	calls = append(calls, asyncCalls...)
	calls = append(calls, fdCalls...)
	if len(calls) == 0 {
		for _, w := range r.active {
			if w.kind == kindIdle {
				calls = append(calls, pendingCall{w, 0})
			}
		}
	}
	var checks []pendingCall
	for _, w := range r.active {
		if w.kind == kindCheck {
			checks = append(checks, pendingCall{w, 0})
		}
	}
	calls = append(checks, calls...)
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].w.prio > calls[j].w.prio })
	for _, c := range calls {
		c.w.pendingMark = true
	}
	r.pending = calls
}

// collectKind returns pending calls for every active watcher of kind.
func (r *Reactor) collectKind(kind watcherKind, revents int) []pendingCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var calls []pendingCall
	for _, w := range r.active {
		if w.kind == kind {
			w.pendingMark = true
			calls = append(calls, pendingCall{w, revents})
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
