package runtime

import (
	"context"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// ServiceRegister asks the broker to send requests for "<name>.*" to this
// connection (flux_service_register): a service.add {"service":name} RPC.
// The broker answers EEXIST (taken), EINVAL (name with '.'), EPERM (guest
// without "<userid>-" prefix). On success the root remembers the name, so
// ReconnectFollowup can register it again.
func (h *Handle) ServiceRegister(name string) (*Future, error) {
	return h.serviceRPC("service.add", name, func() { h.core.noteService(name, true) })
}

// ServiceUnregister undoes ServiceRegister (flux_service_unregister): a
// service.remove RPC; ENOENT when this connection does not hold name.
func (h *Handle) ServiceUnregister(name string) (*Future, error) {
	return h.serviceRPC("service.remove", name, func() { h.core.noteService(name, false) })
}

// ServiceRegisterContext is ServiceRegister waiting under ctx for the
// broker's answer.
func (h *Handle) ServiceRegisterContext(ctx context.Context, name string) error {
	f, err := h.ServiceRegister(name)
	if err != nil {
		return err
	}
	return waitDestroy(ctx, f)
}

// ServiceUnregisterContext is ServiceUnregister waiting under ctx for the
// broker's answer.
func (h *Handle) ServiceUnregisterContext(ctx context.Context, name string) error {
	f, err := h.ServiceUnregister(name)
	if err != nil {
		return err
	}
	return waitDestroy(ctx, f)
}

// serviceRPC sends a service.add/remove RPC with a success hook.
func (h *Handle) serviceRPC(topic, name string, ok func()) (*Future, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	p, err := JSONPayload(map[string]string{"service": name})
	if err != nil {
		return nil, err
	}
	return h.rpcWithHook(topic, p, msg.NodeIDAny, 0, ok)
}

// noteService remembers (or forgets) a registered service name.
func (c *core) noteService(name string, on bool) {
	r := &c.rpc
	r.mu.Lock()
	defer r.mu.Unlock()
	if on {
		r.services[name] = true
	} else {
		delete(r.services, name)
	}
}
