package flux_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

// Errors name the operation and its subject, match errors.Is with the
// errno, and wrap their cause; a closed handle says ErrClosed.
func ExampleError() {
	b := startStandIn()
	defer b.Close()
	h, _ := flux.Open(b.URI())
	ctx := context.Background()

	_, err := h.Attr(ctx, "nosuch")
	fmt.Println(err)
	fmt.Println(errors.Is(err, syscall.ENOENT))

	_, err = h.RegisterService(ctx, "broker", func(*flux.ServiceRequest) {})
	var fe *flux.Error
	if errors.As(err, &fe) {
		fmt.Printf("op %q subject %q: %v\n", fe.Op, fe.Subject, fe.Err)
	}

	resp, _ := h.RPC(ctx, "broker.ping", map[string]any{"seq": 1})
	var seq string
	err = resp.Payload.Decode(&struct {
		Seq *string `json:"seq"`
	}{&seq})
	var te *json.UnmarshalTypeError
	fmt.Println(errors.Is(err, syscall.EPROTO), errors.As(err, &te), te.Field)

	h.Close()
	_, err = h.Rank()
	fmt.Println(errors.Is(err, flux.ErrClosed), errors.Is(err, syscall.ENOSYS))
	// Output:
	// attr.get nosuch: No such file or directory
	// true
	// op "service register" subject "broker": File exists
	// true true seq
	// true false
}
