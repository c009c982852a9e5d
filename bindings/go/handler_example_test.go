package flux_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/fluxgo/fluxgo/bindings/go"
)

func ExampleHandle_HandleFunc() {
	b := startStandIn()
	defer b.Close()
	srv, _ := flux.Open(b.URI())
	defer srv.Close()
	cli, _ := flux.Open(b.URI())
	defer cli.Close()
	ctx := context.Background()

	// Requests for greeter.hello.* go to this handler; other greeter
	// requests get ENOSYS.
	_, err := srv.HandleFunc(flux.MatchRequest("greeter.hello.*"), func(ctx context.Context, m *flux.Message, r flux.Responder) {
		lang := strings.TrimPrefix(m.Topic, "greeter.hello.")
		_ = r.Respond(lang + ": hello, " + m.Payload.Text())
	})
	if err != nil {
		log.Fatal(err)
	}
	// Ask the broker to send requests for greeter.* to this handle.
	if _, err := srv.RegisterServiceName(ctx, "greeter"); err != nil {
		log.Fatal(err)
	}

	resp, _ := cli.RPC(ctx, "greeter.hello.en", "world")
	fmt.Println(resp.Payload.Text())
	_, err = cli.RPC(ctx, "greeter.bye", nil)
	fmt.Println(err)
	// Output:
	// en: hello, world
	// rpc greeter.bye: Unknown service method 'greeter.bye'
}

// A panic in a callback does not end the program: the request gets an EIO
// error response and the panic goes to the hook.
func ExampleWithPanicHandler() {
	b := startStandIn()
	defer b.Close()
	ctx := context.Background()
	panics := make(chan *flux.PanicError, 1)
	h, _ := flux.Open(b.URI(), flux.WithPanicHandler(func(pe *flux.PanicError) { panics <- pe }))
	defer h.Close()

	_, _ = h.RegisterService(ctx, "boom", func(*flux.ServiceRequest) { panic("out of cheese") })
	_, err := h.RPC(ctx, "boom.now", nil)
	fmt.Println(err)
	pe := <-panics
	fmt.Println(pe.Callback, pe.Topic, pe.Value)
	// Output:
	// rpc boom.now: request handler panicked
	// RegisterService boom.now out of cheese
}
