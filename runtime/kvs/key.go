package kvs

import (
	"strings"

	"github.com/fluxgo/fluxgo/runtime/internal/env"
)

// NamespaceEnv is the environment variable naming the namespace used when
// a call is given none.
const NamespaceEnv = "FLUX_KVS_NAMESPACE"

// SetEnvLookup replaces how the runtime packages, this one included
// ($FLUX_KVS_NAMESPACE), read environment variables; nil restores
// os.LookupEnv. It is runtime.SetEnvLookup: the packages share one lookup.
func SetEnvLookup(fn func(key string) (string, bool)) { env.SetLookup(fn) }

// DefaultNamespace returns the namespace a call given none uses:
// $FLUX_KVS_NAMESPACE when set, else "primary".
func DefaultNamespace() string {
	if ns, ok := env.Lookup(NamespaceEnv); ok {
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
