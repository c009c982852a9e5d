package stream

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the writer's goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}

func TestQueueWriterCloseFlushesInOrder(t *testing.T) {
	var out lockedBuffer
	qw := NewQueueWriter(&out, func(err error) { t.Errorf("fail(%v) called", err) })
	m1 := testMessage(t, "a.one", 1, nil)
	m2 := testMessage(t, "b.two", 2, []byte("{}\x00"))
	if err := qw.Send(m1); err != nil {
		t.Fatal(err)
	}
	if err := qw.Send(m2); err != nil {
		t.Fatal(err)
	}
	if !qw.Close(5 * time.Second) {
		t.Fatal("Close timed out")
	}
	want := append(frameOf(t, m1), frameOf(t, m2)...)
	if got := out.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("wrote % x, want % x", got, want)
	}
	qw.Write([]byte("late"), false)
	if got := out.Bytes(); !bytes.Equal(got, want) {
		t.Fatal("bytes queued after Close were written")
	}
}

// failWriter fails every write with EPIPE.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestQueueWriterReportsWriteError(t *testing.T) {
	got := make(chan error, 2)
	qw := NewQueueWriter(failWriter{}, func(err error) { got <- err })
	qw.Write([]byte("x"), false)
	select {
	case err := <-got:
		if !errors.Is(err, syscall.EPIPE) {
			t.Fatalf("fail(%v), want EPIPE", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fail was not called")
	}
	qw.Write([]byte("y"), false)
	if !qw.Close(5 * time.Second) {
		t.Fatal("writer did not end after its failure")
	}
	if len(got) != 0 {
		t.Fatal("fail called twice")
	}
}

func TestQueueWriterHangup(t *testing.T) {
	var out lockedBuffer
	got := make(chan error, 1)
	qw := NewQueueWriter(&out, func(err error) { got <- err })
	qw.Write([]byte("cut"), true)
	qw.Write([]byte("never"), false)
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("fail(%v) after a hang-up, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fail was not called after a hang-up")
	}
	qw.Close(5 * time.Second)
	if s := string(out.Bytes()); s != "cut" {
		t.Fatalf("wrote %q, want only the bytes before the hang-up", s)
	}
}

func TestQueueWriterAbortDrops(t *testing.T) {
	pr, pw := io.Pipe()
	qw := NewQueueWriter(pw, nil)
	qw.Write([]byte("first"), false) // blocks in the pipe until read
	qw.Write([]byte("second"), false)
	time.Sleep(10 * time.Millisecond)
	qw.Abort()
	buf := make([]byte, 16)
	n, _ := pr.Read(buf)
	pr.Close()
	if !qw.Close(5 * time.Second) {
		t.Fatal("writer did not end after Abort")
	}
	if s := string(buf[:n]); s != "first" {
		t.Fatalf("read %q, want the write in progress only", s)
	}
}
