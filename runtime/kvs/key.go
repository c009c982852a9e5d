package kvs

import (
	"os"
	"strings"
	"sync/atomic"
)

// NamespaceEnv is the environment variable naming the namespace used when
// a call is given none.
const NamespaceEnv = "FLUX_KVS_NAMESPACE"

// envLookup reads environment variables: os.LookupEnv unless
// SetEnvLookup replaced it.
var envLookup atomic.Pointer[func(string) (string, bool)]

// SetEnvLookup replaces how the package reads $FLUX_KVS_NAMESPACE (nil
// restores os.LookupEnv). The C library installs a reader of the C
// environment, which a C host may change with setenv after the Go
// runtime copied it; package runtime has the same hook for its own
// variables but does not export its reader.
func SetEnvLookup(fn func(key string) (string, bool)) {
	if fn == nil {
		envLookup.Store(nil)
		return
	}
	envLookup.Store(&fn)
}

// DefaultNamespace returns the namespace a call given none uses:
// $FLUX_KVS_NAMESPACE when set, else "primary".
func DefaultNamespace() string {
	lookup := os.LookupEnv
	if fn := envLookup.Load(); fn != nil {
		lookup = *fn
	}
	if ns, ok := lookup(NamespaceEnv); ok {
		return ns
	}
	return PrimaryNamespace
}

// orDefault returns ns, or DefaultNamespace when ns is empty.
func orDefault(ns string) string {
	if ns == "" {
		return DefaultNamespace()
	}
	return ns
}

// NormalizeKey returns key the way the KVS service reads it: runs of the
// path separator "." collapse to one, and one leading and one trailing
// separator are dropped (the root stays "."). isDir reports whether the
// key ended in a separator or names the root, i.e. asks for a directory.
func NormalizeKey(key string) (norm string, isDir bool) {
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		if key[i] == '.' && i+1 < len(key) && key[i+1] == '.' {
			continue
		}
		b.WriteByte(key[i])
	}
	s := b.String()
	if len(s) > 1 && s[0] == '.' {
		s = s[1:]
	}
	if len(s) > 1 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
		isDir = true
	}
	if s != "" && s[0] == '.' {
		isDir = true
	}
	return s, isDir
}
