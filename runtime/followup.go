package runtime

import (
	"context"
	"errors"
	"sort"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// ReconnectFollowup does what flux_open(3) tells a client to do after a
// successful Reconnect: wait for the broker to reach RUN
// (state-machine.wait), register again every service the root holds,
// and subscribe again to every event topic it is subscribed to (as many
// times as it subscribed). It returns the first error but tries every
// step.
func (h *Handle) ReconnectFollowup() error {
	return h.ReconnectFollowupContext(context.Background())
}

// ReconnectFollowupContext is ReconnectFollowup with a context bounding
// the waits.
func (h *Handle) ReconnectFollowupContext(ctx context.Context) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	root := h.core.root
	if _, err := root.rpcSync(ctx, "state-machine.wait", msg.NodeIDAny, nil); err != nil {
		return err
	}
	r := &h.core.rpc
	r.mu.Lock()
	services := make([]string, 0, len(r.services))
	for name := range r.services {
		services = append(services, name)
	}
	subs := make(map[string]int, len(r.subs))
	for t, n := range r.subs {
		subs[t] = n
	}
	r.mu.Unlock()
	sort.Strings(services)
	var errs []error
	for _, name := range services {
		p, err := JSONPayload(map[string]string{"service": name})
		if err == nil {
			_, err = root.rpcSync(ctx, "service.add", msg.NodeIDAny, p)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	topics := make([]string, 0, len(subs))
	for t := range subs {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, topic := range topics {
		for i := 0; i < subs[topic]; i++ {
			p, err := JSONPayload(map[string]string{"topic": topic})
			if err == nil {
				_, err = root.rpcSync(ctx, "event.subscribe", msg.NodeIDAny, p)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// Subscriptions returns the event topics the root is subscribed to (with
// their counts) and the services it has registered, as remembered for
// ReconnectFollowup.
func (h *Handle) Subscriptions() (topics map[string]int, services []string) {
	if h == nil {
		return nil, nil
	}
	r := &h.core.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	topics = make(map[string]int, len(r.subs))
	for t, n := range r.subs {
		topics[t] = n
	}
	for s := range r.services {
		services = append(services, s)
	}
	sort.Strings(services)
	return topics, services
}

// errReconnectAborted is the error of RPCs ended by a lost connection, the
// text flux-core uses for RPCTRACK.
func errReconnectAborted() error {
	return Errorf(syscall.ECONNRESET, "RPC aborted due to broker reconnect")
}

// isDestroyed reports errors meaning the handle is gone.
func isDestroyed(err error) bool {
	return errors.Is(err, syscall.ENOSYS)
}
