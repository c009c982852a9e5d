package transport

import (
	"strconv"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
)

// fdConn is the fd://N connector: a descriptor already connected to a
// usock server. It owns the descriptor once open succeeds. No options, no
// reconnect.
type fdConn struct {
	*sockClient
}

// openFD opens fd://N: N must be a complete non-negative decimal number.
// The auth byte is read from the descriptor before it is made
// non-blocking; if that fails the descriptor is left open.
func openFD(path string, hasPath bool, flags int) (Connector, error) {
	if !hasPath {
		return nil, errno.Errorf(syscall.EINVAL, "URI path is not set")
	}
	fd, ok := parseFD(path)
	if !ok {
		return nil, errno.Errorf(syscall.EINVAL, "error parsing file descriptor")
	}
	sc, err := newSockClient(fd)
	if err != nil {
		return nil, err
	}
	return &fdConn{sc}, nil
}

// parseFD parses a descriptor number like strtol(…, 10) with a full-parse
// check and a non-negative, int-sized result.
func parseFD(s string) (int, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	s = s[i:]
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0, false
	}
	return int(n), true
}

func (c *fdConn) PollFD() (int, error) { return c.fd, nil }
