package stream

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// twoFrames returns two framed messages back to back and the messages.
func twoFrames(t *testing.T) ([]byte, []*msg.Message) {
	m1 := testMessage(t, "first.topic", 1, []byte("one\x00"))
	m2 := testMessage(t, "second.topic", 2, bytes.Repeat([]byte{0x5a}, 600))
	return append(frameOf(t, m1), frameOf(t, m2)...), []*msg.Message{m1, m2}
}

func TestReaderReadsMessages(t *testing.T) {
	stream, want := twoFrames(t)
	for name, r := range map[string]io.Reader{
		"whole":    bytes.NewReader(stream),
		"one byte": iotest.OneByteReader(bytes.NewReader(stream)),
		"half":     iotest.HalfReader(bytes.NewReader(stream)),
		"data+EOF": iotest.DataErrReader(bytes.NewReader(stream)),
	} {
		t.Run(name, func(t *testing.T) {
			rd := NewReader(r)
			for i, w := range want {
				m, err := rd.ReadMessage()
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if !m.Equal(w) {
					t.Fatalf("message %d: got %+v want %+v", i, m, w)
				}
			}
			_, err := rd.ReadMessage()
			wantErrno(t, err, syscall.ECONNRESET)
		})
	}
}

func TestReaderEOFAnywhereIsConnReset(t *testing.T) {
	stream, want := twoFrames(t)
	first := len(frameOf(t, want[0]))
	for cut := 0; cut < len(stream); cut++ {
		rd := NewReader(bytes.NewReader(stream[:cut]))
		if cut >= first {
			if _, err := rd.ReadMessage(); err != nil {
				t.Fatalf("cut %d: first message: %v", cut, err)
			}
		}
		_, err := rd.ReadMessage()
		wantErrno(t, err, syscall.ECONNRESET)
		// The error sticks.
		_, err = rd.ReadMessage()
		wantErrno(t, err, syscall.ECONNRESET)
	}
}

func TestReaderBadMagicIsSticky(t *testing.T) {
	stream, _ := twoFrames(t)
	stream[0] = 0x13
	rd := NewReader(bytes.NewReader(stream))
	_, err := rd.ReadMessage()
	wantErrno(t, err, syscall.EPROTO)
	_, err = rd.ReadMessage()
	wantErrno(t, err, syscall.EPROTO)
}

func TestReaderOversizeHeader(t *testing.T) {
	h := []byte{0x12, 0x00, 0xee, 0xff, 0x7f, 0xff, 0xff, 0xff}
	_, err := NewReader(bytes.NewReader(h)).ReadMessage()
	wantErrno(t, err, syscall.EMSGSIZE)
}

func TestReaderDecodeErrorSkipsFrame(t *testing.T) {
	stream, want := twoFrames(t)
	// A well-framed body that is not a message: its PROTO has version 2.
	bad := []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 21, 20, 0x8e, 0x02, 1, 0}
	bad = append(bad, make([]byte, 16)...)
	rd := NewReader(bytes.NewReader(append(bad, stream...)))
	_, err := rd.ReadMessage()
	wantErrno(t, err, syscall.EPROTO)
	m, err := rd.ReadMessage()
	if err != nil || !m.Equal(want[0]) {
		t.Fatalf("after a decode error: %+v, %v", m, err)
	}
	// A zero-length body is a decode error too (EPROTO), not a framing one.
	rd = NewReader(bytes.NewReader(append([]byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 0}, stream...)))
	_, err = rd.ReadMessage()
	wantErrno(t, err, syscall.EPROTO)
	if m, err := rd.ReadMessage(); err != nil || !m.Equal(want[0]) {
		t.Fatalf("after an empty body: %+v, %v", m, err)
	}
}

// flakyReader fails its first read with a timeout, then serves data.
type flakyReader struct {
	failed bool
	r      io.Reader
}

func (f *flakyReader) Read(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, os.ErrDeadlineExceeded
	}
	return f.r.Read(p)
}

func TestReaderErrorBeforeFrameIsRetryable(t *testing.T) {
	stream, want := twoFrames(t)
	rd := NewReader(&flakyReader{r: bytes.NewReader(stream)})
	if _, err := rd.ReadMessage(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("first read: %v", err)
	}
	m, err := rd.ReadMessage()
	if err != nil || !m.Equal(want[0]) {
		t.Fatalf("retry: %+v, %v", m, err)
	}
}

func TestReaderErrorInsideFrameIsSticky(t *testing.T) {
	stream, _ := twoFrames(t)
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(stream[:12]), iotest.ErrReader(boom))
	rd := NewReader(r)
	if _, err := rd.ReadMessage(); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if _, err := rd.ReadMessage(); !errors.Is(err, boom) {
		t.Fatalf("error not sticky: %v", err)
	}
	// Failing inside the header (after some header bytes) sticks too.
	rd = NewReader(io.MultiReader(bytes.NewReader(stream[:3]), iotest.ErrReader(boom)))
	if _, err := rd.ReadMessage(); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if _, err := rd.ReadMessage(); !errors.Is(err, boom) {
		t.Fatalf("header error not sticky: %v", err)
	}
}

// nothingReader never returns data nor an error.
type nothingReader struct{}

func (nothingReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderNoProgress(t *testing.T) {
	_, err := NewReader(nothingReader{}).ReadMessage()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("got %v, want io.ErrNoProgress", err)
	}
}

func TestReaderReusesBuffer(t *testing.T) {
	m := testMessage(t, "a.b", 3, bytes.Repeat([]byte{1}, 500))
	one := frameOf(t, m)
	var stream []byte
	for range 50 {
		stream = append(stream, one...)
	}
	rd := NewReader(bytes.NewReader(stream))
	if _, err := rd.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	first := &rd.buf[:1][0]
	allocs := testing.AllocsPerRun(40, func() {
		if _, err := rd.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	})
	if &rd.buf[:1][0] != first {
		t.Fatalf("buffer was replaced between reads")
	}
	// Decode's own allocations only (message, shared buffer).
	if allocs > 2 {
		t.Fatalf("ReadMessage allocated %v times per message", allocs)
	}
}

func TestReaderDropsHugeBuffer(t *testing.T) {
	big := testMessage(t, "big", 1, make([]byte, 200<<10))
	small := testMessage(t, "small", 2, nil)
	rd := NewReader(bytes.NewReader(append(frameOf(t, big), frameOf(t, small)...)))
	if m, err := rd.ReadMessage(); err != nil || len(m.Payload) != 200<<10 {
		t.Fatalf("big: %v", err)
	}
	if cap(rd.buf) > keepBuffer {
		t.Fatalf("kept a %d byte buffer", cap(rd.buf))
	}
	if m, err := rd.ReadMessage(); err != nil || !m.Equal(small) {
		t.Fatalf("small: %+v %v", m, err)
	}
}

// TestReaderHeaderDoesNotDictateAllocation sends a header announcing
// 1 GiB followed by a few bytes: the Reader must fail with ECONNRESET
// without having allocated anything near the announced size.
func TestReaderHeaderDoesNotDictateAllocation(t *testing.T) {
	in := append([]byte{0x12, 0x00, 0xee, 0xff, 0x40, 0, 0, 0}, make([]byte, 1000)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := NewReader(bytes.NewReader(in)).ReadMessage()
	runtime.ReadMemStats(&after)
	wantErrno(t, err, syscall.ECONNRESET)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Fatalf("allocated %d bytes for a 1008 byte input", grew)
	}
}
