package stream

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

const (
	// readChunk is the first allocation for a body larger than the
	// current buffer; the buffer then doubles as bytes actually arrive, so
	// a header announcing a huge body costs memory only once data follows.
	readChunk = 64 << 10
	// keepBuffer is the largest buffer a Reader keeps between calls.
	keepBuffer = 64 << 10
	// maxEmptyReads bounds how often an io.Reader may return neither data
	// nor an error before the Reader gives up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Reader reads framed messages from a blocking byte stream. It reuses one
// buffer between calls; the messages it returns do not alias it. A Reader
// is not safe for concurrent use.
type Reader struct {
	r   io.Reader
	hdr [HeaderSize]byte
	buf []byte
	err error // sticky: set once the stream is out of step
}

// NewReader returns a Reader taking bytes from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r}
}

// connReset is the error for a stream that ended, at any point.
func connReset(where string) error {
	return fmt.Errorf("stream: peer closed the connection %s: %w", where, syscall.ECONNRESET)
}

// fill reads exactly len(p) bytes into p, reporting how many arrived.
func (r *Reader) fill(p []byte) (int, error) {
	got, empty := 0, 0
	for got < len(p) {
		n, err := r.r.Read(p[got:])
		got += n
		if got == len(p) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		if n == 0 {
			if empty++; empty >= maxEmptyReads {
				return got, io.ErrNoProgress
			}
		} else {
			empty = 0
		}
	}
	return got, nil
}

// body returns a buffer holding the next n bytes of the stream. It grows
// the buffer only as data arrives.
func (r *Reader) body(n int) ([]byte, error) {
	if cap(r.buf) >= n {
		b := r.buf[:n]
		_, err := r.fill(b)
		return b, err
	}
	b := r.buf[:0]
	for len(b) < n {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(n, max(2*cap(b), readChunk)))
			copy(nb, b)
			b = nb
		}
		k, err := r.fill(b[len(b):cap(b)])
		b = b[:len(b)+k]
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// ReadMessage reads and decodes the next framed message. Errors:
//
//   - end of stream anywhere, including before the header: ECONNRESET;
//   - a bad header: as ParseHeader (EPROTO, EMSGSIZE);
//   - a body that does not decode: as msg.Decode (EINVAL, EPROTO); the
//     frame is consumed and the next call reads the following one;
//   - any other error of the underlying reader, wrapped.
//
// Once the stream is out of step (end of stream, bad header, or a read
// error in the middle of a frame) every later call returns the same error.
// A read error before the first header byte of a frame leaves the Reader
// usable, so a deadline on a net.Conn can be retried.
func (r *Reader) ReadMessage() (*msg.Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	n, err := r.fill(r.hdr[:])
	if err != nil {
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			if n == 0 {
				r.err = connReset("before a frame header")
			} else {
				r.err = connReset("inside a frame header")
			}
			return nil, r.err
		case n == 0:
			return nil, fmt.Errorf("stream: reading frame header: %w", err)
		default:
			r.err = fmt.Errorf("stream: reading frame header: %w", err)
			return nil, r.err
		}
	}
	size, err := ParseHeader(r.hdr[:])
	if err != nil {
		r.err = err
		return nil, err
	}
	b, err := r.body(size)
	if cap(b) <= keepBuffer {
		r.buf = b[:0]
	} else {
		r.buf = nil
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			r.err = connReset("inside a frame body")
		} else {
			r.err = fmt.Errorf("stream: reading frame body: %w", err)
		}
		return nil, r.err
	}
	return msg.Decode(b)
}
