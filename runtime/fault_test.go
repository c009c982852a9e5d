package runtime_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	rt "runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/broker"
	"github.com/fluxgo/fluxgo/internal/brokertest"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// These tests drive the runtime against the stand-in broker's fault
// injection (broker/fault.go).

func openStandIn(t *testing.T, b *broker.Broker, flags int) *fluxrt.Handle {
	t.Helper()
	uri := b.URI()
	h, err := fluxrt.Open(&uri, flags)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// onlyConn returns the UUID of the broker's single client connection.
func onlyConn(t *testing.T, b *broker.Broker) string {
	t.Helper()
	conns := b.Connections()
	for deadline := time.Now().Add(5 * time.Second); len(conns) == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the broker registers it just after auth
		conns = b.Connections()
	}
	if len(conns) != 1 {
		t.Fatalf("broker has %d connections, want 1", len(conns))
	}
	return conns[0].UUID
}

// commsErrors records the comms-error callback's calls; the callback
// returns the error (nothing fixed).
type commsErrors struct {
	mu   sync.Mutex
	errs []error
}

func (c *commsErrors) install(h *fluxrt.Handle) {
	h.CommsErrorSet(func(_ *fluxrt.Handle, err error) error {
		c.mu.Lock()
		c.errs = append(c.errs, err)
		c.mu.Unlock()
		return err
	})
}

func (c *commsErrors) list() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

// getWithin waits for f on the C library's path, failing the test if it
// takes longer than d.
func getWithin(t *testing.T, f *fluxrt.Future, d time.Duration) error {
	t.Helper()
	if err := f.WaitFor(d.Seconds()); errors.Is(err, syscall.ETIMEDOUT) {
		t.Fatalf("no result within %v", d)
	} else if err != nil {
		return err // receiving failed
	}
	_, err := f.RPCGet()
	return err
}

// TestFaultCorruptResponses: each damaged response reaches the caller as
// an error with the right errno through the comms-error callback; nothing
// panics. A bad body (BadProto) costs only that message: the stream goes
// on.
func TestFaultCorruptResponses(t *testing.T) {
	for _, tc := range []struct {
		kind      broker.Corruption
		errno     syscall.Errno
		recovered bool // later messages still arrive on the same connection
	}{
		{broker.BadMagic, syscall.EPROTO, false},
		{broker.BadProto, syscall.EPROTO, true},
		{broker.Truncated, syscall.ECONNRESET, false},
		{broker.Oversized, syscall.EMSGSIZE, false},
	} {
		t.Run(fmt.Sprint(tc.kind), func(t *testing.T) {
			b := brokertest.Start(t)
			h := openStandIn(t, b, 0)
			var ce commsErrors
			ce.install(h)
			b.CorruptNextResponse("broker.ping", tc.kind)
			f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Destroy()
			err = getWithin(t, f, 5*time.Second)
			if tc.recovered {
				// The damaged response was dropped; the RPC is still
				// waiting and the connection works.
				if !errors.Is(err, syscall.EPROTO) {
					t.Fatalf("wait over a bad body: %v, want EPROTO", err)
				}
				f2, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f2.Destroy()
				if err := getWithin(t, f2, 5*time.Second); err != nil {
					t.Fatalf("after a bad body the connection should work: %v", err)
				}
			} else if !errors.Is(err, tc.errno) {
				t.Fatalf("got %v, want %v", err, tc.errno)
			}
			errs := ce.list()
			if len(errs) == 0 || !errors.Is(errs[0], tc.errno) {
				t.Fatalf("comms-error callback got %v, want %v first", errs, tc.errno)
			}
		})
	}
}

// TestFaultHugeHeaderNoAlloc: a frame header announcing 1 GiB (the
// largest accepted) followed by a few bytes and a hang-up ends in
// ECONNRESET without the client allocating anything like 1 GiB; one byte
// more is EMSGSIZE at once.
func TestFaultHugeHeaderNoAlloc(t *testing.T) {
	for _, tc := range []struct {
		size  uint32
		errno syscall.Errno
	}{{msg.MaxFrameSize, syscall.ECONNRESET}, {msg.MaxFrameSize + 1, syscall.EMSGSIZE}} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			b := brokertest.Start(t)
			h := openStandIn(t, b, 0)
			var ce commsErrors
			ce.install(h)
			conn := onlyConn(t, b)
			hdr := binary.LittleEndian.AppendUint32(nil, stream.Magic)
			hdr = binary.BigEndian.AppendUint32(hdr, tc.size)
			hdr = append(hdr, make([]byte, 4096)...)
			var before, after rt.MemStats
			rt.GC()
			rt.ReadMemStats(&before)
			if err := b.SendRaw(conn, hdr); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			if tc.errno == syscall.ECONNRESET {
				if err := b.DropConnection(conn); err != nil {
					t.Fatal(err)
				}
			}
			_, err := h.Recv(fluxrt.Match{TypeMask: 0}, 0)
			rt.ReadMemStats(&after)
			if !errors.Is(err, tc.errno) {
				t.Fatalf("Recv: %v, want %v", err, tc.errno)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
				t.Fatalf("client allocated %d bytes for a frame it never received", grew)
			}
			if errs := ce.list(); len(errs) == 0 || !errors.Is(errs[0], tc.errno) {
				t.Fatalf("comms-error callback got %v", errs)
			}
		})
	}
}

// TestFaultSendTooLarge: a message over msg.MaxFrameSize is refused with
// EMSGSIZE before anything is written; the handle keeps working.
func TestFaultSendTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 1 GiB")
	}
	b := brokertest.Start(t)
	h := openStandIn(t, b, 0)
	big := make([]byte, msg.MaxFrameSize)
	_, err := h.RPC("broker.ping", big, msg.NodeIDAny, 0)
	if !errors.Is(err, syscall.EMSGSIZE) {
		t.Fatalf("RPC with a 1 GiB payload: %v, want EMSGSIZE", err)
	}
	big = nil
	rt.GC()
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := getWithin(t, f, 5*time.Second); err != nil {
		t.Fatalf("handle broken after EMSGSIZE: %v", err)
	}
}

// TestFaultBrokerKilledMidStream: RPCs in flight when the broker goes
// away end with ECONNRESET (through the comms-error callback), and so do
// later sends; no hang, no panic.
func TestFaultBrokerKilledMidStream(t *testing.T) {
	b := brokertest.Start(t)
	h := openStandIn(t, b, 0)
	var ce commsErrors
	ce.install(h)
	b.HoldResponses("broker.ping")
	var fs []*fluxrt.Future
	for range 50 {
		f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.HeldResponses() < len(fs) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	b.Close()
	for i, f := range fs {
		if err := getWithin(t, f, 5*time.Second); !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("RPC %d: %v, want ECONNRESET", i, err)
		}
		f.Destroy()
	}
	if errs := ce.list(); len(errs) == 0 || !errors.Is(errs[0], syscall.ECONNRESET) {
		t.Fatalf("comms-error callback got %v", errs)
	}
	// Sending to the dead broker: EPIPE or ECONNRESET, never a signal.
	for range 20 {
		_, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
		if err == nil {
			continue // the kernel may still take a write or two
		}
		if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("send after broker death: %v", err)
		}
	}
}

// TestFaultPeerClosesDuringWrite: the peer of an fd:// handle hangs up
// while the client is writing large messages. Writes fail with EPIPE or
// ECONNRESET (EIO if seen by the poll) and the process gets no SIGPIPE
// (the test would die).
func TestFaultPeerClosesDuringWrite(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.Write(fds[1], []byte{0}); err != nil { // auth byte
		t.Fatal(err)
	}
	uri := fmt.Sprintf("fd://%d", fds[0])
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// Read a little, then hang up while the client is mid-frame.
	peerDone := make(chan struct{})
	defer func() { <-peerDone }()
	go func() {
		defer close(peerDone)
		buf := make([]byte, 64<<10)
		_, _ = unix.Read(fds[1], buf)
		unix.Close(fds[1])
	}()
	m, _ := msg.New(msg.TypeEvent)
	m.SetTopic("big")
	m.SetPayload(make([]byte, 4<<20))
	var last error
	for range 50 {
		if last = h.Send(m, 0); last != nil {
			break
		}
	}
	// EIO when the hang-up is seen while waiting for POLLOUT (as
	// flux-core's usock client reports a poll error), else the write's
	// own EPIPE or ECONNRESET.
	if !errors.Is(last, syscall.EPIPE) && !errors.Is(last, syscall.ECONNRESET) && !errors.Is(last, syscall.EIO) {
		t.Fatalf("Send to a closed peer: %v, want EPIPE, ECONNRESET or EIO", last)
	}
	// A closed peer found by the write itself is EPIPE, not SIGPIPE.
	for range 3 {
		if err := h.Send(m, 0); !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("Send after hang-up: %v, want EPIPE or ECONNRESET", err)
		}
	}
}

// TestFaultEINTR: signals delivered to the thread blocked in Recv (and in
// a future's wait) do not make the call fail with EINTR. SIGURG has the Go
// runtime's handler installed (it is the preemption signal), so it
// interrupts poll(2) without signal.Notify, whose goroutine would outlive
// the test.
func TestFaultEINTR(t *testing.T) {
	b := brokertest.Start(t)
	h := openStandIn(t, b, 0)

	b.HoldResponses("broker.ping")
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	type result struct {
		m   *msg.Message
		err error
	}
	tidCh := make(chan int, 1)
	done := make(chan result, 1)
	go func() {
		rt.LockOSThread()
		defer rt.UnlockOSThread()
		tidCh <- unix.Gettid()
		m, err := h.Recv(fluxrt.Match{TypeMask: int(msg.TypeResponse), Matchtag: msg.MatchtagNone, TopicGlob: "broker.ping"}, 0)
		done <- result{m, err}
	}()
	tid := <-tidCh
	pid := os.Getpid()
	for range 20 {
		if err := unix.Tgkill(pid, tid, unix.SIGURG); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("Recv returned early: %v %v", r.m, r.err)
	default:
	}
	b.ReleaseResponses()
	select {
	case r := <-done:
		if r.err != nil || r.m == nil || r.m.Topic != "broker.ping" {
			t.Fatalf("Recv after signals: %+v %v", r.m, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Recv never returned")
	}
}

// TestFaultEINTRFutureWait: the same for the C library's future wait.
func TestFaultEINTRFutureWait(t *testing.T) {
	b := brokertest.Start(t)
	h := openStandIn(t, b, 0)
	b.HoldResponses("broker.ping")
	f, err := h.RPC("broker.ping", []byte("{}\x00"), msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	tidCh := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		rt.LockOSThread()
		defer rt.UnlockOSThread()
		tidCh <- unix.Gettid()
		_, err := f.RPCGet()
		done <- err
	}()
	tid := <-tidCh
	for range 20 {
		_ = unix.Tgkill(os.Getpid(), tid, unix.SIGURG)
		time.Sleep(2 * time.Millisecond)
	}
	b.ReleaseResponses()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RPCGet after signals: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RPCGet never returned")
	}
}

// TestFaultCorruptNoPanicSweep throws assorted garbage at a client and
// checks that each ends in an errno error, never a panic or a hang.
func TestFaultCorruptNoPanicSweep(t *testing.T) {
	good, _ := stream.AppendFrame(nil, func() *msg.Message {
		m, _ := msg.New(msg.TypeEvent)
		m.SetTopic("x")
		return m
	}())
	for i, junk := range [][]byte{
		{0xff, 0xff, 0xff, 0xff},
		append(append([]byte(nil), good[:8]...), []byte(strings.Repeat("\x00", len(good)-8))...),
		append(append([]byte(nil), good[:4]...), 0, 0, 0, 0),
		good[:len(good)-1],
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			b := brokertest.Start(t)
			h := openStandIn(t, b, 0)
			conn := onlyConn(t, b)
			if err := b.SendRaw(conn, junk); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
			_ = b.DropConnection(conn)
			for range 3 {
				m, err := h.Recv(fluxrt.Match{TypeMask: 0}, 0)
				if err == nil {
					if m.Type == msg.TypeEvent {
						continue
					}
					t.Fatalf("got %+v from garbage", m)
				}
				if fluxrt.ErrnoOf(err) == 0 {
					t.Fatalf("error without errno: %v", err)
				}
				return
			}
		})
	}
}
