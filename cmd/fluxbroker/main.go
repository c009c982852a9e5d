// Command fluxbroker runs the stand-in one-rank Flux broker from package
// github.com/fluxgo/fluxgo/broker, for tests, CI and demos. It is not
// flux-core's broker and is not meant for production use; use flux start
// (flux-core) for that.
//
// Usage:
//
//	fluxbroker [-rundir DIR] [-v] [-- COMMAND ARGS...]
//
// It listens on DIR/local-0 (DIR defaults to a new temporary directory).
// With a command, it runs the command with FLUX_URI=local://DIR/local-0 in
// its environment and exits with the command's status, like flux start;
// the command's standard output is its own (with -v the URI is printed on
// standard error). Without one, it prints FLUX_URI=local://DIR/local-0 on
// standard output and serves until SIGINT or SIGTERM, then removes its
// socket (and the temporary directory it made).
//
// SIGHUP restarts the broker: every connection is dropped and the socket is
// listened on again, which lets tests (the C ABI tests among them) exercise
// flux_reconnect from outside.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/fluxgo/fluxgo/broker"
)

func main() {
	os.Exit(run())
}

// run does the work and returns the exit status.
func run() int {
	rundir := flag.String("rundir", "", "run directory for the socket local-0 (default: a new temporary directory)")
	verbose := flag.Bool("v", false, "log connection errors and log.append messages to stderr")
	guest := flag.Bool("allow-guest", false, "accept connections from users other than the owner (USER role)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(),
			"usage: %s [-rundir DIR] [-v] [-allow-guest] [-- COMMAND ARGS...]\n"+
				"Stand-in Flux broker for tests and demos (not flux-core's broker).\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()

	opts := broker.Options{RunDir: *rundir, AllowGuest: *guest}
	if *verbose {
		opts.Log = func(line string) { fmt.Fprintln(os.Stderr, "fluxbroker:", line) }
	}
	b, err := broker.New(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxbroker:", err)
		return 1
	}
	defer b.Close()
	if err := b.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "fluxbroker:", err)
		return 1
	}
	args := flag.Args()
	if len(args) == 0 {
		fmt.Printf("FLUX_URI=%s\n", b.URI())
	} else if *verbose {
		fmt.Fprintf(os.Stderr, "fluxbroker: FLUX_URI=%s\n", b.URI())
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	hups := make(chan os.Signal, 1)
	signal.Notify(hups, syscall.SIGHUP)
	defer signal.Stop(hups)
	go func() {
		for range hups {
			if err := b.Restart(); err != nil {
				fmt.Fprintln(os.Stderr, "fluxbroker: restart:", err)
			}
		}
	}()

	if len(args) == 0 {
		<-sigs
		return 0
	}

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "FLUX_URI="+b.URI())
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "fluxbroker:", err)
		return 127
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			cmd.Process.Signal(sig) // pass it on; exit when the command does
		case err := <-done:
			return exitStatus(err)
		}
	}
}

// exitStatus maps a command's wait result to an exit status, using 128+N
// for a command killed by signal N, as shells do.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "fluxbroker:", err)
	return 1
}
