package runtime_test

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

var (
	relayOnce sync.Once
	relayBin  string
	relayErr  error
	relayDir  string
)

// buildRelay builds cmd/fluxrelay once per test binary.
func buildRelay(t *testing.T) string {
	t.Helper()
	relayOnce.Do(func() {
		relayDir, relayErr = os.MkdirTemp("", "fluxrelay-test")
		if relayErr != nil {
			return
		}
		relayBin = filepath.Join(relayDir, "fluxrelay")
		gobin := filepath.Join(goruntime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			gobin = "go"
		}
		out, err := exec.Command(gobin, "build", "-o", relayBin, "github.com/fluxgo/fluxgo/cmd/fluxrelay").CombinedOutput()
		if err != nil {
			relayErr = err
			relayBin = string(out)
		}
	})
	if relayErr != nil {
		t.Skipf("cannot build fluxrelay: %v %s", relayErr, relayBin)
	}
	return relayBin
}

// sshToRelay points the ssh connector at a fake remote shell that runs the
// remote command locally, with FLUX_SSH_RCMD = our fluxrelay.
func sshToRelay(t *testing.T) {
	t.Helper()
	for _, k := range []string{"FLUX_URI", "FLUX_HANDLE_USERID", "FLUX_HANDLE_ROLEMASK", "FLUX_HANDLE_TRACE", "LD_LIBRARY_PATH"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Cleanup(func() { os.Setenv(k, v) })
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	ssh := filepath.Join(dir, "fakessh")
	script := "#!/bin/sh\nif [ \"$1\" = \"-p\" ]; then shift 2; fi\nshift\nexec \"$@\"\n"
	if err := os.WriteFile(ssh, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLUX_SSH", ssh)
	t.Setenv("FLUX_SSH_RCMD", buildRelay(t))
}

func startTestBroker(t *testing.T) *broker.Broker {
	t.Helper()
	return brokertest.Start(t, broker.Options{Attrs: map[string]string{"test.color": "blue"}})
}

func openURI(t *testing.T, uri string) *fluxrt.Handle {
	t.Helper()
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		t.Fatalf("Open(%q): %v", uri, err)
	}
	t.Cleanup(h.Close)
	return h
}

func newReq(topic string, tag uint32, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeRequest)
	m.SetTopic(topic)
	m.SetString(payload)
	m.Aux2 = tag
	return m
}

// rpc sends a request and waits for the response with its matchtag.
func rpc(t *testing.T, h *fluxrt.Handle, topic, payload string) *msg.Message {
	t.Helper()
	tag := h.MatchtagAlloc()
	defer h.MatchtagFree(tag)
	if err := h.Send(newReq(topic, tag, payload), 0); err != nil {
		t.Fatalf("send %s: %v", topic, err)
	}
	m, err := h.Recv(fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: tag}, 0)
	if err != nil {
		t.Fatalf("recv %s: %v", topic, err)
	}
	return m
}

// relayConn returns the broker connection of the relay (the one whose
// peer is not this process).
func relayConn(t *testing.T, b *broker.Broker) broker.ConnInfo {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, c := range b.Connections() {
			if int(c.Pid) != os.Getpid() {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no relay connection at the broker")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSSHThroughRelay(t *testing.T) {
	sshToRelay(t)
	b := startTestBroker(t)
	h := openURI(t, "ssh://someone@localhost:2222"+b.Path())

	// Attribute RPCs.
	if rank, err := h.GetRank(); err != nil || rank != 0 {
		t.Fatalf("GetRank = %d, %v", rank, err)
	}
	if v, err := h.AttrGet("test.color"); err != nil || v != "blue" {
		t.Fatalf("AttrGet = %q, %v", v, err)
	}
	if _, err := h.AttrGet("no-such-attr"); fluxrt.ErrnoOf(err) != syscall.ENOENT {
		t.Fatalf("AttrGet(no-such-attr) = %v, want ENOENT", err)
	}
	// Raw request: the route shows client, relay connection, module, broker.
	m := rpc(t, h, "broker.ping", `{}`)
	s, _, _ := m.String()
	if m.Errnum() != 0 || strings.Count(s, "!") != 3 {
		t.Fatalf("broker.ping: errnum %d payload %s", m.Errnum(), s)
	}

	// Events, published by another client straight at the broker.
	if r := rpc(t, h, "event.subscribe", `{"topic":"hb"}`); r.Errnum() != 0 {
		t.Fatalf("event.subscribe errnum %d", r.Errnum())
	}
	pub := openURI(t, b.URI())
	ev, _ := msg.New(msg.TypeEvent)
	ev.SetTopic("hb.tick")
	if err := pub.Send(ev, 0); err != nil {
		t.Fatal(err)
	}
	got, err := h.Recv(fluxrt.Match{TypeMask: int(msg.TypeEvent)}, 0)
	if err != nil || got.Topic != "hb.tick" {
		t.Fatalf("event: %v %v", got, err)
	}

	// A service registered over ssh answers a local caller.
	if r := rpc(t, h, "service.add", `{"service":"remote"}`); r.Errnum() != 0 {
		t.Fatalf("service.add errnum %d", r.Errnum())
	}
	if err := pub.Send(newReq("remote.hello", 9, `{}`), 0); err != nil {
		t.Fatal(err)
	}
	req, err := h.Recv(fluxrt.Match{TypeMask: int(msg.TypeRequest)}, 0)
	if err != nil || req.Topic != "remote.hello" {
		t.Fatalf("service request: %v %v", req, err)
	}
	rsp := req.Copy(false)
	rsp.SetType(msg.TypeResponse)
	rsp.SetString(`{"answer":42}`)
	if err := h.Send(rsp, 0); err != nil {
		t.Fatal(err)
	}
	r, err := pub.Recv(fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: 9}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s, _, _ := r.String(); s != `{"answer":42}` {
		t.Fatalf("service response %q", s)
	}
}

// TestSSHRelayReconnect: when the relay dies, the handle reports the
// error, and Reconnect starts a new ssh child and relay.
func TestSSHRelayReconnect(t *testing.T) {
	sshToRelay(t)
	b := startTestBroker(t)
	h := openURI(t, "ssh://localhost"+b.Path())
	if _, err := h.AttrGet("test.color"); err != nil {
		t.Fatal(err)
	}
	first := relayConn(t, b)
	if err := syscall.Kill(int(first.Pid), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tag := h.MatchtagAlloc()
	_ = h.Send(newReq("broker.ping", tag, `{}`), 0)
	if _, err := h.Recv(fluxrt.Match{}, 0); err == nil {
		t.Fatal("Recv succeeded after the relay was killed")
	} else if e := fluxrt.ErrnoOf(err); e != syscall.ECONNRESET && e != syscall.EIO {
		t.Fatalf("Recv after relay death: %v", err)
	}
	if err := h.Reconnect(); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	m := rpc(t, h, "attr.get", `{"name":"rank"}`)
	if m.Errnum() != 0 {
		t.Fatalf("attr.get after reconnect: errnum %d", m.Errnum())
	}
	if second := relayConn(t, b); second.Pid == first.Pid || second.UUID == first.UUID {
		t.Fatalf("same relay after reconnect: %+v", second)
	}
	// The killed relay is gone for good.
	if _, err := os.Stat("/proc/" + strconv.Itoa(int(first.Pid))); err == nil {
		t.Fatalf("old relay %d still exists", first.Pid)
	}
}

// TestSSHRelayErrors: failures on the remote side reach Open's error text.
func TestSSHRelayErrors(t *testing.T) {
	sshToRelay(t)
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0") // inherited by the relay
	host, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	_, err = fluxrt.Open(strPtr("ssh://localhost/nonexistent/sock"), 0)
	want := host + ": local:///nonexistent/sock: No such file or directory"
	if fluxrt.ErrnoOf(err) != syscall.ECONNRESET || fluxrt.ErrorText(err) != want {
		t.Fatalf("Open = errno %v text %q, want ECONNRESET %q", fluxrt.ErrnoOf(err), fluxrt.ErrorText(err), want)
	}
}

func strPtr(s string) *string { return &s }
