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
