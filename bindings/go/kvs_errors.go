package flux

import (
	"strconv"
)

// KVSError is the error of a KVS operation: what was done, to which key,
// in which namespace, and why. It matches errors.Is with the cause's
// errno (syscall.ENOENT for a missing key, say) and with a context's
// error when one ended the wait.
//
//	kvs lookup a.b in namespace primary: No such file or directory
type KVSError struct {
	Op        string // "lookup", "commit", "put", "watch", …
	Key       string // "" when the operation has no key
	Namespace string
	Err       error

	keyed bool // the operation is on a key (show an empty one quoted)
}

// Error returns "kvs <op> <key> in namespace <ns>: <cause>" (an empty
// key is shown quoted, none is left out).
func (e *KVSError) Error() string {
	s := "kvs " + e.Op
	if e.Key != "" || e.keyed {
		k := e.Key
		if k == "" {
			k = strconv.Quote(k)
		}
		s += " " + k
	}
	if e.Namespace != "" {
		s += " in namespace " + e.Namespace
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *KVSError) Unwrap() error { return e.Err }

// err wraps a failure of op on key in kv's namespace.
func (kv *KVS) err(op, key string, err error) error {
	e := kv.nsErr(op, err).(*KVSError)
	e.Key, e.keyed = key, true
	return e
}

// nsErr wraps a failure of op, which has no key, in kv's namespace.
func (kv *KVS) nsErr(op string, err error) error {
	ns := ""
	if kv != nil && kv.at == "" {
		ns = kv.Namespace()
	} else if kv != nil {
		ns = kv.Namespace() + " (snapshot)"
	}
	return &KVSError{Op: op, Namespace: ns, Err: err}
}
