// Package reactor is flux-core's event loop (flux_reactor_t and
// flux_watcher_t) on epoll, without the handle core: package runtime
// re-exports it (runtime.Reactor, runtime.Watcher) and gives each handle
// one.
//
// Watchers (fd, timer, periodic, prepare, check, idle, signal, stat,
// handle, and the runtime's wake watchers) hold a reference on their
// reactor. Their callbacks are plain calls made by Run on the goroutine —
// in a C host, the thread — that called it. Other goroutines may start and
// stop watchers or stop the loop at any time; a blocked Run is woken
// through an eventfd. Signals are taken with os/signal while watched and
// forwarded to the loop.
//
// One Watcher type serves every kind: what a kind adds (its state, when it
// bounds the wait, when it is due, how it re-arms) is a small ops value
// per kind (fd.go, timer.go, periodic.go, phase.go, signal.go, stat.go,
// wake.go, handle.go). A handle watcher watches a Source — anything with
// PollFD and PollEvents, in the runtime a *runtime.Handle — so this
// package does not know the handle core.
package reactor
