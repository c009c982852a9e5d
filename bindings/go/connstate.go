package flux

import (
	"context"
	"errors"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// ErrReconnecting is the error of a call that cannot wait (RPCAsync,
// PublishRaw) made while a handle opened WithReconnect recovers its
// connection. It matches ENOTCONN. Calls that take a context wait for the
// recovery instead, as long as their context allows.
var ErrReconnecting = fluxrt.ErrReconnecting

// connClosedError is the error of every call once WithReconnect gave up:
// it matches ErrClosed and wraps the error that ended the connection.
type connClosedError struct{ cause error }

func (e *connClosedError) Error() string {
	return "flux connection closed: reconnecting gave up: " + e.cause.Error()
}

// Is makes errors.Is(err, ErrClosed) true.
func (e *connClosedError) Is(target error) bool { return target == ErrClosed }

// Unwrap returns the error that ended the connection.
func (e *connClosedError) Unwrap() error { return e.cause }

// ready waits until h may send: at once for a healthy connection; while
// WithReconnect recovers one, until the recovery (subscriptions and
// services restored) is done, ctx ends or h is closed; with a nil ctx it
// does not wait and returns ErrReconnecting. Once recovering gave up it
// returns the closed error at once.
func (h *Handle) ready(ctx context.Context) error {
	if err := h.usable(); err != nil {
		return err
	}
	up, gaveUp, final := h.rt.ConnReady()
	if final != nil {
		return &connClosedError{cause: final}
	}
	select {
	case <-up:
		return nil
	default:
	}
	if ctx == nil {
		return ErrReconnecting
	}
	select {
	case <-up:
		return nil
	case <-gaveUp:
		_, _, final = h.rt.ConnReady()
		return &connClosedError{cause: final}
	case <-h.done:
		return ErrClosed
	case <-ctx.Done():
		return fluxrt.ContextError(ctx.Err())
	}
}

// retrySend runs send until it does not fail for a recovery under way,
// waiting (bounded by ctx) for each recovery to finish: a request made
// while the connection is down goes out once it is restored.
func (h *Handle) retrySend(ctx context.Context, send func() error) error {
	for {
		if err := h.ready(ctx); err != nil {
			return err
		}
		err := send()
		if !errors.Is(err, ErrReconnecting) {
			return err
		}
	}
}

// lostErr is the error of a subscription on topic whose connection was
// lost for good with err: the closed error when WithReconnect gave up.
func (h *Handle) lostErr(topic string, err error) error {
	if _, _, final := h.rt.ConnReady(); final != nil {
		err = &connClosedError{cause: final}
	}
	return opErr("event subscription", topic, err)
}
