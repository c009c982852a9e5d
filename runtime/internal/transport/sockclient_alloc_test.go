package transport

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"golang.org/x/sys/unix"
)

// TestSockClientSendReusesBuffer: once warmed up, sending a message frames
// it into the client's reused buffer and allocates nothing.
func TestSockClientSendReusesBuffer(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	s := &sockClient{fd: fds[0]}
	// The reader owns fds[1]: it closes it after seeing end of stream,
	// and the test waits for that, so it never reads a reused fd number.
	readerDone := make(chan struct{})
	defer func() {
		s.Close()
		<-readerDone
	}()
	go func() {
		defer close(readerDone)
		defer unix.Close(fds[1])
		buf := make([]byte, 1<<16)
		for {
			if n, err := unix.Read(fds[1], buf); n <= 0 || (err != nil && err != unix.EINTR) {
				return
			}
		}
	}()
	m := newRequest("broker.ping", 7, `{"seq":1}`)
	w := Waiter{CloseFD: -1, KickFD: -1, WakeFD: -1}
	if err := s.Send(m, 0, w); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(200, func() {
		if err := s.Send(m, 0, w); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("send allocated %v times per message", allocs)
	}
	// A frame bigger than the reuse limit is not kept.
	big := newRequest("x", 1, string(make([]byte, maxReusedFrame)))
	if err := s.Send(big, 0, w); err != nil {
		t.Fatal(err)
	}
	if cap(s.wbuf) > maxReusedFrame {
		t.Fatalf("kept a %d byte buffer", cap(s.wbuf))
	}
}

// newRequest builds a request with a topic and a string payload.
func newRequest(topic string, _ uint32, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeRequest)
	m.SetTopic(topic)
	m.SetString(payload)
	return m
}
