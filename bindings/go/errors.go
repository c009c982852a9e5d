package flux

import "syscall"

// Error is the error of a failed call: the operation, what it acted on,
// and the cause, which it wraps. Its text reads
//
//	attr.get nosuch: No such file or directory
//	service register broker: File exists
//	rpc broker.nosuch: Unknown service method 'broker.nosuch'
//	open local:///tmp/nosock: broker socket /tmp/nosock was not found
//
// errors.Is(err, syscall.ENOENT) tests the errno the broker (or the
// system) gave, and errors.As reaches the cause: a *json.UnmarshalTypeError
// from a payload that did not decode, a context's error from a wait that
// ended early. The errno and text flux-core would have given a C caller
// are the cause's (a *runtime.Error); ErrClosed and KVSError are the other
// errors of this package.
type Error struct {
	Op      string // "rpc", "attr.get", "attr.set", "service register", "event subscribe", "event publish", "open", "payload decode", …
	Subject string // the topic, attribute, service, URI …; "" when there is none
	Err     error  // the cause
}

// Error returns "<op> <subject>: <cause>" ("<op>: <cause>" without a
// subject).
func (e *Error) Error() string {
	s := e.Op
	if e.Subject != "" {
		s += " " + e.Subject
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// opErr wraps err (nil stays nil) as op on subject, ErrClosed included
// ("rpc broker.ping: flux handle is closed"; errors.Is still finds it).
// Errors of a nil handle and errors already naming their operation are
// returned as they are.
func opErr(op, subject string, err error) error {
	if err == nil || err == errNilHandle {
		return err
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return &Error{Op: op, Subject: subject, Err: err}
}

// decodeError is a payload that did not decode: it matches EPROTO, as
// flux-core reports such payloads, and unwraps to the decoder's error.
type decodeError struct{ cause error }

func (e *decodeError) Error() string { return e.cause.Error() }

// Unwrap gives both the errno and the decoder's error.
func (e *decodeError) Unwrap() []error { return []error{syscall.EPROTO, e.cause} }
