package relay

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

const ioTimeout = 5 * time.Second

// client is the test's end of a relay session.
type client struct {
	t    *testing.T
	conn net.Conn
	r    *stream.Reader
	done chan error // Run's result
}

// socketPair returns two connected stream sockets as net.Conns.
func socketPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]net.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "sp")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	return conns[0], conns[1]
}

// startRelay runs a relay to b and returns the client end after reading
// the auth byte.
func startRelay(t *testing.T, path string) *client {
	t.Helper()
	mine, theirs := socketPair(t)
	c := &client{t: t, conn: mine, r: stream.NewReader(mine), done: make(chan error, 1)}
	go func() {
		c.done <- Run(path, theirs, theirs, Options{})
		theirs.Close()
	}()
	t.Cleanup(func() { mine.Close() })
	mine.SetReadDeadline(time.Now().Add(ioTimeout))
	if err := stream.ReadAuth(mine); err != nil {
		t.Fatalf("auth: %v", err)
	}
	return c
}

func (c *client) send(m *msg.Message) {
	c.t.Helper()
	f, err := stream.AppendFrame(nil, m)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.conn.Write(f); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) recv() *msg.Message {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	m, err := c.r.ReadMessage()
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	return m
}

// nothing checks that no message arrives within a short time.
func (c *client) nothing() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if m, err := c.r.ReadMessage(); err == nil {
		c.t.Fatalf("unexpected message %s %q", msgType(m), m.Topic)
	}
}

// result closes the client side and returns Run's result.
func (c *client) result() error {
	c.t.Helper()
	c.conn.Close()
	select {
	case err := <-c.done:
		return err
	case <-time.After(ioTimeout):
		c.t.Fatal("relay did not stop")
		return nil
	}
}

func msgType(m *msg.Message) string {
	return map[uint8]string{msg.TypeRequest: "request", msg.TypeResponse: "response",
		msg.TypeEvent: "event"}[m.Type]
}

func request(topic string, tag uint32, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeRequest)
	m.SetTopic(topic)
	if payload != "" {
		m.SetString(payload)
	}
	m.Aux2 = tag
	return m
}

func event(topic string) *msg.Message {
	m, _ := msg.New(msg.TypeEvent)
	m.SetTopic(topic)
	return m
}

// expectResponse checks a response's topic, matchtag and errnum.
func expectResponse(t *testing.T, m *msg.Message, topic string, tag uint32, errnum syscall.Errno) {
	t.Helper()
	if m.Type != msg.TypeResponse || m.Topic != topic || m.Matchtag() != tag || syscall.Errno(m.Errnum()) != errnum {
		t.Fatalf("got %s %q tag=%d errnum=%d, want response %q tag=%d errnum=%d",
			msgType(m), m.Topic, m.Matchtag(), m.Errnum(), topic, tag, errnum)
	}
}

// openLocal opens a runtime handle straight to the broker.
func openLocal(t *testing.T, b *broker.Broker) *fluxrt.Handle {
	t.Helper()
	uri := b.URI()
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// recvHandle is h.Recv bounded by ioTimeout.
func recvHandle(t *testing.T, h *fluxrt.Handle, match fluxrt.Match) (*msg.Message, error) {
	t.Helper()
	type result struct {
		m   *msg.Message
		err error
	}
	ch := make(chan result, 1)
	go func() {
		m, err := h.Recv(match, 0)
		ch <- result{m, err}
	}()
	select {
	case r := <-ch:
		return r.m, r.err
	case <-time.After(ioTimeout):
		t.Fatalf("no message matching %+v within %v", match, ioTimeout)
		return nil, nil
	}
}

func TestRelayRPC(t *testing.T) {
	b := brokertest.Start(t)
	c := startRelay(t, b.Path())
	c.send(request("broker.ping", 7, `{"seq":1}`))
	m := c.recv()
	expectResponse(t, m, "broker.ping", 7, 0)
	if len(m.Routes) != 0 {
		t.Fatalf("routes left on response: %q", m.Routes)
	}
	s, _, _ := m.String()
	var p struct {
		Route    string
		Userid   uint32
		Rolemask uint32
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatal(err)
	}
	// client UUID, relay connection UUID, connector module, broker
	if n := len(strings.Split(p.Route, "!")); n != 4 {
		t.Fatalf("route %q has %d hops, want 4", p.Route, n)
	}
	if p.Userid != uint32(os.Getuid()) || p.Rolemask != msg.RoleOwner|msg.RoleLocal {
		t.Fatalf("credentials userid=%d rolemask=%d", p.Userid, p.Rolemask)
	}
	// A message without a topic is dropped; the session goes on.
	notopic, _ := msg.New(msg.TypeRequest)
	c.send(notopic)
	c.send(request("attr.get", 8, `{"name":"rank"}`))
	expectResponse(t, c.recv(), "attr.get", 8, 0)
	if err := c.result(); err != nil {
		t.Fatalf("Run = %v, want nil after client disconnect", err)
	}
}

func TestRelayEvents(t *testing.T) {
	b := brokertest.Start(t)
	c := startRelay(t, b.Path())
	pub := openLocal(t, b)
	tests := []struct {
		topic, payload string
		errnum         syscall.Errno
	}{
		{"event.subscribe", `{"topic":"foo"}`, 0},
		{"event.subscribe", `{"topic":"foo"}`, 0},
		{"event.unsubscribe", `{"topic":"foo"}`, 0},
		{"event.unsubscribe", `{"topic":"bar"}`, syscall.ENOENT},
		{"event.subscribe", `{"name":"foo"}`, syscall.EPROTO},
		{"event.subscribe", `[]`, syscall.EPROTO},
		{"event.subscribe", ``, syscall.EPROTO},
	}
	for i, tc := range tests {
		c.send(request(tc.topic, uint32(10+i), tc.payload))
		m := c.recv()
		expectResponse(t, m, tc.topic, uint32(10+i), tc.errnum)
		if m.Userid != msg.UseridUnknown || m.Rolemask != msg.RoleOwner || m.Flags != msg.FlagTopic|msg.FlagRoute || m.HasPayload() {
			t.Fatalf("relay response %+v", m)
		}
	}
	// Still subscribed to "foo" once: foo.x arrives, bar.y does not.
	for _, topic := range []string{"bar.y", "foo.x"} {
		if err := pub.Send(event(topic), 0); err != nil {
			t.Fatal(err)
		}
	}
	if m := c.recv(); m.Type != msg.TypeEvent || m.Topic != "foo.x" {
		t.Fatalf("got %s %q, want event foo.x", msgType(m), m.Topic)
	}
	c.send(request("event.unsubscribe", 30, `{"topic":"foo"}`))
	expectResponse(t, c.recv(), "event.unsubscribe", 30, 0)
	if err := pub.Send(event("foo.z"), 0); err != nil {
		t.Fatal(err)
	}
	c.nothing()
	// An event from the relay's client is published.
	c.send(request("event.subscribe", 31, `{"topic":""}`))
	expectResponse(t, c.recv(), "event.subscribe", 31, 0)
	c.send(event("mine"))
	if m := c.recv(); m.Type != msg.TypeEvent || m.Topic != "mine" {
		t.Fatalf("got %s %q, want event mine", msgType(m), m.Topic)
	}
}

func TestRelayServices(t *testing.T) {
	b := brokertest.Start(t)
	c := startRelay(t, b.Path())
	caller := openLocal(t, b)
	c.send(request("service.add", 1, `{"service":"svc"}`))
	expectResponse(t, c.recv(), "service.add", 1, 0)
	c.send(request("service.add", 2, `{"service":"svc"}`))
	expectResponse(t, c.recv(), "service.add", 2, syscall.EEXIST)
	c.send(request("service.add", 3, `{"service":"attr"}`))
	expectResponse(t, c.recv(), "service.add", 3, syscall.EEXIST)
	c.send(request("service.remove", 4, `{"service":"other"}`))
	expectResponse(t, c.recv(), "service.remove", 4, syscall.ENOENT)

	// A request from another client reaches the relay's client, and its
	// response finds the way back.
	if err := caller.Send(request("svc.hello", 42, `{}`), 0); err != nil {
		t.Fatal(err)
	}
	req := c.recv()
	if req.Type != msg.TypeRequest || req.Topic != "svc.hello" || len(req.Routes) < 2 {
		t.Fatalf("service request %+v", req)
	}
	rsp := req.Copy(false)
	rsp.SetType(msg.TypeResponse)
	rsp.SetString(`{"hi":1}`)
	c.send(rsp)
	m, err := recvHandle(t, caller, fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: 42})
	if err != nil {
		t.Fatal(err)
	}
	if s, _, _ := m.String(); m.Errnum() != 0 || s != `{"hi":1}` {
		t.Fatalf("response errnum=%d payload=%q", m.Errnum(), s)
	}

	// After the client leaves, its service is gone. The relay's broker
	// connection closes as it exits; wait for the broker to see that
	// (until then a request may still be routed to the departed relay and
	// never be answered), then probe.
	if err := c.result(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(ioTimeout)
	for len(b.Connections()) > 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the relay's broker connection is still open: %+v", b.Connections())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for tag := uint32(50); ; tag++ {
		if err := caller.Send(request("svc.hello", tag, `{}`), 0); err != nil {
			t.Fatal(err)
		}
		m, err := recvHandle(t, caller, fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: tag})
		if err != nil {
			t.Fatal(err)
		}
		if syscall.Errno(m.Errnum()) == syscall.ENOSYS {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("svc still registered: errnum %d", m.Errnum())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRelayDisconnect: when the client leaves, services it sent requests
// to get one disconnect notification per (service, nodeid, upstream).
func TestRelayDisconnect(t *testing.T) {
	b := brokertest.Start(t)
	svc := openLocal(t, b)
	add := request("service.add", 1, `{"service":"dsvc"}`)
	if err := svc.Send(add, 0); err != nil {
		t.Fatal(err)
	}
	if m, err := recvHandle(t, svc, fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: 1}); err != nil || m.Errnum() != 0 {
		t.Fatalf("service.add: %v", err)
	}
	c := startRelay(t, b.Path())
	c.send(request("dsvc.one", 5, `{}`))
	c.send(request("dsvc.two", 6, `{}`))
	nr := request("dsvc.three", 0, `{}`)
	nr.Flags |= msg.FlagNoResponse
	c.send(nr)
	var origin string
	for i := 0; i < 3; i++ {
		m, err := recvHandle(t, svc, fluxrt.Match{TypeMask: int(msg.TypeRequest)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			origin = m.Routes[0]
		} else if m.Routes[0] != origin {
			t.Fatalf("originator changed: %q vs %q", m.Routes[0], origin)
		}
	}
	if err := c.result(); err != nil {
		t.Fatal(err)
	}
	m, err := recvHandle(t, svc, fluxrt.Match{TypeMask: int(msg.TypeRequest)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Topic != "dsvc.disconnect" || !m.HasFlag(msg.FlagNoResponse) || m.Routes[0] != origin || m.Matchtag() != 5 {
		t.Fatalf("disconnect %+v", m)
	}
	// One more, and no others: the broker sends its own notification for
	// the relay's connection, which carried the same requests (and looks
	// the same), but the relay sends just one for the three requests that
	// share service, nodeid and upstream.
	second, err := recvHandle(t, svc, fluxrt.Match{TypeMask: int(msg.TypeRequest)})
	if err != nil || second.Topic != "dsvc.disconnect" {
		t.Fatalf("the broker's notification: %v %v", second, err)
	}
	time.Sleep(200 * time.Millisecond)
	if extra, err := svc.Recv(fluxrt.Match{TypeMask: int(msg.TypeRequest)}, fluxrt.ONonblock); err == nil {
		t.Fatalf("a third notification arrived: %s", extra.Topic)
	}
}

func TestRelayBrokerGone(t *testing.T) {
	b := brokertest.Start(t)
	c := startRelay(t, b.Path())
	c.send(request("attr.get", 1, `{"name":"rank"}`))
	expectResponse(t, c.recv(), "attr.get", 1, 0)
	b.Close()
	select {
	case err := <-c.done:
		var be *BrokerError
		if !errors.As(err, &be) || !strings.HasPrefix(err.Error(), "flux_reactor_run: ") {
			t.Fatalf("Run = %v, want BrokerError", err)
		}
	case <-time.After(ioTimeout):
		t.Fatal("relay did not stop when the broker went away")
	}
	// The client sees end of stream.
	c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	if _, err := c.r.ReadMessage(); fluxrt.ErrnoOf(err) != syscall.ECONNRESET {
		t.Fatalf("client read after relay exit: %v", err)
	}
}

func TestRelayErrors(t *testing.T) {
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0")
	mine, theirs := socketPair(t)
	defer mine.Close()
	defer theirs.Close()
	err := Run("/nonexistent/sock", theirs, theirs, Options{})
	var oe *OpenError
	if !errors.As(err, &oe) || err.Error() != "local:///nonexistent/sock: No such file or directory" {
		t.Fatalf("Run = %v", err)
	}

	b := brokertest.Start(t)
	c := startRelay(t, b.Path())
	if _, err := c.conn.Write([]byte("garbage, not a frame header")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.done:
		var ce *ClientError
		if !errors.As(err, &ce) || err.Error() != "client error: Protocol error" {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(ioTimeout):
		t.Fatal("relay did not stop on a protocol error")
	}
}

// TestRelayUserid: Options.Userid is stamped on client messages; as a
// non-owner-looking credential without roles, the broker keeps the
// userid and fills in the relay connection's roles.
func TestRelayUserid(t *testing.T) {
	b := brokertest.Start(t)
	mine, theirs := socketPair(t)
	defer mine.Close()
	uid := uint32(4242)
	go Run(b.Path(), theirs, theirs, Options{Userid: &uid})
	mine.SetReadDeadline(time.Now().Add(ioTimeout))
	if err := stream.ReadAuth(mine); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, conn: mine, r: stream.NewReader(mine)}
	req := request("broker.ping", 3, `{}`)
	req.Userid, req.Rolemask = 0, msg.RoleOwner // overwritten by the relay
	c.send(req)
	s, _, _ := c.recv().String()
	var p struct{ Userid, Rolemask uint32 }
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.Userid != 4242 || p.Rolemask != msg.RoleOwner|msg.RoleLocal {
		t.Fatalf("ping payload %s", s)
	}
}
