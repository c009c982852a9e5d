// Package runtime is the behaviour of flux-core 0.88's client handle
// (flux_t, flux_open(3) and the messaging calls around it) in pure Go. The
// C ABI library and the Go binding are thin generated layers over it.
//
// Package runtime is the handle core. Below it, with no dependency on it:
// runtime/reactor (the event loop and its watchers), runtime/msg and
// runtime/stream (the message codec and stream framing), and, internal to
// the runtime, the transport (the local, fd, ssh and interthread
// connectors) and small leaf packages (the error type, environment
// lookup, eventfd helpers). Service packages sit on top of its public
// API.
//
// # Handles
//
// Open parses a URI, picks a builtin connector (loop here; interthread,
// fd, local and ssh from the transport) and returns a reference-counted *Handle. Clone makes a handle that
// shares everything message-related with its root (connector, requeue
// queue, matchtag pool, counters, comms-error callback, RPC tracker, trace
// clock) but has its own flags and its own aux container (and so its own
// attribute cache). Close drops one reference; the last one destroys the
// handle.
//
// # Concurrency
//
// A *Handle may be used from many goroutines at once. Sends on one root are
// serialized with each other, receives are serialized with each other, and
// all other state (flags, aux, queue, matchtags, counters, tracker) is
// protected by mutexes. Callbacks — the comms-error callback and aux
// destructors — run synchronously on the goroutine that triggered them and
// are never called with an internal lock held, so they may call back into
// the handle (the comms-error callback typically calls Reconnect).
//
// A blocking Send or Recv can be interrupted: Close (destroying the handle)
// makes it return ENOSYS, Reconnect makes it retry on the new connection,
// and a Requeue from another goroutine makes a blocked Recv look at the
// requeue queue again. Using a handle after its last Close fails with
// ENOSYS (or is a no-op for calls that cannot fail); it never panics.
//
// # I/O design
//
// Socket connectors (local://, fd://, ssh://) do their I/O on the raw non-blocking
// file descriptor with golang.org/x/sys/unix in the caller's goroutine; a
// blocking wait is a poll(2) on the socket plus two internal eventfds of
// the root handle (one raised by destruction, one by Reconnect) and, for
// receives, the requeue queue's eventfd. A frame that could only be written
// partly under FLUX_O_NONBLOCK stays buffered, and the next Send finishes
// it instead of sending its own message, as flux-core does. Writes use
// send(MSG_NOSIGNAL), so a closed peer yields EPIPE, never SIGPIPE.
//
// Message queues (the requeue queue and the loop/interthread queues) keep
// an eventfd that is readable exactly while the queue is non-empty.
// PollFD returns an edge-triggered epoll fd holding the requeue queue's
// eventfd and the connector's fd (the socket, or the connector queue's
// eventfd), so a C event loop can wait on it and then call PollEvents.
//
// # Who receives
//
// Three paths take messages off a root's connection; the first two hold
// the root's pump token while they do, so they never run at once:
//
//	receiver                started by                  serves                            code
//	pump                    Get/Wait on an RPC future   the waiting goroutine (C callers   pump.go
//	                        while no RecvLoop runs      and the runtime's own waits)
//	RecvLoop                RecvLoopStart (the Go       Go callers: futures, events,       recvloop.go
//	                        binding's Open)             services, GoMsgHandlerCreate
//	reactor handle watcher  MsgHandlerCreate, Future.   C callers with a reactor: message  msghandler.go
//	                        ThenReactor; runs in Run    handlers, reactor continuations
//
// The handle watcher does not take the token: it must not be combined
// with a RecvLoop on one root, and it wakes a pumping waiter whose
// response it routed.
//
// # RPCs, futures and the receive loop
//
// RPC sends a request with a matchtag from the root's pool and returns a
// *Future registered under that tag; responses are matched by tag (and no
// route frames). A future is driven in one of two ways:
//
//   - On demand, as flux-core does for C callers: Get, WaitFor and Wait
//     receive on the caller's goroutine. One waiter at a time becomes the
//     root's receiver (the others just wait for their future); it takes
//     messages without blocking inside Recv, hands every response to the
//     future waiting for its tag, and sets every other message aside, to be
//     put back at the head of the requeue queue, in order, when it stops.
//     Between receives it polls the connector, the requeue queue and a
//     wake eventfd, so timeouts and contexts interrupt it.
//   - By a RecvLoop (RecvLoopStart), for Go callers: one goroutine per
//     root receives everything, routes responses to futures, events to
//     event handlers (topic prefix), and requests to the message handlers
//     of the root and its clones made with GoMsgHandlerCreate, else to
//     service handlers (first word of the topic; others get ENOSYS
//     "Unknown service method '<topic>'"). While it runs it is the root's
//     only receiver, and Wait only blocks. It stops when the root is
//     destroyed (or on Stop), and pending RPCs then fail with ENOSYS. If
//     receiving fails and no comms-error callback fixes it, pending RPCs
//     fail with that error and the loop waits for a Reconnect.
//
// Matchtags: a future returns its tag to the pool when destroyed after its
// final response (non-streaming: the response; streaming: the error that
// ends it). A future destroyed earlier, or ended without a response (a
// context, a lost connection), leaves its tag reserved as an orphan until
// the final response arrives (late-response reclaim, as flux-core does),
// so a tag is never handed out while a response to it may still come.
// With FLUX_O_RPCTRACK a Reconnect answers every tracked request with a
// synthesized ECONNRESET response, which reaches the pending futures (or
// reclaims orphaned tags) like any other response. AutoReconnect (not in
// flux-core) also forgets orphans of an old connection, which can never be
// answered, when RPC tracking is off. It recovers on a goroutine of its
// own: a send or receive that meets the lost connection fails at once with
// ErrReconnecting, the RecvLoop pauses until the recovery ends, ConnReady
// tells callers when the connection (with services and subscriptions
// restored) may be used again, and giving up is final.
//
// Continuations (Future.Then) run on a new goroutine per readiness, never
// two at a time for one future; RPC futures need a running RecvLoop.
// Future.ThenReactor instead runs them on a reactor (see below). A
// RecvLoop and reactor-driven message handlers must not be used on the
// same root at once (both would receive).
//
// # Reactor and message handlers
//
// Reactor is flux-core's event loop on epoll, package runtime/reactor
// (Reactor, Watcher and WatcherFunc here are aliases of its types; a
// handle watcher watches a *Handle through the reactor's Source
// interface). Its callbacks are plain calls made by Run on the goroutine
// (in a C host: the thread) that called Run.
//
// Each handle (root or clone) has its own reactor (GetReactor, SetReactor)
// and message dispatcher (MsgHandlerCreate), matching in flux-core's
// order. The dispatchers of a root and its clones know each other: a
// message received by one that another's running handlers want is handed
// to that one and runs on its reactor, so a clone driven by a reactor on
// another thread serves its handlers while the root's reactor runs
// elsewhere. RPC futures given a reactor continuation (ThenReactor) keep
// their handle's dispatcher receiving until the final response; futures
// made by NewFutureInit (composites, chains, user futures) wait on a
// private reactor as flux-core's "now" context does.
//
// Go callers get the same message handlers without a reactor:
// GoMsgHandlerCreate registers a handler whose handle's dispatcher is fed
// by the root's RecvLoop instead of a handle watcher. The matching
// order, role check (EPERM) and ENOSYS answer are the same code; each
// handle (root or clone) runs its handlers on a goroutine of its own, one
// message at a time, which plays the part of the thread running that
// handle's reactor. A handle's dispatcher is one kind or the other for
// its whole life (the other kind's calls give EBUSY).
//
// # Diagnostics
//
// FLUX_O_TRACE blocks and FLUX_O_MATCHDEBUG lines go to standard error,
// each written with a single Write call.
package runtime
