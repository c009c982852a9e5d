package flux_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

// Message counters, the broker's log, and trace output through slog.
func ExampleHandle_MsgCounters() {
	b := startStandIn()
	defer b.Close()
	// Trace output (one record per message) goes to a slog handler
	// instead of standard error.
	diag := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	h, _ := flux.Open(b.URI(), flux.Trace, flux.WithDiagHandler(diag))
	defer h.Close()

	_ = h.Log(flux.LogInfo, "example starting")
	h.ClearMsgCounters()
	_, _ = h.RPC(context.Background(), "broker.ping", map[string]int{})
	c := h.MsgCounters()
	fmt.Println("requests sent:", c.RequestTx, "responses received:", c.ResponseRx)
	// Output: requests sent: 1 responses received: 1
}
