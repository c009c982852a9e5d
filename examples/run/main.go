// Command run is a pure-Go "flux run": it submits a command to the Flux
// instance at $FLUX_URI, copies its stdout and stderr as they are
// written, and exits with its exit status.
//
//	CGO_ENABLED=0 go build ./examples/run && flux start ./run hostname
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: run COMMAND [ARG...]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
	}
	os.Exit(code)
}

// run submits argv with the caller's environment and working directory,
// streams its output and returns its exit code.
func run(ctx context.Context, argv []string) (int, error) {
	h, err := flux.Open("")
	if err != nil {
		return 1, err
	}
	defer h.Close()
	spec, err := flux.JobspecFromCommand(argv, flux.Environ(os.Environ()))
	if err != nil {
		return 1, err
	}
	if wd, err := os.Getwd(); err == nil {
		spec.SetCwd(wd)
	}
	id, err := h.Submit(ctx, spec)
	if err != nil {
		return 1, err
	}
	for ev, err := range h.Events(ctx, id, flux.Eventlog(flux.EventlogOutput), flux.EventlogWaitCreate()) {
		if err != nil {
			// Interrupted, or the job never started: cancel it.
			h.Cancel(context.Background(), id, "interrupted")
			return 1, err
		}
		if d, ok := ev.Output(); ok {
			out := os.Stdout
			if d.Stream == "stderr" {
				out = os.Stderr
			}
			out.WriteString(d.Data)
		}
	}
	r, err := h.Result(ctx, id)
	if err != nil {
		return 1, err
	}
	if r.ExceptionOccurred && r.ExceptionSeverity == 0 {
		fmt.Fprintf(os.Stderr, "run: job %s: %s: %s\n", id, r.ExceptionType, r.ExceptionNote)
	}
	return r.ExitCode, nil
}
