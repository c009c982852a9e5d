package runtime

import (
	"encoding/binary"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Connect retry policy of local:// (usock client defaults).
const (
	localRetryDefault  = 5
	localRetryMinDelay = 16 * time.Millisecond
	localRetryMaxDelay = 2 * time.Second
)

// localSleep is the retry sleep; tests may shorten it.
var localSleep = time.Sleep

// localConn is the local://PATH connector: a unix-domain stream socket to
// the broker's connector-local module. It supports Reconnect and the
// testing credential options.
type localConn struct {
	path string
	sc   *sockClient // nil only transiently during reconnect

	mu       sync.Mutex // guards the testing credentials
	userid   uint32
	rolemask uint32
}

// openLocal opens local://PATH, retrying the connect as connectors.md §1.1
// describes. A missing socket file gives ENOENT "broker socket PATH was not
// found".
func openLocal(path string, hasPath bool, flags int) (connector, error) {
	if !hasPath {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c := &localConn{path: path, userid: msg.UseridUnknown, rolemask: msg.RoleNone}
	sc, err := localConnect(path)
	if err != nil {
		if ErrnoOf(err) == syscall.ENOENT {
			return nil, Errorf(syscall.ENOENT, "broker socket %s was not found", path)
		}
		return nil, err
	}
	c.sc = sc
	return c, nil
}

// localRetryCount returns FLUX_LOCAL_CONNECTOR_RETRY_COUNT (a complete,
// non-negative decimal integer) or the default.
func localRetryCount() (int, error) {
	s, ok := lookupEnv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT")
	if !ok {
		return localRetryDefault, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0, ErrnoError(syscall.EINVAL)
	}
	return int(n), nil
}

// localConnect connects to the socket at path with retries (16 ms before
// the first retry, doubling, capped at 2 s), then reads the auth byte.
func localConnect(path string) (*sockClient, error) {
	retries, err := localRetryCount()
	if err != nil {
		return nil, err
	}
	if path == "" || len(path) >= len(unix.RawSockaddrUnix{}.Path) {
		return nil, ErrnoError(syscall.EINVAL)
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, errnoErr(err)
	}
	addr := &unix.SockaddrUnix{Name: path}
	delay := localRetryMinDelay
	for try := 0; ; try++ {
		err = unix.Connect(fd, addr)
		if err == nil {
			break
		}
		if try == retries {
			_ = unix.Close(fd)
			return nil, errnoErr(err)
		}
		localSleep(delay)
		if delay *= 2; delay > localRetryMaxDelay {
			delay = localRetryMaxDelay
		}
	}
	sc, err := newSockClient(fd)
	if err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	return sc, nil
}

func (c *localConn) send(m *msg.Message, flags int, w waiter) error {
	if c.sc == nil {
		return ErrnoError(syscall.ENOTCONN)
	}
	c.mu.Lock()
	uid, roles := c.userid, c.rolemask
	c.mu.Unlock()
	if uid != msg.UseridUnknown || roles != msg.RoleNone {
		cpy := m.Copy(true)
		cpy.Userid, cpy.Rolemask = uid, roles
		m = cpy
	}
	return c.sc.send(m, flags, w)
}

func (c *localConn) recv(flags int, w waiter) (*msg.Message, error) {
	if c.sc == nil {
		return nil, ErrnoError(syscall.ENOTCONN)
	}
	return c.sc.recv(flags, w)
}

// idle reports whether nothing received is waiting to be assembled.
func (c *localConn) idle() bool { return c.sc != nil && c.sc.idle() }

func (c *localConn) hasBuffered() bool { return c.sc != nil && c.sc.hasBuffered() }

func (c *localConn) pollFD() (int, error) {
	if c.sc == nil {
		return -1, ErrnoError(syscall.ENOTCONN)
	}
	return c.sc.fd, nil
}

func (c *localConn) pollEvents() int {
	if c.sc == nil {
		return 0
	}
	return c.sc.pollEvents()
}

func (c *localConn) close() {
	if c.sc != nil {
		c.sc.close()
		c.sc = nil
	}
}

// reconnect drops the socket and connects again with the same path and
// retry policy.
func (c *localConn) reconnect() error {
	c.close()
	sc, err := localConnect(c.path)
	if err != nil {
		return err
	}
	c.sc = sc
	return nil
}

func (c *localConn) setOpt(name string, val []byte) error {
	if name != OptTestingUserid && name != OptTestingRolemask {
		return ErrnoError(syscall.EINVAL)
	}
	if len(val) != 4 {
		return ErrnoError(syscall.EINVAL)
	}
	v := binary.NativeEndian.Uint32(val)
	c.mu.Lock()
	defer c.mu.Unlock()
	if name == OptTestingUserid {
		c.userid = v
	} else {
		c.rolemask = v
	}
	return nil
}
