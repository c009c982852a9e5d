package flux_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"syscall"
	"time"

	flux "github.com/fluxgo/fluxgo/bindings/go"
	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
)

// startStandIn runs an in-process stand-in broker for the examples; real
// programs connect to a flux-core broker with flux.Open("").
func startStandIn() *broker.Broker {
	b, err := brokertest.Open(broker.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func ExampleOpen() {
	b := startStandIn()
	defer b.Close()

	h, err := flux.Open(b.URI(), flux.RPCTrack)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	rank, _ := h.Rank()
	size, _ := h.Size()
	fmt.Println("rank", rank, "size", size)
	// Output: rank 0 size 1
}

func ExampleHandle_RPC() {
	b := startStandIn()
	defer b.Close()
	h, _ := flux.Open(b.URI())
	defer h.Close()
	ctx := context.Background()

	resp, err := h.RPC(ctx, "attr.get", map[string]string{"name": "rank"})
	if err != nil {
		log.Fatal(err)
	}
	var attr struct {
		Value string `json:"value"`
	}
	_ = resp.Payload.Decode(&attr)
	fmt.Println("rank:", attr.Value)

	_, err = h.RPC(ctx, "nosuch.method", nil)
	fmt.Println(errors.Is(err, syscall.ENOSYS), err)
	// Output:
	// rank: 0
	// true rpc nosuch.method: No service matching nosuch.method is registered
}

func ExampleHandle_RPCStream() {
	b := startStandIn()
	defer b.Close()
	h, _ := flux.Open(b.URI())
	defer h.Close()

	for resp, err := range h.RPCStream(context.Background(), "state-machine.monitor", map[string]int{"final": 5}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp.Payload.Text())
	}
	// Output: {"state":5}
}

func ExampleHandle_Subscribe() {
	b := startStandIn()
	defer b.Close()
	h, _ := flux.Open(b.URI())
	defer h.Close()
	ctx := context.Background()

	sub, err := h.Subscribe(ctx, "example.")
	if err != nil {
		log.Fatal(err)
	}
	seq, _ := h.Publish(ctx, "example.hello", map[string]string{"msg": "hi"})
	ev := <-sub.C()
	fmt.Println(seq, ev.Seq, ev.Topic, ev.Payload.Text())
	_ = sub.Unsubscribe(ctx)
	// Output: 1 1 example.hello {"msg":"hi"}
}

func ExampleHandle_RegisterService() {
	b := startStandIn()
	defer b.Close()
	srv, _ := flux.Open(b.URI())
	defer srv.Close()
	cli, _ := flux.Open(b.URI())
	defer cli.Close()
	ctx := context.Background()

	_, err := srv.RegisterService(ctx, "greeter", func(req *flux.ServiceRequest) {
		if req.Topic != "greeter.hello" {
			_ = req.RespondError(syscall.ENOSYS, "no such method")
			return
		}
		_ = req.Respond("hello, " + req.Payload.Text())
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, _ := cli.RPC(ctx, "greeter.hello", "world")
	fmt.Println(resp.Payload.Text())
	_, err = cli.RPC(ctx, "greeter.bye", nil)
	fmt.Println(err)
	// Output:
	// hello, world
	// rpc greeter.bye: no such method
}

func ExampleWithReconnect() {
	b := startStandIn()
	defer b.Close()
	status := make(chan flux.StatusEvent, 8)
	h, err := flux.Open(b.URI(), flux.RPCTrack,
		flux.WithReconnect(flux.ReconnectPolicy{InitialDelay: 10 * time.Millisecond, Jitter: 0.2}),
		flux.WithStatusChannel(status))
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	sub, _ := h.Subscribe(ctx, "demo.")

	_ = b.Restart() // the broker goes away and comes back
	fmt.Println((<-status).Status)
	fmt.Println((<-status).Status)

	_, _ = h.Publish(ctx, "demo.back", nil) // the subscription was restored
	fmt.Println((<-sub.C()).Topic)
	// Output:
	// disconnected
	// reconnected
	// demo.back
}
