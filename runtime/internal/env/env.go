// Package env is how the runtime packages read the environment: through
// functions a host can replace (the C library reads the C environment,
// which a C program may change after the Go runtime copied it at load
// time). Package runtime exposes the setters as SetEnvLookup and
// SetEnviron.
package env

import (
	"os"
	"sync/atomic"
)

var (
	lookup  atomic.Pointer[func(string) (string, bool)]
	environ atomic.Pointer[func() []string]
)

// SetLookup replaces the function Lookup reads variables with; nil
// restores os.LookupEnv.
func SetLookup(fn func(key string) (string, bool)) {
	if fn == nil {
		lookup.Store(nil)
		return
	}
	lookup.Store(&fn)
}

// Lookup reads an environment variable through the current function.
func Lookup(key string) (string, bool) {
	if fn := lookup.Load(); fn != nil {
		return (*fn)(key)
	}
	return os.LookupEnv(key)
}

// SetEnviron replaces the function Environ lists the environment with (for
// processes the runtime starts); nil restores os.Environ.
func SetEnviron(fn func() []string) {
	if fn == nil {
		environ.Store(nil)
		return
	}
	environ.Store(&fn)
}

// Environ lists the environment through the current function.
func Environ() []string {
	if fn := environ.Load(); fn != nil {
		return (*fn)()
	}
	return os.Environ()
}
