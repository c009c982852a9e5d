package flux

import (
	"context"
	"sync"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// connState is what Run needs to know about a connection, shared by a
// handle and its clones: whether it is lost for good, and why.
type connState struct {
	once sync.Once
	lost chan struct{}
	err  error
}

func (s *connState) markLost(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.lost)
	})
}

// connStates maps a connection's receive loop (shared by a root handle and
// its clones) to its state; Close removes the entry once the loop ended.
var connStates sync.Map // *fluxrt.Dispatcher → *connState

// trackConn returns d's state, making it on first use.
func trackConn(d *fluxrt.Dispatcher) *connState {
	st := &connState{lost: make(chan struct{})}
	if v, loaded := connStates.LoadOrStore(d, st); loaded {
		return v.(*connState)
	}
	return st
}

// Run serves the handle's message handlers (HandleFunc), services and
// subscriptions until ctx is done, the handle is closed, or its
// connection is lost for good — the Go counterpart of running a reactor
// in a program that only serves. Handlers already run from HandleFunc on,
// whether or not Run is called: Run only waits. It returns ctx's error;
// nil after Close; or the error that broke the connection (without
// WithReconnect, the first receive error; with it, the error it gave up
// with).
func (h *Handle) Run(ctx context.Context) error {
	if h == nil || h.rt == nil {
		return errNilHandle
	}
	d, err := h.dispatcher()
	if err != nil {
		return err
	}
	st := trackConn(d)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-h.done:
		return nil
	case <-h.rt.Closed():
		return nil
	case <-st.lost:
		return st.err
	}
}
