// Command rank is the flux_open(3) example written against the Go
// binding: it opens the broker named by $FLUX_URI (or the default),
// asks for its rank and prints it. It uses no cgo.
package main

import (
	"fmt"
	"os"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

func main() {
	h, err := flux.Open("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "flux.Open:", err)
		os.Exit(1)
	}
	defer h.Close()
	rank, err := h.Rank()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Rank:", err)
		os.Exit(1)
	}
	fmt.Printf("My rank is %d\n", rank)
}
