package flux_test

import (
	"context"
	"fmt"
	"os"
	"time"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

func ExampleParseJobID() {
	id, err := flux.ParseJobID("ƒ2")
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Dec(), id.Hex(), id.KVS(), id.F58Plain())
	fmt.Println(id.Words())
	// Output:
	// 1 0x1 job.0000.0000.0000.0001 f2
	// acrobat-academy-academy--academy-academy-academy
}

func ExampleJobspecFromCommand() {
	spec, err := flux.JobspecFromCommand([]string{"hostname"}, flux.Tasks(2), flux.Duration(time.Minute))
	if err != nil {
		panic(err)
	}
	if err := spec.Setenv("GREETING", "hello"); err != nil {
		panic(err)
	}
	fmt.Println(spec)
	// Output:
	// {"resources":[{"type":"slot","count":2,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["hostname"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":60.0,"environment":{"GREETING":"hello"}}},"version":1}
}

// Submit a command, print its output as it comes and report how it ended.
func ExampleHandle_Submit() {
	ctx := context.Background()
	h, err := flux.Open("")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer h.Close()
	spec, err := flux.JobspecFromCommand([]string{"echo", "hello"}, flux.Environ(os.Environ()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	id, err := h.Submit(ctx, spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for ev, err := range h.Events(ctx, id, flux.Eventlog(flux.EventlogOutput), flux.EventlogWaitCreate()) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return
		}
		if d, ok := ev.Output(); ok {
			fmt.Print(d.Data)
		}
	}
	r, err := h.Result(ctx, id)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(id, r.Result, r.ExitCode)
}
