// Package errno is the runtime's error type and errno helpers, in a leaf
// package so that every runtime package (the handle core, the reactor,
// the transports) returns the same *Error. Package runtime re-exports them
// (runtime.Error, runtime.ErrnoError, ...); its generated errno table is
// installed here with SetTexts.
package errno

import (
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
)

// Error is a failure with an errno value and the text a flux-core caller
// would find in flux_error_t or in a future's error string. It satisfies
// errors.Is(err, syscall.Exxx) for its errno.
type Error struct {
	Errno syscall.Errno
	Text  string
}

// Error returns the text, or the C library's description of the errno when
// there is no text.
func (e *Error) Error() string {
	if e.Text != "" {
		return e.Text
	}
	return Str(e.Errno)
}

// Unwrap exposes the errno so errors.Is works with syscall.Errno values.
func (e *Error) Unwrap() error { return e.Errno }

// Errorf makes an *Error with errno and formatted text.
func Errorf(errno syscall.Errno, format string, args ...any) error {
	return &Error{Errno: errno, Text: fmt.Sprintf(format, args...)}
}

// New makes an *Error that carries only an errno; its text is the errno's
// description.
func New(errno syscall.Errno) error { return &Error{Errno: errno} }

// Of extracts the errno a C caller should see for err: the first
// syscall.Errno in its chain, EIO for errors that carry none, 0 for nil.
func Of(err error) syscall.Errno {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return syscall.EIO
}

// Text returns the text flux_open_ex and friends put in flux_error_t: the
// *Error's own text when it has one, else the errno's description.
func Text(err error) string {
	if err == nil {
		return ""
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Text != "" {
		return fe.Text
	}
	return Str(Of(err))
}

// FromUnix converts an error from x/sys/unix into an *Error carrying its
// errno (EIO when it carries none); nil stays nil.
func FromUnix(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok {
		return e
	}
	return New(Of(err))
}

// texts is the errno description table (set by package runtime).
var texts atomic.Pointer[map[syscall.Errno]string]

// SetTexts installs the table Str reads: the C library's (glibc)
// description of each errno value.
func SetTexts(m map[syscall.Errno]string) { texts.Store(&m) }

// Str returns the C library's description of errno, the text flux-core
// shows for errors without their own text ("Unknown error N" for values
// the table lacks, as glibc says). Before package runtime installed the
// table (a program using only runtime/reactor), Go's own description
// stands in.
func Str(errno syscall.Errno) string {
	m := texts.Load()
	if m == nil {
		return errno.Error()
	}
	if s, ok := (*m)[errno]; ok {
		return s
	}
	return fmt.Sprintf("Unknown error %d", int(errno))
}
