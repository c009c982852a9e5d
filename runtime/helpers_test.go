package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// captureDiag redirects trace/MATCHDEBUG output for the test.
func captureDiag(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	old := setDiagOutput(buf)
	t.Cleanup(func() { setDiagOutput(old) })
	return buf
}

// clearHandleEnv unsets the environment variables Open reads.
func clearHandleEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"FLUX_URI", "FLUX_HANDLE_TRACE", "FLUX_HANDLE_MATCHDEBUG",
		"FLUX_HANDLE_USERID", "FLUX_HANDLE_ROLEMASK", "FLUX_LOCAL_CONNECTOR_RETRY_COUNT",
		"FLUX_PROXY_REMOTE"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Cleanup(func() { os.Setenv(k, v) })
			os.Unsetenv(k)
		}
	}
}

func strp(s string) *string { return &s }

// mustOpen opens uri or fails the test; the handle is closed at cleanup
// unless the test closes it (extra Close calls are harmless).
func mustOpen(t *testing.T, uri string, flags int) *Handle {
	t.Helper()
	h, err := Open(&uri, flags)
	if err != nil {
		t.Fatalf("Open(%q, %#x): %v", uri, flags, err)
	}
	return h
}

// wantErrno checks that err carries errno (and text, when text != "").
func wantErrno(t *testing.T, err error, errno syscall.Errno, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want errno %d (%v)", errno, errno)
	}
	if got := ErrnoOf(err); got != errno {
		t.Fatalf("errno = %d (%v), want %d (%v); err=%v", got, got, errno, errno, err)
	}
	if text != "" && ErrorText(err) != text {
		t.Fatalf("text = %q, want %q", ErrorText(err), text)
	}
}

// newRequest builds a request like flux_request_encode.
func newRequest(topic string, tag uint32, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeRequest)
	m.SetTopic(topic)
	if payload != "" {
		m.SetString(payload)
	}
	m.EnableRoute()
	m.Aux2 = tag
	return m
}

// newEvent builds an event message.
func newEvent(topic string) *msg.Message {
	m, _ := msg.New(msg.TypeEvent)
	m.SetTopic(topic)
	return m
}

// testServer is a tiny usock server: it accepts connections on a unix
// socket, sends the auth byte and hands each received message to handle.
type testServer struct {
	t       *testing.T
	path    string
	ln      *net.UnixListener
	auth    byte
	handle  func(s *testServer, c *serverConn, m *msg.Message)
	mu      sync.Mutex
	conns   []*serverConn
	accepts chan *serverConn
	wg      sync.WaitGroup
}

// serverConn is one accepted connection.
type serverConn struct {
	c   *net.UnixConn
	wmu sync.Mutex
	rx  chan *msg.Message // every message received, in order
}

// send writes one framed message to the client.
func (sc *serverConn) send(m *msg.Message) error {
	b, err := stream.AppendFrame(nil, m)
	if err != nil {
		return err
	}
	sc.wmu.Lock()
	defer sc.wmu.Unlock()
	_, err = sc.c.Write(b)
	return err
}

// shortTempDir returns a temp dir with a path short enough for sun_path.
func shortTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "fx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// startServer listens on a fresh socket. handle may be nil (messages are
// only recorded).
func startServer(t *testing.T, handle func(s *testServer, c *serverConn, m *msg.Message)) *testServer {
	t.Helper()
	s := &testServer{t: t, path: filepath.Join(shortTempDir(t), "local"), handle: handle,
		accepts: make(chan *serverConn, 16)}
	s.listen()
	t.Cleanup(s.stop)
	return s
}

func (s *testServer) listen() {
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: s.path, Net: "unix"})
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			sc := &serverConn{c: c, rx: make(chan *msg.Message, 1024)}
			s.mu.Lock()
			auth := s.auth
			s.conns = append(s.conns, sc)
			s.mu.Unlock()
			if _, err := c.Write([]byte{auth}); err != nil || auth != 0 {
				c.Close()
				continue
			}
			s.accepts <- sc
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				r := stream.NewReader(c)
				for {
					m, err := r.ReadMessage()
					if err != nil {
						close(sc.rx)
						return
					}
					sc.rx <- m
					if s.handle != nil {
						s.handle(s, sc, m)
					}
				}
			}()
		}
	}()
}

// setAuth sets the auth byte sent to later connections.
func (s *testServer) setAuth(b byte) {
	s.mu.Lock()
	s.auth = b
	s.mu.Unlock()
}

// closeListener stops accepting and removes the socket file.
func (s *testServer) closeListener() {
	s.mu.Lock()
	ln := s.ln
	s.ln = nil
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
}

// dropConns closes every accepted connection.
func (s *testServer) dropConns() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range conns {
		c.c.Close()
	}
}

func (s *testServer) stop() {
	s.closeListener()
	s.dropConns()
	s.wg.Wait()
}

// nextConn waits for the next accepted connection.
func (s *testServer) nextConn(t *testing.T) *serverConn {
	t.Helper()
	select {
	case c := <-s.accepts:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted")
	}
	return nil
}

// respond answers req with a response carrying payload (or an error).
func respond(c *serverConn, req *msg.Message, errnum uint32, payload string) {
	rep, _ := deriveResponse(req, errnum)
	if payload != "" {
		rep.SetString(payload)
	}
	rep.Userid = 0
	rep.Rolemask = msg.RoleOwner | msg.RoleLocal
	_ = c.send(rep)
}

// attrServer answers attr.get from a table (flags 1 = immutable).
func attrServer(attrs map[string]string, immutable bool) func(s *testServer, c *serverConn, m *msg.Message) {
	return func(s *testServer, c *serverConn, m *msg.Message) {
		if m.Type != msg.TypeRequest || m.Topic != "attr.get" {
			return
		}
		var body struct{ Name string }
		str, _, _ := m.String()
		_ = json.Unmarshal([]byte(str), &body)
		v, ok := attrs[body.Name]
		if !ok {
			respond(c, m, uint32(syscall.ENOENT), "")
			return
		}
		flags := 0
		if immutable {
			flags = 1
		}
		b, _ := json.Marshal(map[string]any{"value": v, "flags": flags})
		respond(c, m, 0, string(b))
	}
}

// recvTimeout receives from a channel with a deadline.
func recvTimeout[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// isErrno is errors.Is for an errno.
func isErrno(err error, e syscall.Errno) bool { return errors.Is(err, e) }
