package runtime

import "github.com/fluxgo/fluxgo/runtime/internal/env"

// SetEnvLookup replaces the function the runtime reads environment
// variables with (FLUX_URI, FLUX_HANDLE_*, ...). nil restores os.LookupEnv.
// Go programs need not call it; the C library installs one that reads the
// C environment, because a C host may setenv() after the Go runtime has
// taken its copy of the environment at load time.
func SetEnvLookup(fn func(key string) (string, bool)) { env.SetLookup(fn) }

// SetEnviron replaces the function that lists the environment handed to
// child processes; nil restores os.Environ. The C library installs one
// that reads the C environment, for the same reason as SetEnvLookup.
func SetEnviron(fn func() []string) { env.SetEnviron(fn) }

// lookupEnv reads an environment variable through the current lookup.
func lookupEnv(key string) (string, bool) { return env.Lookup(key) }

// environ lists the environment through the current function.
func environ() []string { return env.Environ() }
