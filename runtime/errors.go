package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
)

// Error is a failure with an errno value and the text a flux-core caller
// would find in flux_error_t or in a future's error string. It satisfies
// errors.Is(err, syscall.Exxx) for its errno. Every runtime package
// (reactor, transports) returns this type.
type Error = errno.Error

func init() { errno.SetTexts(errnoText) }

// Errorf makes an *Error with errno and formatted text.
func Errorf(e syscall.Errno, format string, args ...any) error {
	return errno.Errorf(e, format, args...)
}

// ErrnoError makes an *Error that carries only an errno; its text is the
// errno's description.
func ErrnoError(e syscall.Errno) error { return errno.New(e) }

// ErrnoOf extracts the errno a C caller should see for err: the first
// syscall.Errno in its chain, EIO for errors that carry none, 0 for nil.
func ErrnoOf(err error) syscall.Errno { return errno.Of(err) }

// ErrorText returns the text flux_open_ex and friends put in flux_error_t:
// the *Error's own text when it has one, else the errno's description.
func ErrorText(err error) string { return errno.Text(err) }

// StrError returns the C library's (glibc) description of errno, the text
// flux-core shows for errors without their own text.
func StrError(e syscall.Errno) string { return errno.Str(e) }

// errnoErr converts an error from x/sys/unix into an *Error carrying its
// errno (EIO when it carries none).
func errnoErr(err error) error { return errno.FromUnix(err) }
