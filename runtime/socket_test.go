package runtime

import (
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

func TestLocalAttrGet(t *testing.T) {
	clearHandleEnv(t)
	var n atomic.Int32
	immutable := attrServer(map[string]string{"rank": "3", "size": "8"}, true)
	mutable := attrServer(map[string]string{"version": "0.88.0"}, false)
	s := startServer(t, func(s *testServer, c *serverConn, m *msg.Message) {
		n.Add(1)
		if strings.Contains(string(m.Payload), "version") {
			mutable(s, c, m)
		} else {
			immutable(s, c, m)
		}
	})
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	for i := 0; i < 3; i++ {
		if r, err := h.GetRank(); err != nil || r != 3 {
			t.Fatal(r, err)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("immutable attr fetched %d times", n.Load())
	}
	for i := 0; i < 2; i++ {
		if v, err := h.AttrGet("version"); err != nil || v != "0.88.0" {
			t.Fatal(v, err)
		}
	}
	if n.Load() != 3 {
		t.Fatalf("mutable attr requests %d, want 3 total", n.Load())
	}
	if _, err := h.AttrGet("nosuch"); !isErrno(err, syscall.ENOENT) {
		t.Fatal(err)
	}
	// Every RPC used (and freed) matchtag 1.
	c := s.nextConn(t)
	for i := 0; i < 4; i++ {
		m := recvTimeout(t, c.rx, "request")
		if m.Matchtag() != 1 || m.Userid != msg.UseridUnknown || m.Rolemask != 0 {
			t.Fatalf("request %d: tag %d creds %d/%d", i, m.Matchtag(), m.Userid, m.Rolemask)
		}
	}
	if h.MatchtagAvail() != 1023 {
		t.Fatal("tag leaked")
	}
	// A clone has its own cache: one more RPC.
	cl, _ := h.Clone()
	defer cl.Close()
	if r, err := cl.GetRank(); err != nil || r != 3 {
		t.Fatal(r, err)
	}
	if n.Load() != 5 {
		t.Fatalf("clone did not fetch rank: %d", n.Load())
	}
}

func TestProxyRemoteParentURI(t *testing.T) {
	clearHandleEnv(t)
	s := startServer(t, attrServer(map[string]string{"parent-uri": "local:///run/flux/local"}, true))
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	t.Setenv("FLUX_PROXY_REMOTE", "user@host")
	if v, err := h.AttrGet("parent-uri"); err != nil || v != "ssh://user@host/run/flux/local" {
		t.Fatal(v, err)
	}
}

func TestLocalTestingCredentials(t *testing.T) {
	clearHandleEnv(t)
	s := startServer(t, nil)
	t.Setenv("FLUX_HANDLE_ROLEMASK", "0x2")
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	c := s.nextConn(t)
	_ = h.Send(newEvent("a"), 0)
	m := recvTimeout(t, c.rx, "event")
	// Once either option is set, both fields are overwritten.
	if m.Userid != msg.UseridUnknown || m.Rolemask != 2 {
		t.Fatalf("creds %#x %#x", m.Userid, m.Rolemask)
	}
	_ = h.OptSet(OptTestingUserid, uint32Bytes(1000))
	orig := newEvent("b")
	orig.Userid, orig.Rolemask = 7, 7
	_ = h.Send(orig, 0)
	m = recvTimeout(t, c.rx, "event")
	if m.Userid != 1000 || m.Rolemask != 2 || orig.Userid != 7 {
		t.Fatalf("creds %d %d (orig %d)", m.Userid, m.Rolemask, orig.Userid)
	}
	if err := h.OptSet(OptTestingUserid, []byte{1}); !isErrno(err, syscall.EINVAL) {
		t.Fatal(err)
	}
	if _, err := h.OptGet(OptTestingUserid, 4); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("local has no getopt: %v", err)
	}
}

// socketPair returns a connected pair; the caller owns both.
func socketPair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fds[0], fds[1]
}

// openFDPair opens fd:// on one end of a socketpair after writing the
// auth byte from the other; it returns the handle and the peer fd.
func openFDPair(t *testing.T, flags int) (*Handle, int) {
	t.Helper()
	a, b := socketPair(t)
	if _, err := unix.Write(b, []byte{0}); err != nil {
		t.Fatal(err)
	}
	h := mustOpen(t, "fd://"+strconv.Itoa(a), flags)
	t.Cleanup(func() { unix.Close(b) })
	return h, b
}

func TestFDSendRecv(t *testing.T) {
	clearHandleEnv(t)
	h, peer := openFDPair(t, 0)
	defer h.Close()
	if err := h.OptSet(OptTestingUserid, uint32Bytes(1)); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("fd has no options: %v", err)
	}
	wantErrno(t, h.Reconnect(), syscall.ENOSYS, "")
	// Client to peer.
	req := newRequest("svc.x", 4, `{"k":"v"}`)
	if err := h.Send(req, 0); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := unix.Read(peer, buf)
	var asm stream.Assembler
	asm.Feed(buf[:n])
	got, err := asm.Next()
	if err != nil || got == nil || !got.Equal(req) {
		t.Fatalf("peer got %+v %v", got, err)
	}
	// Peer to client, split into single bytes to exercise reassembly.
	rep, _ := deriveResponse(req, 0)
	frame, _ := stream.AppendFrame(nil, rep)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range frame {
			unix.Write(peer, frame[i:i+1])
			time.Sleep(100 * time.Microsecond)
		}
	}()
	m, err := h.Recv(Match{TypeMask: int(msg.TypeResponse), Matchtag: 4}, 0)
	if err != nil || !m.Equal(rep) {
		t.Fatalf("recv %+v %v", m, err)
	}
	<-done
	// NONBLOCK with nothing pending.
	if _, err := h.Recv(Match{}, ONonblock); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatal(err)
	}
	// Bad magic: EPROTO.
	unix.Write(peer, []byte{1, 2, 3, 4, 0, 0, 0, 0})
	if _, err := h.Recv(Match{}, 0); !isErrno(err, syscall.EPROTO) {
		t.Fatalf("bad magic: %v", err)
	}
}

func TestFDPeerClosed(t *testing.T) {
	clearHandleEnv(t)
	t.Run("pollevents 7", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		if ev, err := h.PollEvents(); err != nil || ev != PollIn|PollOut|PollErr {
			t.Fatalf("pollevents %d %v", ev, err)
		}
		// With a callback that returns nil, POLLERR is removed.
		var got error
		h.CommsErrorSet(func(root *Handle, err error) error { got = err; return nil })
		if ev, _ := h.PollEvents(); ev != PollIn|PollOut {
			t.Fatalf("pollevents %d", ev)
		}
		wantErrno(t, got, syscall.ECONNRESET, "")
	})
	t.Run("nonblocking read of EOF", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		_, err := h.Recv(Match{}, ONonblock)
		wantErrno(t, err, syscall.ECONNRESET, "")
	})
	t.Run("blocked recv hangup is EIO", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		go func() {
			time.Sleep(50 * time.Millisecond)
			unix.Close(peer)
		}()
		_, err := h.Recv(Match{}, 0)
		wantErrno(t, err, syscall.EIO, "")
	})
	t.Run("send EPIPE", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		var calls int
		h.CommsErrorSet(func(root *Handle, err error) error {
			calls++
			if root != h {
				t.Error("callback not given the root")
			}
			return err
		})
		wantErrno(t, h.Send(newEvent("x"), 0), syscall.EPIPE, "")
		if calls != 1 {
			t.Fatalf("callback calls %d", calls)
		}
	})
}

func TestNonblockPartialSend(t *testing.T) {
	clearHandleEnv(t)
	h, peer := openFDPair(t, ONonblock)
	defer h.Close()
	_ = unix.SetsockoptInt(peer, unix.SOL_SOCKET, unix.SO_RCVBUF, 4096)
	big := newEvent("big")
	big.SetPayload(make([]byte, 1<<20))
	var eagain []error
	h.CommsErrorSet(func(root *Handle, err error) error { eagain = append(eagain, err); return err })
	err := h.Send(big, 0)
	wantErrno(t, err, syscall.EAGAIN, "")
	if len(eagain) != 1 || !isErrno(eagain[0], syscall.EAGAIN) {
		t.Fatalf("callback not consulted with EAGAIN: %v", eagain)
	}
	h.CommsErrorSet(nil)
	// Read everything on the peer side while retrying with the same
	// message; then send a small one.
	var asm stream.Assembler
	var got []*msg.Message
	readAvail := func() {
		buf := make([]byte, 1<<16)
		for {
			n, err := unix.Read(peer, buf)
			if n <= 0 || err != nil {
				return
			}
			asm.Feed(buf[:n])
		}
	}
	_ = unix.SetNonblock(peer, true)
	for {
		readAvail()
		err := h.Send(big, 0)
		if err == nil {
			break
		}
		if !isErrno(err, syscall.EAGAIN) {
			t.Fatal(err)
		}
	}
	small := newEvent("small")
	for h.Send(small, 0) != nil {
		readAvail()
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		readAvail()
		for {
			m, err := asm.Next()
			if err != nil {
				t.Fatal(err)
			}
			if m == nil {
				break
			}
			got = append(got, m)
		}
	}
	if len(got) != 2 || got[0].Topic != "big" || len(got[0].Payload) != 1<<20 || got[1].Topic != "small" {
		t.Fatalf("peer got %d messages", len(got))
	}
	if asm.Buffered() != 0 {
		t.Fatal("extra bytes after the two frames")
	}
}

func TestCloseWakesBlockedRecv(t *testing.T) {
	clearHandleEnv(t)
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (*Handle, func())
	}{
		{"fd", func(t *testing.T) (*Handle, func()) { h, _ := openFDPair(t, 0); return h, func() {} }},
		{"interthread", func(t *testing.T) (*Handle, func()) {
			a := mustOpen(t, "interthread://wake", 0)
			b := mustOpen(t, "interthread://wake", 0)
			return a, b.Close
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, cleanup := tc.open(t)
			defer cleanup()
			errc := make(chan error, 1)
			go func() {
				_, err := h.Recv(Match{}, 0)
				errc <- err
			}()
			time.Sleep(50 * time.Millisecond)
			select {
			case err := <-errc:
				t.Fatalf("Recv returned early: %v", err)
			default:
			}
			h.Close()
			err := recvTimeout(t, errc, "Recv to return")
			wantErrno(t, err, syscall.ENOSYS, "")
		})
	}
}

func TestCloseWakesBlockedSend(t *testing.T) {
	clearHandleEnv(t)
	h, peer := openFDPair(t, 0)
	_ = unix.SetsockoptInt(peer, unix.SOL_SOCKET, unix.SO_RCVBUF, 4096)
	big := newEvent("big")
	big.SetPayload(make([]byte, 4<<20))
	errc := make(chan error, 1)
	go func() { errc <- h.Send(big, 0) }()
	time.Sleep(50 * time.Millisecond)
	h.Close()
	wantErrno(t, recvTimeout(t, errc, "Send to return"), syscall.ENOSYS, "")
}

func TestRequeueWakesBlockedRecv(t *testing.T) {
	clearHandleEnv(t)
	h, _ := openFDPair(t, 0)
	defer h.Close()
	got := make(chan string, 1)
	go func() {
		m, err := h.Recv(Match{}, 0)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- m.Topic
	}()
	time.Sleep(50 * time.Millisecond)
	_ = h.Requeue(newEvent("requeued"), RQTail)
	if s := recvTimeout(t, got, "Recv"); s != "requeued" {
		t.Fatalf("got %q", s)
	}
}

func TestCommsErrorCallback(t *testing.T) {
	clearHandleEnv(t)
	t.Run("retry after fix", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		calls := 0
		h.CommsErrorSet(func(root *Handle, err error) error {
			calls++
			if calls == 1 {
				wantErrno(t, err, syscall.ECONNRESET, "")
				// "Fix" the problem: put a message where Recv will
				// look next.
				_ = root.Requeue(newEvent("fixed"), RQTail)
				return nil
			}
			return err
		})
		m, err := h.Recv(Match{}, ONonblock)
		if err != nil || m.Topic != "fixed" || calls != 1 {
			t.Fatalf("%v %v calls=%d", m, err, calls)
		}
	})
	t.Run("callback error is returned", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		h.CommsErrorSet(func(root *Handle, err error) error { return ErrnoError(syscall.EHOSTDOWN) })
		_, err := h.Recv(Match{}, ONonblock)
		wantErrno(t, err, syscall.EHOSTDOWN, "")
		h.CommsErrorSet(func(root *Handle, err error) error { return errors.New("no errno") })
		_, err = h.Recv(Match{}, ONonblock)
		wantErrno(t, err, syscall.ECONNRESET, "no errno")
	})
	t.Run("re-entrancy guard", func(t *testing.T) {
		h, peer := openFDPair(t, 0)
		defer h.Close()
		unix.Close(peer)
		calls := 0
		var nested error
		c, _ := h.Clone()
		defer c.Close()
		// Installed through a clone: stored on the root.
		c.CommsErrorSet(func(root *Handle, err error) error {
			calls++
			nested = root.Send(newEvent("again"), 0)
			return err
		})
		_, err := h.Recv(Match{}, ONonblock)
		wantErrno(t, err, syscall.ECONNRESET, "")
		if calls != 1 {
			t.Fatalf("callback re-entered: %d calls", calls)
		}
		wantErrno(t, nested, syscall.EPIPE, "")
	})
}

func TestReconnectRPCTrack(t *testing.T) {
	clearHandleEnv(t)
	s := startServer(t, nil)
	h := mustOpen(t, "local://"+s.path, ORPCTrack)
	defer h.Close()
	c1 := s.nextConn(t)

	hang := newRequest("capsvc.hang", 1, `{}`)
	stream1 := newRequest("capsvc.stream", 2, "")
	stream1.Flags |= msg.FlagStreaming
	noresp := newRequest("capsvc.fire", 0, "")
	noresp.Flags |= msg.FlagNoResponse
	done := newRequest("capsvc.done", 3, "")
	for _, m := range []*msg.Message{hang, stream1, noresp, done} {
		if err := h.Send(m, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 4; i++ {
		recvTimeout(t, c1.rx, "request")
	}
	// Answer "done" (untracks it) and send a non-final streaming
	// response (keeps stream1 tracked).
	respond(c1, done, 0, "")
	srep, _ := deriveResponse(stream1, 0)
	_ = c1.send(srep)
	for i := 0; i < 2; i++ {
		if _, err := h.Recv(Match{TypeMask: int(msg.TypeResponse)}, 0); err != nil {
			t.Fatal(err)
		}
	}
	s.dropConns()
	// The broken connection reaches the callback, which reconnects.
	var cbErr error
	h.CommsErrorSet(func(root *Handle, err error) error {
		cbErr = err
		return root.Reconnect()
	})
	m1, err := h.Recv(Match{TypeMask: int(msg.TypeResponse), Matchtag: 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !isErrno(cbErr, syscall.ECONNRESET) && !isErrno(cbErr, syscall.EIO) {
		t.Fatalf("callback error %v", cbErr)
	}
	m2, err := h.Recv(Match{TypeMask: int(msg.TypeResponse)}, ONonblock)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		m     *msg.Message
		topic string
		tag   uint32
		flags uint8
	}{
		{m1, "capsvc.hang", 1, msg.FlagTopic | msg.FlagPayload | msg.FlagRoute},
		{m2, "capsvc.stream", 2, msg.FlagTopic | msg.FlagPayload | msg.FlagRoute | msg.FlagStreaming},
	} {
		s, ok, _ := tc.m.String()
		if tc.m.Topic != tc.topic || tc.m.Matchtag() != tc.tag || tc.m.Errnum() != 104 || !ok ||
			s != "RPC aborted due to broker reconnect" || tc.m.Userid != 0 || tc.m.Rolemask != 1 ||
			tc.m.Flags != tc.flags {
			t.Fatalf("synthesized response %+v", tc.m)
		}
	}
	if _, err := h.Recv(Match{}, ONonblock); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("extra message: %v", err)
	}
	if got := h.Msgcounters().ResponseRx; got != 4 {
		t.Fatalf("response_rx %d", got)
	}
	// The new connection works.
	c2 := s.nextConn(t)
	_ = h.Send(newEvent("after"), 0)
	if m := recvTimeout(t, c2.rx, "event"); m.Topic != "after" {
		t.Fatal(m.Topic)
	}
}

func TestReconnectTraceAndPollFD(t *testing.T) {
	clearHandleEnv(t)
	buf := captureDiag(t)
	s := startServer(t, nil)
	h := mustOpen(t, "local://"+s.path, ORPCTrack|OTrace)
	defer h.Close()
	s.nextConn(t)
	fd, err := h.PollFD()
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Send(newRequest("capsvc.hang", 1, ""), 0)
	if err := h.Reconnect(); err != nil {
		t.Fatal(err)
	}
	c2 := s.nextConn(t)
	out := normalizeTrace(buf.String())
	want := `--------------------------------------
c T
c trying to reconnect
--------------------------------------
c T
c reconnected
--------------------------------------
c T
c responded to tracked rpc topic=capsvc.hang
`
	if !strings.HasSuffix(out, want) {
		t.Fatalf("trace:\n%s", out)
	}
	// Drain the synthesized response, then check the new socket is in
	// the epoll set: a message from the server wakes the pollfd.
	if _, err := h.Recv(Match{}, 0); err != nil {
		t.Fatal(err)
	}
	_, _ = h.PollEvents()
	_ = c2.send(newEvent("hello"))
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if n, _ := unix.Poll(p, 5000); n != 1 {
		t.Fatal("pollfd not woken by the new connection")
	}
	if ev, _ := h.PollEvents(); ev&PollIn == 0 {
		t.Fatalf("pollevents %d", ev)
	}

	// Reconnect failure.
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0")
	s.closeListener()
	s.dropConns()
	err = h.Reconnect()
	if !isErrno(err, syscall.ENOENT) && !isErrno(err, syscall.ECONNREFUSED) {
		t.Fatalf("reconnect to nothing: %v", err)
	}
	if !strings.HasSuffix(buf.String(), "c reconnect failed\n") {
		t.Fatalf("no failure trace: %q", buf.String())
	}
}

func TestReconnectWithoutPollFD(t *testing.T) {
	clearHandleEnv(t)
	s := startServer(t, nil)
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	s.nextConn(t)
	// No RPCTRACK: no synthesized responses.
	_ = h.Send(newRequest("x.y", 1, ""), 0)
	if err := h.Reconnect(); err != nil {
		t.Fatalf("reconnect without pollfd: %v", err)
	}
	c2 := s.nextConn(t)
	_ = h.Send(newEvent("z"), 0)
	if m := recvTimeout(t, c2.rx, "event"); m.Topic != "z" {
		t.Fatal(m.Topic)
	}
	if _, err := h.Recv(Match{}, ONonblock); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatal(err)
	}
}

func TestReconnectWakesBlockedRecv(t *testing.T) {
	clearHandleEnv(t)
	s := startServer(t, nil)
	h := mustOpen(t, "local://"+s.path, 0)
	defer h.Close()
	s.nextConn(t)
	got := make(chan string, 1)
	go func() {
		m, err := h.Recv(Match{}, 0)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- m.Topic
	}()
	time.Sleep(50 * time.Millisecond)
	if err := h.Reconnect(); err != nil {
		t.Fatal(err)
	}
	c2 := s.nextConn(t)
	_ = c2.send(newEvent("on-new-conn"))
	if s := recvTimeout(t, got, "Recv"); s != "on-new-conn" {
		t.Fatalf("got %q", s)
	}
}

func TestRPCTrackerRules(t *testing.T) {
	tr := newRPCTracker()
	a := newRequest("a.x", 1, "")
	_ = a.PushRoute("client1")
	b := newRequest("b.x", 2, "")
	_ = b.PushRoute("client1")
	c := newRequest("c.x", 3, "")
	for _, m := range []*msg.Message{a, b, c} {
		tr.update(m)
	}
	if tr.count() != 3 {
		t.Fatal(tr.count())
	}
	disc := newRequest("svc.disconnect", 0, "")
	disc.Flags |= msg.FlagNoResponse
	_ = disc.PushRoute("client1")
	tr.update(disc)
	if tr.count() != 1 {
		t.Fatalf("disconnect left %d", tr.count())
	}
	serr, _ := deriveResponse(c, 61)
	serr.Flags |= msg.FlagStreaming
	tr.update(serr)
	if tr.count() != 0 {
		t.Fatal("error streaming response did not untrack")
	}
}
