package flux

import (
	"context"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// ServiceRequest is a request received by a service registered with
// RegisterService. Answer it with Respond (several times for a streaming
// request, then RespondError(syscall.ENODATA, "") to end the stream) or
// RespondError. Requests sent with RPCNoResponse accept answers and drop
// them.
type ServiceRequest struct {
	Topic      string
	Payload    Payload
	Userid     uint32
	Rolemask   uint32
	Streaming  bool
	NoResponse bool

	h   *Handle
	m   *msg.Message
	ctx context.Context
	ans answered
}

// Context returns the request's context: it is cancelled when the service
// is unregistered or its handle is closed, so a long handler can stop.
func (r *ServiceRequest) Context() context.Context {
	if r == nil || r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// Respond sends a success response with payload (see the package
// documentation for payload types).
func (r *ServiceRequest) Respond(payload any) error {
	if r == nil {
		return errNilHandle
	}
	if err := r.h.usable(); err != nil {
		return opErr("respond", r.Topic, err)
	}
	err := respond(r.h.rt, r.m, payload)
	r.ans.note(r.Streaming, false, err)
	return err
}

// RespondError sends an error response with errno and text ("" for none);
// errno 0 is sent as EINVAL, as flux-core does.
func (r *ServiceRequest) RespondError(errno syscall.Errno, text string) error {
	if r == nil {
		return errNilHandle
	}
	if err := r.h.usable(); err != nil {
		return opErr("respond", r.Topic, err)
	}
	err := respondError(r.h.rt, r.m, errno, text)
	r.ans.note(r.Streaming, true, err)
	return err
}

// respond answers the request m on h with payload (see encodePayload);
// both ServiceRequest and the handlers' Responder use it.
func respond(h *fluxrt.Handle, m *msg.Message, payload any) error {
	p, err := encodePayload(payload)
	if err != nil {
		return err
	}
	return h.Respond(m, p)
}

// respondError answers the request m on h with errno and text ("" for
// none).
func respondError(h *fluxrt.Handle, m *msg.Message, errno syscall.Errno, text string) error {
	var t *string
	if text != "" {
		t = &text
	}
	return h.RespondError(m, int(errno), t)
}

// ServiceHandler handles one request. Each call runs on its own goroutine,
// so a handler may block and handlers may run at the same time; the
// request's Context ends when the service is unregistered or the handle
// closed. A panic in it is recovered (see PanicError).
//
// Which server API to use: RegisterService is the simple one — one
// function per service name, requests served concurrently, the service
// registered with the broker for you. HandleFunc is flux-core's message
// handler model — handlers per topic or glob, for requests, events and
// responses alike, run one at a time per handle in arrival order, with
// role checks; register the service name yourself with
// RegisterServiceName. Use it to port flux-core code or when order
// matters; RegisterService otherwise.
type ServiceHandler func(req *ServiceRequest)

// Service is a service registered with RegisterService.
type Service struct {
	h      *Handle
	name   string
	cancel context.CancelFunc // ends the requests' context (nil: none)
}

// RegisterService registers name with the broker, so that requests for
// "<name>.<method>" from any client come to this handle, and calls handler
// for each. The broker refuses a name already taken (EEXIST), a name with
// a '.' (EINVAL) and, for guests, names not starting with "<userid>-"
// (EPERM). A handle can serve a name only once (EEXIST).
func (h *Handle) RegisterService(ctx context.Context, name string, handler ServiceHandler) (*Service, error) {
	if handler == nil {
		return nil, opErr("service register", name, fluxrt.ErrnoError(syscall.EINVAL))
	}
	d, err := h.recvLoop()
	if err != nil {
		return nil, opErr("service register", name, err)
	}
	// The requests' context ends with the service or the handle.
	sctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-h.done:
			cancel()
		case <-sctx.Done():
		}
	}()
	err = d.AddRequestHandler(name, func(m *msg.Message) {
		req := &ServiceRequest{
			Topic:      m.Topic,
			Payload:    Payload(m.Payload),
			Userid:     m.Userid,
			Rolemask:   m.Rolemask,
			Streaming:  m.HasFlag(msg.FlagStreaming),
			NoResponse: m.HasFlag(msg.FlagNoResponse),
			h:          h,
			m:          m,
			ctx:        sctx,
		}
		go h.guard("RegisterService", m.Topic, panicAnswer(&req.ans, func(e syscall.Errno, text string) error {
			return respondError(h.rt, m, e, text)
		}), func() { handler(req) })
	})
	if err != nil && fluxrt.ErrnoOf(err) != syscall.EINVAL {
		cancel()
		return nil, opErr("service register", name, err)
	}
	registered := err == nil
	if err := h.retrySend(ctx, func() error { return h.rt.ServiceRegisterContext(ctx, name) }); err != nil {
		if registered {
			d.RemoveRequestHandler(name)
		}
		cancel()
		return nil, opErr("service register", name, err)
	}
	return &Service{h: h, name: name, cancel: cancel}, nil
}

// Name returns the service name.
func (s *Service) Name() string { return s.name }

// Unregister tells the broker to stop sending requests for the service
// and stops calling its handler (also when the broker's answer is an
// error or ctx ends first).
func (s *Service) Unregister(ctx context.Context) error {
	if s == nil {
		return errNilHandle
	}
	if s.cancel != nil {
		s.cancel()
	}
	if err := s.h.usable(); err != nil {
		return opErr("service unregister", s.name, err)
	}
	err := s.h.rt.ServiceUnregisterContext(ctx, s.name)
	// The handler goes whatever the broker said: the caller is done with
	// the service (an unfinished wait leaves the broker's side undone).
	if d := s.h.rt.RecvLoop(); d != nil {
		d.RemoveRequestHandler(s.name)
	}
	return opErr("service unregister", s.name, err)
}
