package stream

import (
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// wantErrno fails t unless err wraps errno.
func wantErrno(t testing.TB, err error, errno syscall.Errno) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", errno)
	}
	if !errors.Is(err, errno) {
		t.Fatalf("got error %q, want one wrapping %v (%d)", err, errno, int(errno))
	}
}

// testMessage builds a small routed request.
func testMessage(t testing.TB, topic string, matchtag uint32, payload []byte) *msg.Message {
	t.Helper()
	m, err := msg.New(msg.TypeRequest)
	if err != nil {
		t.Fatal(err)
	}
	m.EnableRoute()
	m.SetTopic(topic)
	m.SetPayload(payload)
	m.Aux2 = matchtag
	return m
}

// frameOf frames m, failing t on error.
func frameOf(t testing.TB, m *msg.Message) []byte {
	t.Helper()
	b, err := AppendFrame(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
