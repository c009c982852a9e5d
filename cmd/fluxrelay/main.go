// Command fluxrelay is the remote end of the ssh:// connector, like
// flux-core's `flux relay`: it connects to local://LOCALPATH and serves
// exactly one client on its standard input and output.
//
// Usage:
//
//	fluxrelay LOCALPATH
//	fluxrelay relay LOCALPATH
//
// The second form is what the ssh:// connector runs when FLUX_SSH_RCMD
// names this program (it always appends "relay /PATH"). Diagnostics go to
// standard error prefixed with the host name, as flux relay prints them.
// The exit status is 0 when the client disconnected and 1 when the broker
// could not be reached or went away, or on a usage error.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/fluxgo/fluxgo/relay"
)

func main() {
	// A client that goes away must show up as EPIPE on standard output,
	// not kill the relay with SIGPIPE before it has cleaned up.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	prefix := "unknown-host"
	if h, err := os.Hostname(); err == nil {
		prefix = h
	}
	if len(args) == 2 && args[0] == "relay" {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "Usage: fluxrelay [relay] LOCALPATH")
		return 1
	}
	err := relay.Run(args[0], os.Stdin, os.Stdout, relay.Options{})
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", prefix, err)
	var ce *relay.ClientError
	if errors.As(err, &ce) {
		return 0
	}
	return 1
}
