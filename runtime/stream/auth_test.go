package stream

import (
	"bytes"
	"errors"
	"io"
	"syscall"
	"testing"
	"testing/iotest"
)

func TestReadAuth(t *testing.T) {
	if err := ReadAuth(bytes.NewReader([]byte{0})); err != nil {
		t.Fatalf("byte 0: %v", err)
	}
	// Only one byte is consumed.
	r := bytes.NewReader([]byte{0, 0x12})
	if err := ReadAuth(r); err != nil || r.Len() != 1 {
		t.Fatalf("consumed %d bytes, err %v", 2-r.Len(), err)
	}

	for _, tc := range []struct {
		b    byte
		text string
	}{
		{1, "broker refused connection: Operation not permitted"},
		{13, "broker refused connection: Permission denied"},
		{111, "broker refused connection: Connection refused"},
		{200, "broker refused connection: Unknown error 200"},
	} {
		err := ReadAuth(bytes.NewReader([]byte{tc.b}))
		wantErrno(t, err, syscall.Errno(tc.b))
		if err.Error() != tc.text {
			t.Errorf("byte %d: %q, want %q", tc.b, err.Error(), tc.text)
		}
		var re *RefusedError
		if !errors.As(err, &re) || re.Errno != syscall.Errno(tc.b) {
			t.Errorf("byte %d: not a RefusedError: %#v", tc.b, err)
		}
	}

	wantErrno(t, ReadAuth(bytes.NewReader(nil)), syscall.ECONNRESET)
	boom := errors.New("boom")
	if err := ReadAuth(iotest.ErrReader(boom)); !errors.Is(err, boom) || errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read error: %v", err)
	}
	if err := ReadAuth(iotest.TimeoutReader(bytes.NewReader([]byte{0}))); err != nil {
		t.Fatalf("TimeoutReader first read: %v", err)
	}
}

func TestWriteAuth(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAuth(&b, 0); err != nil || !bytes.Equal(b.Bytes(), []byte{0}) {
		t.Fatalf("wrote %x, %v", b.Bytes(), err)
	}
	b.Reset()
	if err := WriteAuth(&b, byte(syscall.EPERM)); err != nil || !bytes.Equal(b.Bytes(), []byte{1}) {
		t.Fatalf("wrote %x, %v", b.Bytes(), err)
	}
	// What WriteAuth sends, ReadAuth understands.
	wantErrno(t, ReadAuth(&b), syscall.EPERM)

	if err := WriteAuth(zeroWriter{}, 0); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("zero-byte write: %v", err)
	}
	if err := WriteAuth(errWriter{}, 0); !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("failing writer: %v", err)
	}
}

type zeroWriter struct{}

func (zeroWriter) Write([]byte) (int, error) { return 0, nil }

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }
