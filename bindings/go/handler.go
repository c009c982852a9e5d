package flux

import (
	"context"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Match selects the messages a handler registered with HandleFunc is
// given: those of one of the Types whose topic matches the glob Topic.
type Match struct {
	// Types is a mask of message types (Request, Response, Event,
	// combined with |); 0 means any type.
	Types MsgType
	// Topic is a glob with flux-core's rules (fnmatch(3) without flags):
	// '*' matches any run of characters ('.' included), '?' any single
	// character, "[...]" one character of a set, with ranges ("[a-f]")
	// and negation ("[!x]" or "[^x]"), and '\' makes the next character
	// literal. "" and "*" match every topic; a topic without any of '*',
	// '?' and '[' matches only itself.
	Topic string
}

// MatchRequest matches the requests whose topic matches glob.
func MatchRequest(glob string) Match { return Match{Types: Request, Topic: glob} }

// MatchEvent matches the events whose topic matches glob. A handle gets
// only the events it subscribed to (EventSubscribe).
func MatchEvent(glob string) Match { return Match{Types: Event, Topic: glob} }

// MatchResponse matches the responses whose topic matches glob that no
// RPC of this handle's connection is waiting for.
func MatchResponse(glob string) Match { return Match{Types: Response, Topic: glob} }

// HandlerFunc handles one message given to a handler registered with
// HandleFunc. r answers m when m is a request; for other messages its
// methods fail with EPROTO. ctx is cancelled when the handle is closed:
// a handler that waits for anything should give up then.
type HandlerFunc func(ctx context.Context, m *Message, r Responder)

// Responder answers the request a handler was given. Its methods may be
// called from any goroutine, also after the handler has returned: to
// answer later, or several times for a streaming request (then end the
// stream with RespondError(syscall.ENODATA, "")). Answers to a request
// sent with RPCNoResponse are accepted and dropped. *ServiceRequest is a
// Responder too.
type Responder interface {
	// Respond sends a success response with payload (see the package
	// documentation for payload types).
	Respond(payload any) error
	// RespondError sends an error response with errno and text ("" for
	// none); errno 0 is sent as EINVAL, as flux-core does.
	RespondError(errno syscall.Errno, text string) error
}

var _ Responder = (*ServiceRequest)(nil)

// HandlerOption adjusts a handler registered with HandleFunc.
type HandlerOption interface {
	applyHandler(*fluxrt.MsgHandler)
}

// rolesOption is the HandlerOption made by AllowRoles.
type rolesOption uint32

func (r rolesOption) applyHandler(mh *fluxrt.MsgHandler) { mh.AllowRolemask(uint32(r)) }

// AllowRoles lets the handler take messages from senders holding any of
// roles (RoleUser, RoleAdmin, RoleAll, ...) besides the instance owner,
// who is always allowed (flux_msg_handler_allow_rolemask). A message from
// a sender with none of the allowed roles still selects the handler but
// does not reach it: a request gets EPERM with flux-core's text,
// "Request requires owner credentials" when only the owner is allowed
// and "Request rejected due to insufficient privilege" otherwise, and any
// other message is dropped.
func AllowRoles(roles uint32) HandlerOption { return rolesOption(roles) }

// Handler is a message handler registered with HandleFunc.
type Handler struct {
	mh *fluxrt.MsgHandler
}

// Remove unregisters the handler (flux_msg_handler_destroy). Messages it
// was given but had not started on yet are routed again as if it had
// never been registered, so a request goes to another handler or gets
// ENOSYS. A call of the handler that is running is not waited for, so
// Remove may be called from the handler itself. Removing twice, or a nil
// Handler, does nothing.
func (hd *Handler) Remove() {
	if hd != nil {
		hd.mh.Destroy()
	}
}

// HandleFunc registers fn for the messages that satisfy match and starts
// it at once: it is the Go form of flux_msg_handler_create followed by
// flux_msg_handler_start, with no reactor to run (see "Message handlers"
// in the package documentation). It stays registered until Remove or
// Close. By default only messages from the instance owner reach fn; see
// AllowRoles.
//
// Handlers belong to the handle they were registered on: a clone's
// handlers are its own, and the root's are not the clone's. All handlers
// of one handle are called on one goroutine owned by that handle, one
// message at a time, in the order the messages arrived, so they never
// run concurrently with each other and need no locking among
// themselves. This is what a handle's reactor does in flux-core, and it
// keeps events and requests in order. A handler that blocks therefore
// delays the other handlers of its handle, but not the receive loop, RPCs,
// subscriptions, services, or the handlers of other handles: for work
// that should proceed in parallel, register the handlers on a clone
// (Clone), or pass the message and its Responder to a goroutine. For the
// same reason a handler must not wait for the answer to a request that
// its own handle serves: that request waits for the handler to return.
//
// Which handler gets a request: the handles sharing the connection are
// tried in turn, the root first and then its clones in the order they
// were made. Within a handle, a handler registered with MatchRequest for
// the request's exact topic comes first (the most recent of those), then
// the most recently registered handler whose Match the request satisfies.
// When no handle has one, the request goes to the handler of
// RegisterService for its service, or else is answered with ENOSYS
// "Unknown service method '<topic>'". An event goes to every handler, on
// every handle, whose Match it satisfies (and to subscriptions). A
// response goes to the RPC waiting for it, else to a handler as a request
// would, and is dropped when nobody takes it.
//
// Handlers do not subscribe to events or register services: do that with
// EventSubscribe and RegisterServiceName. A nil fn gives EINVAL.
func (h *Handle) HandleFunc(match Match, fn HandlerFunc, opts ...HandlerOption) (*Handler, error) {
	if err := h.usable(); err != nil {
		return nil, opErr("handler", match.Topic, err)
	}
	if fn == nil {
		return nil, fluxrt.ErrnoError(syscall.EINVAL)
	}
	if _, err := h.recvLoop(); err != nil {
		return nil, err
	}
	mh, err := h.rt.GoMsgHandlerCreate(fluxrt.Match{TypeMask: int(match.Types), TopicGlob: match.Topic},
		func(ctx context.Context, rh *fluxrt.Handle, _ *fluxrt.MsgHandler, m *msg.Message) {
			r := &responder{h: rh, m: m}
			var answer func()
			if m.Type == msg.TypeRequest {
				answer = panicAnswer(&r.ans, func(e syscall.Errno, text string) error { return respondError(rh, m, e, text) })
			}
			h.guard("HandleFunc", m.Topic, answer, func() { fn(ctx, toMessage(m), r) })
		})
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		if o != nil {
			o.applyHandler(mh)
		}
	}
	mh.Start()
	return &Handler{mh: mh}, nil
}

// responder is the Responder given to handlers.
type responder struct {
	h   *fluxrt.Handle
	m   *msg.Message
	ans answered
}

// Respond answers the request with payload.
func (r *responder) Respond(payload any) error {
	err := respond(r.h, r.m, payload)
	r.ans.note(r.m.HasFlag(msg.FlagStreaming), false, err)
	return err
}

// RespondError answers the request with an error.
func (r *responder) RespondError(errno syscall.Errno, text string) error {
	err := respondError(r.h, r.m, errno, text)
	r.ans.note(r.m.HasFlag(msg.FlagStreaming), true, err)
	return err
}

// RegisterServiceName registers name with the broker, so that requests
// for "<name>.<method>" from any client come to this handle's connection
// (flux_service_register), without a handler of its own: the requests go
// to the handlers registered with HandleFunc (on this handle, its root or
// its clones), and those no handler takes get ENOSYS. The broker refuses
// a name already taken (EEXIST), a name with a '.' (EINVAL) and, for
// guests, names not starting with "<userid>-" (EPERM). Unregister the
// returned Service to stop the requests.
func (h *Handle) RegisterServiceName(ctx context.Context, name string) (*Service, error) {
	if err := h.usable(); err != nil {
		return nil, opErr("service register", name, err)
	}
	if _, err := h.recvLoop(); err != nil {
		return nil, err
	}
	if err := h.rt.ServiceRegisterContext(ctx, name); err != nil {
		return nil, err
	}
	return &Service{h: h, name: name}, nil
}

// EventSubscribe asks the broker for the events whose topic starts with
// topic ("" for all) without a channel to deliver them on
// (flux_event_subscribe): they go to the handlers registered with
// MatchEvent. The broker counts subscriptions per topic and connection
// (a handle and its clones share theirs); each needs its own
// EventUnsubscribe.
func (h *Handle) EventSubscribe(ctx context.Context, topic string) error {
	if err := h.usable(); err != nil {
		return opErr("event subscribe", topic, err)
	}
	if _, err := h.recvLoop(); err != nil {
		return err
	}
	return h.rt.EventSubscribeContext(ctx, topic)
}

// EventUnsubscribe drops one subscription made by EventSubscribe
// (flux_event_unsubscribe); the broker answers ENOENT for a topic that
// is not subscribed.
func (h *Handle) EventUnsubscribe(ctx context.Context, topic string) error {
	if err := h.usable(); err != nil {
		return opErr("event unsubscribe", topic, err)
	}
	if _, err := h.recvLoop(); err != nil {
		return err
	}
	return h.rt.EventUnsubscribeContext(ctx, topic)
}
