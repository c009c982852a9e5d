package reactor

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// NewSignalWatcher makes a watcher that fires when the process receives
// signal signum (flux_signal_watcher_create). Deliveries are taken with
// os/signal while at least one watcher for signum is active (Go's handler
// replaces the default action, or a C host's handler, meanwhile) and
// forwarded to the reactor, so the callback runs on the goroutine (thread)
// running Run; deliveries close together may be merged into one callback.
// A signal number outside 1..64 or a nil reactor gives EINVAL.
func (r *Reactor) NewSignalWatcher(signum int, cb WatcherFunc) (*Watcher, error) {
	if signum <= 0 || signum >= 65 {
		return nil, einval()
	}
	return r.newWatcher(&signalOps{signum: signum}, cb)
}

// signalOps is the kind of signal watchers: raised (like a wake watcher)
// by the goroutine that forwards the signal's deliveries.
type signalOps struct {
	wakeOps
	signum int
}

func (o *signalOps) phase() phase { return phaseSignal }

func (o *signalOps) afterStart(w *Watcher) { signalSubscribe(w, o.signum) }
func (o *signalOps) afterStop(w *Watcher)  { signalUnsubscribe(w, o.signum) }

// Signum returns a signal watcher's signal number
// (flux_signal_watcher_get_signum); EINVAL for other watchers.
func (w *Watcher) Signum() (int, error) {
	if w == nil {
		return -1, einval()
	}
	o, ok := w.ops.(*signalOps)
	if !ok {
		return -1, einval()
	}
	return o.signum, nil
}

// sigSub is the process-wide subscription to one signal: one channel
// registered with os/signal and one goroutine forwarding deliveries to
// the active watchers.
type sigSub struct {
	ch       chan os.Signal
	done     chan struct{}
	watchers map[*Watcher]struct{}
}

var sigHub = struct {
	mu   sync.Mutex
	subs map[int]*sigSub
}{subs: map[int]*sigSub{}}

// signalSubscribe adds an active signal watcher to the hub.
func signalSubscribe(w *Watcher, signum int) {
	sigHub.mu.Lock()
	defer sigHub.mu.Unlock()
	s := sigHub.subs[signum]
	if s == nil {
		s = &sigSub{
			ch:       make(chan os.Signal, 4),
			done:     make(chan struct{}),
			watchers: map[*Watcher]struct{}{},
		}
		sigHub.subs[signum] = s
		signal.Notify(s.ch, syscall.Signal(signum))
		go s.forward(signum)
	}
	s.watchers[w] = struct{}{}
}

// signalUnsubscribe removes a stopped signal watcher from the hub; the
// last one for a signal gives the signal back.
func signalUnsubscribe(w *Watcher, signum int) {
	sigHub.mu.Lock()
	defer sigHub.mu.Unlock()
	s := sigHub.subs[signum]
	if s == nil {
		return
	}
	delete(s.watchers, w)
	if len(s.watchers) == 0 {
		signal.Stop(s.ch)
		close(s.done)
		delete(sigHub.subs, signum)
	}
}

// forward hands deliveries of one signal to its watchers until the
// subscription ends.
func (s *sigSub) forward(signum int) {
	for {
		select {
		case <-s.ch:
		case <-s.done:
			return
		}
		sigHub.mu.Lock()
		ws := make([]*Watcher, 0, len(s.watchers))
		for w := range s.watchers {
			ws = append(ws, w)
		}
		sigHub.mu.Unlock()
		for _, w := range ws {
			w.Wake()
		}
	}
}
