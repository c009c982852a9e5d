package broker

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// ioTimeout bounds every blocking read in the tests.
const ioTimeout = 5 * time.Second

// startBroker starts a broker in a test temp dir and closes it at cleanup.
func startBroker(t testing.TB, opts Options) *Broker {
	t.Helper()
	if opts.RunDir == "" {
		opts.RunDir = t.TempDir()
	}
	b, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := b.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// rawClient is a minimal client built on runtime/stream.
type rawClient struct {
	t  testing.TB
	nc *net.UnixConn
	r  *stream.Reader
}

// dialRaw connects and returns the connection before reading the auth
// byte.
func dialRaw(t testing.TB, b *Broker) *net.UnixConn {
	t.Helper()
	nc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: b.Path(), Net: "unix"})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// dial connects and checks the auth byte is 0.
func dial(t testing.TB, b *Broker) *rawClient {
	t.Helper()
	nc := dialRaw(t, b)
	nc.SetReadDeadline(time.Now().Add(ioTimeout))
	if err := stream.ReadAuth(nc); err != nil {
		t.Fatalf("auth: %v", err)
	}
	return &rawClient{t: t, nc: nc, r: stream.NewReader(nc)}
}

// send writes one message.
func (c *rawClient) send(m *msg.Message) {
	c.t.Helper()
	buf, err := stream.AppendFrame(nil, m)
	if err != nil {
		c.t.Fatalf("encode: %v", err)
	}
	c.sendBytes(buf)
}

// sendBytes writes raw bytes.
func (c *rawClient) sendBytes(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// recvErr reads one message with a timeout.
func (c *rawClient) recvErr(d time.Duration) (*msg.Message, error) {
	c.nc.SetReadDeadline(time.Now().Add(d))
	return c.r.ReadMessage()
}

// recv reads one message or fails the test.
func (c *rawClient) recv() *msg.Message {
	c.t.Helper()
	m, err := c.recvErr(ioTimeout)
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	return m
}

// expectNothing checks that no message arrives within a short time.
func (c *rawClient) expectNothing() {
	c.t.Helper()
	m, err := c.recvErr(150 * time.Millisecond)
	if err == nil {
		c.t.Fatalf("unexpected message: type %d flags %#x topic %q errnum %d payload %q",
			m.Type, m.Flags, m.Topic, m.Aux1, m.Payload)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		c.t.Fatalf("expected a timeout, got %v", err)
	}
}

// request builds a request as a flux-core client sends it: ROUTE with an
// empty stack, credentials unset, nodeid ANY, matchtag 1. A non-empty
// payload is stored as a NUL-terminated string.
func request(topic, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeRequest)
	m.SetTopic(topic)
	m.EnableRoute()
	if payload != "" {
		m.SetString(payload)
	}
	m.Aux2 = 1
	return m
}

// rpc sends a request and returns the next message.
func (c *rawClient) rpc(m *msg.Message) *msg.Message {
	c.t.Helper()
	c.send(m)
	return c.recv()
}

// payloadString returns the payload without its trailing NUL.
func payloadString(m *msg.Message) string {
	p := m.Payload
	if n := len(p); n > 0 && p[n-1] == 0 {
		p = p[:n-1]
	}
	return string(p)
}

// ownerUID is the uid the tests run as, the default owner.
func ownerUID() uint32 { return uint32(os.Getuid()) }
