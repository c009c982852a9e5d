// Command rpcprobe does N synchronous broker.ping RPCs on $FLUX_URI, through
// the Go binding or (-runtime) the C library's path, so that
// `strace -f -c rpcprobe -n N` minus `-n 0` gives the system calls per RPC.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	flux "github.com/fluxgo/fluxgo/bindings/go"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

func main() {
	n := flag.Int("n", 1000, "RPCs")
	rt := flag.Bool("runtime", false, "use the runtime's on-demand path (the C library's)")
	flag.Parse()
	uri := os.Getenv("FLUX_URI")
	if *rt {
		h, err := fluxrt.Open(&uri, 0)
		if err != nil {
			log.Fatal(err)
		}
		for i := 0; i < *n; i++ {
			f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
			if err != nil {
				log.Fatal(err)
			}
			if _, err := f.RPCGet(); err != nil {
				log.Fatal(err)
			}
			f.Destroy()
		}
		h.Close()
		return
	}
	h, err := flux.Open(uri)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < *n; i++ {
		if _, err := h.RPC(ctx, "broker.ping", []byte("{}\x00")); err != nil {
			log.Fatal(err)
		}
	}
	h.Close()
}
