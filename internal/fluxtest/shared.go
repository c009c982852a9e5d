package fluxtest

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// shared holds the instances Shared started, one per Options.
var shared struct {
	mu  sync.Mutex
	ins map[Options]*Instance
	err map[Options]error
}

// Shared returns an instance with options o that all tests of the test
// binary share, starting it on first use. Tests must leave it as they
// found it (their own KVS keys, namespaces, jobs). Call Main from TestMain
// so it is stopped when the tests end.
func Shared(tb testing.TB, o Options) *Instance {
	tb.Helper()
	prefix := Prefix(tb)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if in, ok := shared.ins[o]; ok {
		return in
	}
	if err, ok := shared.err[o]; ok {
		tb.Fatalf("shared instance failed to start earlier: %v", err)
	}
	if shared.ins == nil {
		shared.ins = map[Options]*Instance{}
		shared.err = map[Options]error{}
	}
	in, err := StartPrefix(prefix, o)
	if err != nil {
		shared.err[o] = err
		tb.Fatal(err)
	}
	shared.ins[o] = in
	return in
}

// Main runs the tests and then stops the shared instances:
//
//	func TestMain(m *testing.M) { os.Exit(fluxtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for o, in := range shared.ins {
		if err := in.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "fluxtest: stopping shared instance %+v: %v\n", o, err)
			if code == 0 {
				code = 1
			}
		}
		delete(shared.ins, o)
	}
	return code
}
