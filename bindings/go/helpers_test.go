package flux

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
)

// interop reports whether the tests run against a real broker named by
// FLUX_URI (FLUXGO_INTEROP=1).
func interop() bool { return os.Getenv("FLUXGO_INTEROP") == "1" && os.Getenv("FLUX_URI") != "" }

// testBroker is where tests connect: a stand-in broker started for the
// test, or the real one under FLUXGO_INTEROP=1 (then b is nil).
type testBroker struct {
	b   *broker.Broker
	uri string
}

// startBroker starts a stand-in broker for the test (or returns the real
// one's URI in interop mode).
func startBroker(t testing.TB) *testBroker {
	t.Helper()
	if interop() {
		return &testBroker{uri: os.Getenv("FLUX_URI")}
	}
	b := brokertest.Start(t)
	return &testBroker{b: b, uri: b.URI()}
}

// needStandIn skips tests that control the broker (restarts).
func (tb *testBroker) needStandIn(t testing.TB) {
	t.Helper()
	if tb.b == nil {
		t.Skip("needs the stand-in broker (restarts it)")
	}
}

// open opens a handle on the test broker, closed at cleanup.
func (tb *testBroker) open(t testing.TB, opts ...Option) *Handle {
	t.Helper()
	h, err := Open(tb.uri, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", tb.uri, err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// testCtx is a context bounding a test's waits, so a bug fails the test
// instead of hanging it.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
