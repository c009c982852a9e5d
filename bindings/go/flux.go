// Package flux is the Go binding of fluxgo: a pure-Go client for the Flux
// resource manager's message broker, with no cgo. It speaks flux-core's
// wire protocol (RFC 3 messages over the broker's local:// unix socket), so
// it talks to a real flux-core broker as flux-core's own libflux-core does.
//
// Open a handle with Open, use it, and Close it:
//
//	h, err := flux.Open("") // $FLUX_URI, else local:///run/flux/local
//	if err != nil { ... }
//	defer h.Close()
//	rank, err := h.Rank()
//	resp, err := h.RPC(ctx, "broker.ping", map[string]any{"seq": 1})
//
// # Concurrency and dispatch
//
// A *Handle is safe for concurrent use by any number of goroutines. Open
// starts one receive loop per connection (package runtime's RecvLoop),
// owned by the handle: it routes each response to the RPC waiting for its
// matchtag, each event to the subscriptions whose topic prefix matches
// and to the message handlers that match it, and each request to a
// message handler or else the handler registered for its service. Service
// handlers run on goroutines of their own, one per request; message
// handlers on their handle's handler goroutine (see below); events are
// queued per subscription (without limit, or as QueueLimit says, with
// Pending and Dropped to watch the backlog), so a slow reader never holds
// up the others. Close stops the loop and waits for it; pending RPCs then
// fail with ErrClosed and subscription channels are closed.
//
// # Closing
//
// Close closes one handle value: the handle from Open and each clone from
// Clone are closed separately, and the connection goes when the last of
// them is closed. Closing a handle twice is harmless (the second Close
// returns ErrClosed and leaves clones alone). After Close every call on
// the handle fails with ErrClosed, which is not an errno: ENOSYS means
// "no such service", a closed handle is final. Run returns nil once its
// handle is closed.
//
// Every call that waits takes a context.Context. An RPC abandoned because
// its context ended keeps its matchtag reserved until the broker's answer
// arrives, so tags are never reused while a response may still come.
//
// # Message handlers
//
// HandleFunc is the Go form of flux-core's message handlers
// (flux_msg_handler_create and friends), without a reactor to run. In C a
// program creates handlers on a handle, starts them and calls
// flux_reactor_run, which receives messages and calls the matching
// handlers one after the other on the thread running the reactor, until
// it is stopped; to serve some messages independently of others, it
// makes a clone of the handle (flux_clone), gives the clone a reactor of
// its own (flux_set_reactor) and runs that reactor on another thread.
//
// In Go the receive loop started by Open receives for the handle and all
// its clones, and it is already running, so there is nothing to run:
// a handler is served from HandleFunc until Handler.Remove or Close (a
// program that only serves can block in Run, which returns when its
// context ends, the handle is closed or the connection is lost). The
// part of the reactor thread is played by a goroutine of the handle's
// own, which calls the handle's handlers one message at a time, in
// arrival order. The receive loop never waits for a handler, so RPCs,
// subscriptions and services keep working while one runs (a handler may
// make RPCs itself). A clone made with Clone has a goroutine of its own,
// like a clone on another reactor: its handlers run independently of the
// root's, even while one of the root's blocks. Close plays the part of
// flux_reactor_stop and flux_close together: the handle's handlers get no
// more messages, the context they were given is cancelled, and Close
// waits for a handler that is running to return (unless Close is called
// by that handler), so no handler of the handle runs once Close has
// returned; requests the handle had taken but not started on are routed
// again, to another handle's handlers or an ENOSYS answer.
//
// Matching, role checks and unmatched requests behave as in flux-core,
// and are the same code package runtime runs for C callers: a request
// goes to the handler registered for its exact topic, else to the most
// recent handler whose glob matches; a handler allows the instance owner
// only unless AllowRoles says otherwise, and a request from anyone else
// gets EPERM "Request requires owner credentials"; a request nobody
// handles gets ENOSYS "Unknown service method '<topic>'". Every matching
// handler gets an event. As with flux-core, a handler does not subscribe
// to events or register its service: EventSubscribe and
// RegisterServiceName do.
//
// # Callbacks and panics
//
// A panic in a HandleFunc handler, a RegisterService handler or a
// Future.Then function does not end the program: it is recovered, a
// request the callback had not answered gets an EIO error response
// ("request handler panicked"), and the panic is reported as a
// *PanicError to the WithPanicHandler hook (by default to standard
// error). RegisterService handlers find a context in
// ServiceRequest.Context. ServiceHandler's documentation says when to use
// which server API.
//
// # Observability
//
// Log writes to the broker's log (flux_log); MsgCounters reads the
// connection's message counters; WithDiagHandler sends the output of the
// Trace and MatchDebug flags to a slog.Handler instead of standard error;
// WithStatus and WithStatusChannel report the connection's state. See the
// MsgCounters example.
//
// # Errors
//
// A failed call returns an *Error naming the operation and its subject,
// and wrapping the cause: "attr.get nosuch: No such file or directory",
// "service register broker: File exists", "rpc nosuch.method: No service
// matching nosuch.method is registered", "open /tmp/x: …" (Open names the
// URI it was given). errors.Is(err, syscall.ENOENT) tests the errno, and
// the cause's own text is flux-core's (the text the broker sent, or the
// errno's description). errors.As reaches the cause: a
// *json.UnmarshalTypeError from Payload.Decode, a *runtime.Error with the
// errno and text a C caller would see. A context that ends a wait gives
// an error matching both the context's error and ETIMEDOUT or ECANCELED.
// KVS operations return *KVSError, and every call on a closed handle
// ErrClosed. See the Error example.
//
// # Payloads
//
// Calls taking a payload accept nil (none), []byte (sent as is), string
// (sent with the terminating NUL Flux uses for strings), json.RawMessage,
// or any other value, which is encoded as JSON.
//
// # Jobs
//
// In a full instance (one running flux-core's job modules) a program can
// run work: build a Jobspec with JobspecFromCommand, Submit it, follow it
// with Events (the main eventlog, or EventlogOutput for its stdout and
// stderr), and collect it with Result, or Wait for jobs submitted
// Waitable. Cancel, Kill and Raise act on running jobs; List and Get
// report what job-list knows. Job ids are JobID values, printed as f58
// and parsed from any of flux-core's encodings. Errors name the job; a
// context that ends after a submission was sent does not take it back.
// The job behaviour itself is package runtime/job, shared with the C
// library.
//
// # Key-value store
//
// Handle.KVS gives the instance's key-value store (served by flux-core's
// kvs and kvs-watch modules): Get, GetInto and KVSGet read values, Dir
// and List directories, Txn builds a transaction whose Commit returns the
// new root, Watch iterates over a key's values as they change, and
// CreateKVSNamespace, Copy and Move do the rest. Errors are *KVSError
// values naming the operation, key and namespace. Package runtime/kvs
// holds the behaviour, shared with the C library.
//
// # Reconnecting
//
// Reconnect (flux_reconnect) replaces the connection; with the RPCTrack
// open flag pending RPCs then end with ECONNRESET. ReconnectFollowup does
// what flux-core documents next. WithReconnect goes further and recovers
// by itself, in the background: calls with a context wait for the
// recovery (bounded by their context) and go out once subscriptions and
// services are restored, calls without one fail with ErrReconnecting,
// and once the policy gives up every call fails at once with ErrClosed.
// See its documentation.
//
// The constants and the thin methods in zz_generated_*.go are generated
// from spec/handle.yaml; the rest of this package is written by hand on top
// of package runtime, where all behaviour lives.
package flux

import (
	"os"
	"sync"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// Handle is an open connection to a Flux broker, or a clone of one. Its
// methods may be called from many goroutines at once.
type Handle struct {
	rt       *fluxrt.Handle
	done     chan struct{} // closed by Close
	doneOnce sync.Once
	panicFn  func(*PanicError) // WithPanicHandler's hook; nil: stderr
}

// errNilHandle is returned by methods called on a nil or closed-over Handle.
var errNilHandle error = &fluxrt.Error{Errno: syscall.EINVAL, Text: "nil flux handle"}

// wrapHandle gives the binding's view of a runtime handle; nil stays nil.
func wrapHandle(rt *fluxrt.Handle) *Handle {
	if rt == nil {
		return nil
	}
	return &Handle{rt: rt, done: make(chan struct{})}
}

// wrapClone is wrapHandle for a clone of h: it shares h's settings.
func (h *Handle) wrapClone(rt *fluxrt.Handle) *Handle {
	c := wrapHandle(rt)
	if c != nil {
		c.panicFn = h.panicFn
	}
	return c
}

// Open connects to the broker at uri. The handle's receive loop (one
// goroutine) is started by the first subscription, service, message
// handler or Run, or here with WithReconnect or WithStatus; RPCs made
// before that are received by the goroutine waiting for them.
// An empty uri means $FLUX_URI, or local:///run/flux/local when that is
// unset, exactly as flux_open(NULL, ...) chooses. Options are open flags
// such as RPCTrack or Trace, and WithReconnect / WithStatus.
func Open(uri string, opts ...Option) (*Handle, error) {
	var cfg openConfig
	for _, o := range opts {
		if o != nil {
			o.applyOpen(&cfg)
		}
	}
	var u *string
	if uri != "" {
		u = &uri
	}
	rt, err := fluxrt.Open(u, cfg.flags)
	if err != nil {
		return nil, opErr("open", openSubject(uri), err)
	}
	if cfg.diag != nil {
		rt.SetDiagOutput(slogWriter{cfg.diag})
	}
	h := wrapHandle(rt)
	h.panicFn = cfg.panicFn
	sf := cfg.statusFunc()
	if cfg.reconnect == nil && sf == nil {
		// The receive loop starts with the first subscription, service,
		// handler or Run; until then RPCs are received by their waiters.
		return h, nil
	}
	d, err := rt.RecvLoopStart()
	if err != nil {
		rt.Close()
		return nil, opErr("open", openSubject(uri), err)
	}
	if cfg.reconnect != nil {
		if err := rt.AutoReconnect(*cfg.reconnect, cfg.statusFunc()); err != nil {
			rt.Close()
			<-d.Done()
			return nil, opErr("open", openSubject(uri), err)
		}
	} else {
		d.SetErrorHandler(func(err error) { go sf(fluxrt.ConnClosed, err) })
	}
	return h, nil
}

// openSubject names the broker Open was asked for: uri as the caller gave
// it, or for "" the URI chosen in its place and where it came from.
func openSubject(uri string) string {
	if uri != "" {
		return uri
	}
	if env := os.Getenv("FLUX_URI"); env != "" {
		return env + " (from FLUX_URI)"
	}
	return "local:///run/flux/local (default, FLUX_URI is unset)"
}

// Close closes this handle value: a clone made with Clone is closed by
// its own Close, and closing the handle it came from leaves it working.
// It first stops the message handlers registered on this handle with
// HandleFunc (their context is cancelled and a running one is waited for,
// unless Close is called from it). When no handle value of the connection
// is left open the connection is closed: the receive loop is stopped and
// waited for, pending RPCs fail with ErrClosed (or ENOSYS on a clone still
// open) and subscription channels are closed. Every later call on h
// returns ErrClosed, Run returns nil. Close returns nil the first time
// and ErrClosed after; it is a no-op on a nil Handle.
func (h *Handle) Close() error {
	if h == nil || h.rt == nil {
		return nil
	}
	first := false
	h.doneOnce.Do(func() {
		first = true
		close(h.done)
	})
	if !first {
		return ErrClosed
	}
	h.rt.GoMsgHandlersStop()
	d := h.rt.RecvLoop()
	closed := h.rt.Closed()
	h.rt.Close()
	select {
	case <-closed:
		if d != nil {
			<-d.Done()
		}
	default:
	}
	return nil
}

// Rank returns the rank of the broker the handle is connected to. The
// first call asks the broker (attribute "rank"); later calls use the cache.
func (h *Handle) Rank() (uint32, error) {
	if err := h.usable(); err != nil {
		return 0, opErr("attr.get", "rank", err)
	}
	return h.rt.GetRank()
}

// Size returns the number of brokers in the instance.
func (h *Handle) Size() (uint32, error) {
	if err := h.usable(); err != nil {
		return 0, opErr("attr.get", "size", err)
	}
	return h.rt.GetSize()
}

// dispatcher returns the running receive loop of h's connection, starting
// it again if it was stopped (a clone made by the runtime directly).
func (h *Handle) recvLoop() (*fluxrt.RecvLoop, error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	if d := h.rt.RecvLoop(); d != nil {
		return d, nil
	}
	return h.rt.RecvLoopStart()
}
