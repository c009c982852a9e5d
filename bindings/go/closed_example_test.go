package flux_test

import (
	"context"
	"errors"
	"fmt"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

// Close closes one handle value: a clone has its own, a second Close is
// harmless, and every later call (Run included) says ErrClosed or, for
// Run, returns nil.
func ExampleHandle_Close() {
	b := startStandIn()
	defer b.Close()
	h, _ := flux.Open(b.URI())
	c, _ := h.Clone()
	ctx := context.Background()

	fmt.Println("first Close:", h.Close())
	fmt.Println("second Close is ErrClosed:", errors.Is(h.Close(), flux.ErrClosed))
	_, err := h.RPC(ctx, "broker.ping", nil)
	fmt.Println(err)
	fmt.Println("Run on the closed handle:", h.Run(ctx))

	// The clone still has the connection until it is closed too.
	_, err = c.RPC(ctx, "broker.ping", map[string]int{"seq": 1})
	fmt.Println("clone RPC:", err)
	fmt.Println("clone Close:", c.Close())
	// Output:
	// first Close: <nil>
	// second Close is ErrClosed: true
	// rpc broker.ping: flux handle is closed
	// Run on the closed handle: <nil>
	// clone RPC: <nil>
	// clone Close: <nil>
}
