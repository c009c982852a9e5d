package runtime

import (
	"errors"
	"fmt"
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
	return StrError(e.Errno)
}

// Unwrap exposes the errno so errors.Is works with syscall.Errno values.
func (e *Error) Unwrap() error { return e.Errno }

// Errorf makes an *Error with errno and formatted text.
func Errorf(errno syscall.Errno, format string, args ...any) error {
	return &Error{Errno: errno, Text: fmt.Sprintf(format, args...)}
}

// ErrnoError makes an *Error that carries only an errno; its text is the
// errno's description.
func ErrnoError(errno syscall.Errno) error { return &Error{Errno: errno} }

// ErrnoOf extracts the errno a C caller should see for err: the first
// syscall.Errno in its chain, EIO for errors that carry none, 0 for nil.
func ErrnoOf(err error) syscall.Errno {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return syscall.EIO
}

// ErrorText returns the text flux_open_ex and friends put in flux_error_t:
// the *Error's own text when it has one, else the errno's description.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Text != "" {
		return fe.Text
	}
	return StrError(ErrnoOf(err))
}

// StrError returns the C library's (glibc) description of errno, the text
// flux-core shows for errors without their own text.
func StrError(errno syscall.Errno) string {
	if s, ok := errnoText[errno]; ok {
		return s
	}
	return fmt.Sprintf("Unknown error %d", int(errno))
}
