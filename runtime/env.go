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

// envList is how the runtime reads the whole environment, for the
// processes it starts (the ssh connector's child). nil means os.Environ.
var envList atomic.Pointer[func() []string]

// SetEnviron replaces the function that lists the environment handed to
// child processes; nil restores os.Environ. The C library installs one
// that reads the C environment, for the same reason as SetEnvLookup.
func SetEnviron(fn func() []string) {
	if fn == nil {
		envList.Store(nil)
		return
	}
	envList.Store(&fn)
}

// environ lists the environment through the current function.
func environ() []string {
	if fn := envList.Load(); fn != nil {
		return (*fn)()
	}
	return os.Environ()
}
