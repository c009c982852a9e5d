package flux

import (
	"log/slog"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// Option configures Open. Every OpenFlag is an Option, so
// flux.Open("", flux.RPCTrack) works.
type Option interface {
	applyOpen(*openConfig)
}

// openConfig collects the options of one Open call.
type openConfig struct {
	flags     int
	reconnect *ReconnectPolicy
	status    func(Status, error)
	statusCh  chan<- StatusEvent
	panicFn   func(*PanicError)
	diag      slog.Handler
}

// applyOpen adds the flag to the open flags.
func (f OpenFlag) applyOpen(c *openConfig) { c.flags |= int(f) }

// optionFunc adapts a function to Option.
type optionFunc func(*openConfig)

func (f optionFunc) applyOpen(c *openConfig) { f(c) }

// Status is a connection state reported by WithStatus and
// WithStatusChannel.
type Status int

// Connection states.
const (
	// Disconnected: the connection was lost.
	Disconnected Status = fluxrt.ConnDisconnected
	// Reconnected: a new connection is up, subscriptions and services are
	// restored (the report's error says what could not be).
	Reconnected Status = fluxrt.ConnReconnected
	// Closed: the connection is lost for good.
	Closed Status = fluxrt.ConnClosed
)

// String names the state.
func (s Status) String() string {
	switch s {
	case Disconnected:
		return "disconnected"
	case Reconnected:
		return "reconnected"
	case Closed:
		return "closed"
	}
	return "unknown"
}

// StatusEvent is one report sent to a WithStatusChannel channel.
type StatusEvent struct {
	Status Status
	Err    error
}

// ReconnectPolicy says how WithReconnect retries: delays start at
// InitialDelay (default 50ms), grow by Multiplier (default 2) up to
// MaxDelay (default 2s), each randomized by up to ±Jitter (a fraction,
// 0..1); MaxAttempts (0 = unlimited) bounds the attempts per loss. It is
// the runtime's policy type.
type ReconnectPolicy = fluxrt.ReconnectPolicy

// WithReconnect turns on automatic recovery, which flux-core does not
// have: when the connection breaks, in-flight RPCs fail with ECONNRESET,
// the handle reconnects with backoff and jitter as policy says, waits for
// the broker's RUN state, and registers every service and subscribes to
// every event topic again, so subscriptions and services keep working
// with no user code. Only local:// URIs can reconnect. Progress is
// reported through WithStatus or WithStatusChannel; Reconnected comes
// once services and subscriptions are restored.
//
// Recovery runs on a goroutine of the handle, never on a caller's. While
// it runs, calls that take a context (RPC, Publish, Subscribe,
// RegisterService, Attr, ...) wait for it to finish — their request goes
// out only after subscriptions and services are restored, so an event
// published then reaches this handle's subscriptions — or for their
// context to end, whichever comes first. Calls that cannot wait
// (RPCAsync, PublishRaw) fail at once with ErrReconnecting. A Publish
// that returned its sequence number was accepted by the broker; one in
// flight when the connection broke fails (ECONNRESET) and may or may not
// have been published. When the policy gives up the handle's connection
// is closed for good: every later call fails at once with an error
// matching ErrClosed (wrapping the last reconnect error), Run returns it,
// and no new attempt is made.
func WithReconnect(policy ReconnectPolicy) Option {
	return optionFunc(func(c *openConfig) { c.reconnect = &policy })
}

// WithStatus has fn called with each connection state change, in order,
// on a goroutine owned by the handle. Without WithReconnect only Closed
// (the connection broke) is reported.
func WithStatus(fn func(Status, error)) Option {
	return optionFunc(func(c *openConfig) { c.status = fn })
}

// WithStatusChannel sends each connection state change to ch, in order;
// the handle waits for the reader, so give ch a buffer or read it.
func WithStatusChannel(ch chan<- StatusEvent) Option {
	return optionFunc(func(c *openConfig) { c.statusCh = ch })
}

// statusFunc combines the status options into one runtime callback (nil
// when there is none).
func (c *openConfig) statusFunc() func(int, error) {
	if c.status == nil && c.statusCh == nil {
		return nil
	}
	fn, ch := c.status, c.statusCh
	return func(state int, err error) {
		if fn != nil {
			fn(Status(state), err)
		}
		if ch != nil {
			ch <- StatusEvent{Status: Status(state), Err: err}
		}
	}
}
