package stream

import (
	"bytes"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// drain returns every message Next yields until it asks for more bytes.
func drain(t *testing.T, a *Assembler) []*msg.Message {
	t.Helper()
	var out []*msg.Message
	for {
		m, err := a.Next()
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if m == nil {
			return out
		}
		out = append(out, m)
	}
}

func TestAssemblerEmpty(t *testing.T) {
	var a Assembler
	if m, err := a.Next(); m != nil || err != nil {
		t.Fatalf("empty assembler: %v %v", m, err)
	}
	a.Feed(nil)
	if a.Buffered() != 0 {
		t.Fatalf("Buffered = %d", a.Buffered())
	}
}

func TestAssemblerByteByByte(t *testing.T) {
	stream, want := twoFrames(t)
	var a Assembler
	var got []*msg.Message
	for i := range stream {
		a.Feed(stream[i : i+1])
		got = append(got, drain(t, &a)...)
		// Nothing may come out before its last byte arrives.
		if i+1 < len(frameOf(t, want[0])) && len(got) != 0 {
			t.Fatalf("message produced after only %d bytes", i+1)
		}
	}
	if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
		t.Fatalf("got %d messages", len(got))
	}
	if a.Buffered() != 0 {
		t.Fatalf("Buffered = %d after the last frame", a.Buffered())
	}
}

func TestAssemblerRandomChunks(t *testing.T) {
	var stream []byte
	var want []*msg.Message
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		m := testMessage(t, "svc.m", uint32(i+1), bytes.Repeat([]byte{byte(i)}, rng.IntN(700)))
		want = append(want, m)
		stream = append(stream, frameOf(t, m)...)
	}
	var a Assembler
	var got []*msg.Message
	for len(stream) > 0 {
		n := min(len(stream), 1+rng.IntN(900))
		chunk := append([]byte(nil), stream[:n]...)
		a.Feed(chunk)
		for i := range chunk {
			chunk[i] = 0xee // Feed must have copied
		}
		stream = stream[n:]
		got = append(got, drain(t, &a)...)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("message %d differs", i)
		}
	}
}

func TestAssemblerPartialFrame(t *testing.T) {
	stream, want := twoFrames(t)
	var a Assembler
	a.Feed(stream[:len(stream)-1])
	got := drain(t, &a)
	if len(got) != 1 || !got[0].Equal(want[0]) {
		t.Fatalf("got %d messages", len(got))
	}
	if a.Buffered() != len(frameOf(t, want[1]))-1 {
		t.Fatalf("Buffered = %d", a.Buffered())
	}
	a.Feed(stream[len(stream)-1:])
	got = drain(t, &a)
	if len(got) != 1 || !got[0].Equal(want[1]) {
		t.Fatalf("second message missing")
	}
}

func TestAssemblerBadHeaderIsSticky(t *testing.T) {
	stream, _ := twoFrames(t)
	var a Assembler
	a.Feed([]byte{0xff, 0xee, 0x00, 0x12, 0, 0, 0, 1})
	_, err := a.Next()
	wantErrno(t, err, syscall.EPROTO)
	a.Feed(stream)
	_, err = a.Next()
	wantErrno(t, err, syscall.EPROTO)

	a.Reset()
	a.Feed(stream)
	if got := drain(t, &a); len(got) != 2 {
		t.Fatalf("after Reset: %d messages", len(got))
	}

	a.Feed([]byte{0x12, 0x00, 0xee, 0xff, 0x80, 0, 0, 0})
	_, err = a.Next()
	wantErrno(t, err, syscall.EMSGSIZE)
}

func TestAssemblerDecodeErrorSkipsFrame(t *testing.T) {
	stream, want := twoFrames(t)
	var a Assembler
	// Route flag without delimiter: frames fine, message malformed.
	bad := []byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 21, 20, 0x8e, 0x01, 0x01, 0x08}
	bad = append(bad, make([]byte, 16)...)
	a.Feed(append(bad, stream...))
	_, err := a.Next()
	wantErrno(t, err, syscall.EPROTO)
	got := drain(t, &a)
	if len(got) != 2 || !got[0].Equal(want[0]) {
		t.Fatalf("after decode error: %d messages", len(got))
	}
}

func TestAssemblerReleasesLargeBuffer(t *testing.T) {
	big := frameOf(t, testMessage(t, "big", 1, make([]byte, 300<<10)))
	var a Assembler
	a.Feed(big)
	if got := drain(t, &a); len(got) != 1 {
		t.Fatalf("got %d messages", len(got))
	}
	if cap(a.buf) > keepBuffer {
		t.Fatalf("kept a %d byte buffer after draining", cap(a.buf))
	}
}

func TestAssemblerCompacts(t *testing.T) {
	one := frameOf(t, testMessage(t, "x", 1, make([]byte, 100)))
	var a Assembler
	// Keep a partial frame pending while whole frames pass through; the
	// buffer must not grow without bound.
	a.Feed(one[:10])
	for range 1000 {
		a.Feed(one[10:])
		a.Feed(one[:10])
		if got := drain(t, &a); len(got) != 1 {
			t.Fatalf("got %d messages", len(got))
		}
	}
	if cap(a.buf) > 4*len(one) {
		t.Fatalf("buffer grew to %d bytes for %d byte frames", cap(a.buf), len(one))
	}
	if a.Buffered() != 10 {
		t.Fatalf("Buffered = %d", a.Buffered())
	}
}
