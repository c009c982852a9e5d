// Package brokertest starts the stand-in broker (package broker) for the
// tests, examples and benchmarks of the other packages. The broker's own
// tests cannot use it (they are inside package broker).
package brokertest

import (
	"testing"

	"github.com/fluxgo/fluxgo/broker"
)

// Start starts a stand-in broker with opts (the zero Options when none:
// the broker then makes and removes its own run directory, whose path is
// short enough for a socket) and closes it when the test ends. Failing to
// start fails the test.
func Start(tb testing.TB, opts ...broker.Options) *broker.Broker {
	tb.Helper()
	var o broker.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	b, err := Open(o)
	if err != nil {
		tb.Fatalf("stand-in broker: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// Open makes and starts a stand-in broker, for callers without a
// testing.TB (examples); the caller closes it.
func Open(opts broker.Options) (*broker.Broker, error) {
	b, err := broker.New(opts)
	if err != nil {
		return nil, err
	}
	if err := b.Start(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}
