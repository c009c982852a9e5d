package stream

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
)

// RefusedError is the error ReadAuth returns when the server answers the
// connection with a non-zero auth byte. errors.Is matches its Errno.
type RefusedError struct {
	// Errno is the byte the server sent, as an errno value (connector-local
	// sends EPERM when the user has no role).
	Errno syscall.Errno
}

// Error describes the refusal with the C library's wording of the errno.
func (e *RefusedError) Error() string {
	return "broker refused connection: " + strerror(e.Errno)
}

// Unwrap returns the errno so errors.Is(err, syscall.EPERM) works.
func (e *RefusedError) Unwrap() error { return e.Errno }

// strerror approximates glibc's strerror: Go's Linux error table is glibc's
// text with the first letter lowered, and "Unknown error N" is glibc's form
// for values it does not know.
func strerror(e syscall.Errno) string {
	s := e.Error()
	if s == "" || strings.HasPrefix(s, "errno ") {
		return "Unknown error " + strconv.Itoa(int(e))
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ReadAuth reads the single byte a server sends right after accepting a
// connection. 0 means accepted (nil). Any other value b is a refusal:
// a *RefusedError wrapping syscall.Errno(b). End of stream before the byte
// is ECONNRESET; other read errors are returned wrapped.
func ReadAuth(r io.Reader) error {
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return connReset("before the auth byte")
		}
		return fmt.Errorf("stream: reading auth byte: %w", err)
	}
	if b[0] != 0 {
		return &RefusedError{Errno: syscall.Errno(b[0])}
	}
	return nil
}

// WriteAuth sends the auth byte: 0 to accept the connection, or an errno
// value to refuse it. A write that sends nothing without an error reports
// io.ErrShortWrite.
func WriteAuth(w io.Writer, errno byte) error {
	n, err := w.Write([]byte{errno})
	if err != nil {
		return fmt.Errorf("stream: writing auth byte: %w", err)
	}
	if n != 1 {
		return io.ErrShortWrite
	}
	return nil
}
