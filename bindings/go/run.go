package flux

import "context"

// Run serves the handle's message handlers (HandleFunc), services and
// subscriptions until ctx is done, the handle is closed, or its
// connection is lost for good — the Go counterpart of running a reactor
// in a program that only serves. Handlers already run from HandleFunc on,
// whether or not Run is called: Run only waits. It returns ctx's error;
// nil after Close; or the error that broke the connection (with
// WithReconnect, once reconnecting gave up).
func (h *Handle) Run(ctx context.Context) error {
	if err := h.usable(); err != nil {
		if err == ErrClosed {
			return nil
		}
		return err
	}
	d, err := h.recvLoop()
	if err != nil {
		return err
	}
	lost, why := d.Lost()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-h.done:
		return nil
	case <-h.rt.Closed():
		return nil
	case <-lost:
		return why()
	}
}
