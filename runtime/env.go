package runtime

import (
	"os"
	"sync/atomic"
)

// envLookup is how the runtime reads environment variables. Go programs
// use os.LookupEnv; the C library replaces it (SetEnvLookup) with one that
// reads the C environment, because a C host may setenv() after the Go
// runtime has taken its copy of the environment at load time.
var envLookup atomic.Pointer[func(string) (string, bool)]

// SetEnvLookup replaces the function the runtime reads environment
// variables with (FLUX_URI, FLUX_HANDLE_*, ...). nil restores os.LookupEnv.
func SetEnvLookup(fn func(key string) (string, bool)) {
	if fn == nil {
		envLookup.Store(nil)
		return
	}
	envLookup.Store(&fn)
}

// lookupEnv reads an environment variable through the current lookup.
func lookupEnv(key string) (string, bool) {
	if fn := envLookup.Load(); fn != nil {
		return (*fn)(key)
	}
	return os.LookupEnv(key)
}
