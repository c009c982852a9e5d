package stream

import (
	"bytes"
	"fmt"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/msg/msgtest"
)

// TestCaptureFramesRoundTrip: every captured frame parses and decodes, and
// AppendFrame of the decoded message reproduces the frame byte for byte.
func TestCaptureFramesRoundTrip(t *testing.T) {
	frames := msgtest.Frames(t)
	for _, r := range frames {
		n, err := ParseHeader(r.Data)
		if err != nil {
			t.Errorf("%v: ParseHeader: %v", r, err)
			continue
		}
		if n != len(r.Data)-HeaderSize {
			t.Errorf("%v: header says %d bytes, %d follow", r, n, len(r.Data)-HeaderSize)
			continue
		}
		m, err := msg.Decode(r.Data[HeaderSize:])
		if err != nil {
			t.Errorf("%v: Decode: %v", r, err)
			continue
		}
		out, err := AppendFrame(nil, m)
		if err != nil {
			t.Errorf("%v: AppendFrame: %v", r, err)
			continue
		}
		if !bytes.Equal(out, r.Data) {
			t.Errorf("%v: re-framed bytes differ\n got %x\nwant %x", r, out, r.Data)
		}
	}
	t.Logf("%d captured frames round-tripped", len(frames))
}

// connStreams rebuilds each direction of each captured connection as the
// byte stream it was, keeping the decoded frames for comparison.
func connStreams(t *testing.T) map[string][]msgtest.Record {
	out := map[string][]msgtest.Record{}
	for _, r := range msgtest.Captures(t) {
		if r.Kind == msgtest.KindFrame {
			key := fmt.Sprintf("%s/conn%d/%s", r.File, r.Conn, r.Dir)
			out[key] = append(out[key], r)
		}
	}
	return out
}

// TestCaptureStreamsThroughReader replays each captured direction through
// a Reader, then checks the end of stream is reported as ECONNRESET.
func TestCaptureStreamsThroughReader(t *testing.T) {
	for key, recs := range connStreams(t) {
		var stream []byte
		for _, r := range recs {
			stream = append(stream, r.Data...)
		}
		rd := NewReader(bytes.NewReader(stream))
		for _, r := range recs {
			m, err := rd.ReadMessage()
			if err != nil {
				t.Fatalf("%s: %v: %v", key, r, err)
			}
			want, _ := msg.Decode(r.Data[HeaderSize:])
			if !m.Equal(want) {
				t.Fatalf("%s: %v: Reader gave %+v", key, r, m)
			}
		}
		if _, err := rd.ReadMessage(); err == nil {
			t.Fatalf("%s: no error at end of stream", key)
		} else {
			wantErrno(t, err, syscall.ECONNRESET)
		}
	}
}

// TestCaptureStreamsThroughAssembler feeds each captured direction in
// 7-byte pieces, so frames straddle Feed calls.
func TestCaptureStreamsThroughAssembler(t *testing.T) {
	for key, recs := range connStreams(t) {
		var stream []byte
		for _, r := range recs {
			stream = append(stream, r.Data...)
		}
		var a Assembler
		var got []*msg.Message
		for len(stream) > 0 {
			n := min(7, len(stream))
			a.Feed(stream[:n])
			stream = stream[n:]
			got = append(got, drain(t, &a)...)
		}
		if len(got) != len(recs) {
			t.Fatalf("%s: %d messages, want %d", key, len(got), len(recs))
		}
		for i, r := range recs {
			want, _ := msg.Decode(r.Data[HeaderSize:])
			if !got[i].Equal(want) {
				t.Fatalf("%s: %v: Assembler gave %+v", key, r, got[i])
			}
		}
	}
}

// TestCaptureAuthBytes: every captured auth record is an acceptance that
// ReadAuth reports as success.
func TestCaptureAuthBytes(t *testing.T) {
	n := 0
	for _, r := range msgtest.Captures(t) {
		if r.Kind != msgtest.KindAuth {
			continue
		}
		n++
		if r.Dir != "s2c" {
			t.Errorf("%v: auth byte sent by the client", r)
		}
		if err := ReadAuth(bytes.NewReader(r.Data)); err != nil || len(r.Data) != 1 {
			t.Errorf("%v: %d bytes, ReadAuth: %v", r, len(r.Data), err)
		}
	}
	if n == 0 {
		t.Fatal("no auth records in the captures")
	}
}
