package broker

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Options configures a stand-in broker. The zero value is usable.
type Options struct {
	// RunDir is the directory holding the socket local-0. When empty, a
	// fresh temporary directory is created by New and removed by Close.
	RunDir string
	// Owner is the uid of the instance owner. Nil means os.Getuid().
	// Connections from this uid get the OWNER role.
	Owner *uint32
	// AllowGuest lets connections from other uids in with the USER role,
	// like [access] allow-guest-user = true; otherwise they are refused
	// with auth byte EPERM.
	AllowGuest bool
	// Attrs sets or overrides broker attribute values. Names flux-core
	// does not register are accepted and treated as runtime-updatable.
	Attrs map[string]string
	// Hostname is used for the hostname and hostlist attributes; empty
	// means os.Hostname().
	Hostname string
	// Log, if set, receives one line per log.append request and per
	// connection-level error, for debugging.
	Log func(line string)
}

// Uid returns a pointer to u, for Options.Owner.
func Uid(u uint32) *uint32 { return &u }

// ConnInfo describes one client connection, for tests.
type ConnInfo struct {
	// UUID is the connection's identity, the route id pushed on its
	// requests.
	UUID string
	// Userid is the peer uid read with SO_PEERCRED.
	Userid uint32
	// Rolemask is the role set given at authentication (5 owner, 6 guest).
	Rolemask uint32
	// Pid is the peer pid read with SO_PEERCRED.
	Pid int32
}

// Broker is a running (or ready to run) stand-in broker. All methods are
// safe for concurrent use.
type Broker struct {
	owner      uint32
	allowGuest bool
	rundir     string
	ownRundir  bool
	path       string
	uuid       string // the broker's own identity
	modUUID    string // identity of the (simulated) connector-local module
	started    time.Time
	logf       func(string)

	mu       sync.Mutex
	ln       *net.UnixListener
	acceptWG sync.WaitGroup
	closed   bool
	conns    map[string]*conn
	order    []*conn // live connections in connect order
	connects int

	attrs    *attrTable
	services map[string]*clientService // client-registered services by name
	seq      uint32                    // last event sequence number
	monitors []*pendingMonitor         // streaming state-machine.monitor
	logs     []string

	faults faultState
}

// New prepares a broker; call Start to listen.
func New(opts Options) (*Broker, error) {
	b := &Broker{
		allowGuest: opts.AllowGuest,
		uuid:       uuid.NewString(),
		modUUID:    uuid.NewString(),
		started:    time.Now(),
		logf:       opts.Log,
		conns:      make(map[string]*conn),
		services:   make(map[string]*clientService),
	}
	if opts.Owner != nil {
		b.owner = *opts.Owner
	} else {
		b.owner = uint32(os.Getuid())
	}
	b.rundir = opts.RunDir
	if b.rundir == "" {
		d, err := os.MkdirTemp("", "fluxgo-broker-")
		if err != nil {
			return nil, err
		}
		b.rundir, b.ownRundir = d, true
	} else {
		if err := os.MkdirAll(b.rundir, 0o700); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(b.rundir)
	if err != nil {
		return nil, err
	}
	b.rundir = abs
	b.path = filepath.Join(abs, "local-0")
	host := opts.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	b.attrs = newAttrTable(b, host, opts.Attrs)
	return b, nil
}

// URI returns the local:// URI clients use to reach the broker.
func (b *Broker) URI() string { return "local://" + b.path }

// Path returns the filesystem path of the listening socket.
func (b *Broker) Path() string { return b.path }

// RunDir returns the broker's run directory.
func (b *Broker) RunDir() string { return b.rundir }

// UUID returns the broker's own identity, as reported by the broker.uuid
// attribute and seen in route stacks.
func (b *Broker) UUID() string { return b.uuid }

// Start listens on RunDir/local-0 (replacing any stale socket file), makes
// the socket world-accessible like connector-local does, and serves
// connections in the background.
func (b *Broker) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("broker: closed")
	}
	if b.ln != nil {
		return errors.New("broker: already started")
	}
	return b.listenLocked()
}

// listenLocked creates the listener and starts the accept loop.
func (b *Broker) listenLocked() error {
	_ = os.Remove(b.path)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: b.path, Net: "unix"})
	if err != nil {
		return fmt.Errorf("broker: listen: %w", err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(b.path, 0o777); err != nil {
		ln.Close()
		return fmt.Errorf("broker: chmod socket: %w", err)
	}
	b.ln = ln
	b.acceptWG.Add(1)
	go b.acceptLoop(ln)
	return nil
}

// stopLocked closes the listener and every connection. The caller must
// wait on acceptWG after releasing the lock.
func (b *Broker) stopLocked() {
	if b.ln != nil {
		b.ln.Close()
		b.ln = nil
	}
	for _, c := range append([]*conn(nil), b.order...) {
		b.dropLocked(c, nil)
	}
	b.faults.held = nil
}

// Close stops the broker: the listener and all connections are closed,
// the socket file is removed, and a temporary run directory created by New
// is removed too. Close is idempotent.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.stopLocked()
	b.mu.Unlock()
	b.acceptWG.Wait()
	err := os.Remove(b.path)
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	if b.ownRundir {
		if rerr := os.RemoveAll(b.rundir); err == nil {
			err = rerr
		}
	}
	return err
}

// Restart simulates a broker restart as clients see it: every connection
// is dropped (their next read fails), the socket is removed and the broker
// listens again on the same path. Attributes and the event sequence are
// kept; subscriptions and service registrations, which belong to
// connections, are gone.
func (b *Broker) Restart() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errors.New("broker: closed")
	}
	b.stopLocked()
	b.mu.Unlock()
	b.acceptWG.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("broker: closed")
	}
	return b.listenLocked()
}

// Connections lists the live client connections in connect order.
func (b *Broker) Connections() []ConnInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]ConnInfo, 0, len(b.order))
	for _, c := range b.order {
		out = append(out, ConnInfo{UUID: c.uuid, Userid: c.userid, Rolemask: c.rolemask, Pid: c.pid})
	}
	return out
}

// LogMessages returns the payloads of the log.append requests received so
// far (at most the last 1024), oldest first.
func (b *Broker) LogMessages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.logs...)
}

// debugf hands a line to Options.Log, if any.
func (b *Broker) debugf(format string, args ...any) {
	if b.logf != nil {
		b.logf(fmt.Sprintf(format, args...))
	}
}
