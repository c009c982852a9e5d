package transport

import (
	"encoding/binary"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/env"
	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Connect retry policy of local:// (usock client defaults).
const (
	localRetryDefault  = 5
	localRetryMinDelay = 16 * time.Millisecond
	localRetryMaxDelay = 2 * time.Second
)

// LocalSleep is the retry sleep; tests may shorten it.
var LocalSleep = time.Sleep

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
func openLocal(path string, hasPath bool, flags int) (Connector, error) {
	if !hasPath {
		return nil, errno.New(syscall.EINVAL)
	}
	c := &localConn{path: path, userid: msg.UseridUnknown, rolemask: msg.RoleNone}
	sc, err := localConnect(path)
	if err != nil {
		if errno.Of(err) == syscall.ENOENT {
			return nil, errno.Errorf(syscall.ENOENT, "broker socket %s was not found", path)
		}
		return nil, err
	}
	c.sc = sc
	return c, nil
}

// localRetryCount returns FLUX_LOCAL_CONNECTOR_RETRY_COUNT (a complete,
// non-negative decimal integer) or the default.
func localRetryCount() (int, error) {
	s, ok := env.Lookup("FLUX_LOCAL_CONNECTOR_RETRY_COUNT")
	if !ok {
		return localRetryDefault, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0, errno.New(syscall.EINVAL)
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
		return nil, errno.New(syscall.EINVAL)
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, errno.FromUnix(err)
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
			return nil, errno.FromUnix(err)
		}
		LocalSleep(delay)
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

func (c *localConn) Send(m *msg.Message, flags int, w Waiter) error {
	if c.sc == nil {
		return errno.New(syscall.ENOTCONN)
	}
	c.mu.Lock()
	uid, roles := c.userid, c.rolemask
	c.mu.Unlock()
	if uid != msg.UseridUnknown || roles != msg.RoleNone {
		cpy := m.Copy(true)
		cpy.Userid, cpy.Rolemask = uid, roles
		m = cpy
	}
	return c.sc.Send(m, flags, w)
}

func (c *localConn) Recv(flags int, w Waiter) (*msg.Message, error) {
	if c.sc == nil {
		return nil, errno.New(syscall.ENOTCONN)
	}
	return c.sc.Recv(flags, w)
}

// Idle reports whether nothing received is waiting to be assembled.
func (c *localConn) Idle() bool { return c.sc != nil && c.sc.Idle() }

func (c *localConn) HasBuffered() bool { return c.sc != nil && c.sc.HasBuffered() }

func (c *localConn) PollFD() (int, error) {
	if c.sc == nil {
		return -1, errno.New(syscall.ENOTCONN)
	}
	return c.sc.fd, nil
}

func (c *localConn) PollEvents() int {
	if c.sc == nil {
		return 0
	}
	return c.sc.PollEvents()
}

func (c *localConn) Close() {
	if c.sc != nil {
		c.sc.Close()
		c.sc = nil
	}
}

// Reconnect drops the socket and connects again with the same path and
// retry policy.
func (c *localConn) Reconnect() error {
	c.Close()
	sc, err := localConnect(c.path)
	if err != nil {
		return err
	}
	c.sc = sc
	return nil
}

func (c *localConn) SetOpt(name string, val []byte) error {
	if name != OptTestingUserid && name != OptTestingRolemask {
		return errno.New(syscall.EINVAL)
	}
	if len(val) != 4 {
		return errno.New(syscall.EINVAL)
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
