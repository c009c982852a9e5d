package flux_test

import (
	"context"
	"fmt"
	"time"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

// WithReconnect recovers from a broker restart in the background; calls
// made meanwhile wait for the recovery (within their context), and the
// subscription survives.
func ExampleWithReconnect_publish() {
	b := startStandIn()
	defer b.Close()
	status := make(chan flux.StatusEvent, 8)
	h, _ := flux.Open(b.URI(), flux.WithReconnect(flux.ReconnectPolicy{InitialDelay: 10 * time.Millisecond}),
		flux.WithStatusChannel(status))
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub, _ := h.Subscribe(ctx, "demo.")

	_ = b.Restart()
	fmt.Println((<-status).Status)
	// Published once the subscription is restored.
	_, err := h.Publish(ctx, "demo.after", nil)
	fmt.Println("publish:", err)
	fmt.Println("event:", (<-sub.C()).Topic)
	fmt.Println((<-status).Status)
	// Output:
	// disconnected
	// publish: <nil>
	// event: demo.after
	// reconnected
}
