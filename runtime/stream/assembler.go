package stream

import "github.com/fluxgo/fluxgo/runtime/msg"

// Assembler rebuilds framed messages from bytes that arrive in arbitrary
// pieces, as they do from a non-blocking socket. Feed it whatever was read,
// then call Next until it returns no message. The zero value is ready to
// use; an Assembler is not safe for concurrent use.
type Assembler struct {
	buf []byte
	off int   // start of the unconsumed bytes in buf
	err error // sticky header error
}

// Feed appends a copy of p to the bytes waiting to be assembled; the caller
// may reuse p at once.
func (a *Assembler) Feed(p []byte) {
	if len(p) == 0 {
		return
	}
	if a.off > 0 && len(a.buf)+len(p) > cap(a.buf) {
		n := copy(a.buf, a.buf[a.off:])
		a.buf = a.buf[:n]
		a.off = 0
	}
	a.buf = append(a.buf, p...)
}

// Buffered returns how many fed bytes have not yet been returned as
// messages: non-zero after end of stream means the peer stopped mid-frame.
func (a *Assembler) Buffered() int { return len(a.buf) - a.off }

// Ready reports whether Next would return a message (or an error) without
// more bytes being fed: a complete frame, or a bad header, is buffered.
func (a *Assembler) Ready() bool {
	if a.err != nil {
		return true
	}
	avail := a.buf[a.off:]
	if len(avail) < HeaderSize {
		return false
	}
	size, err := ParseHeader(avail)
	return err != nil || len(avail)-HeaderSize >= size
}

// Reset discards all buffered bytes and any sticky error, for reuse on a
// new connection.
func (a *Assembler) Reset() {
	a.buf = a.buf[:0]
	a.off = 0
	a.err = nil
}

// consume marks n bytes as used, releasing an oversized buffer once it is
// drained.
func (a *Assembler) consume(n int) {
	a.off += n
	if a.off == len(a.buf) {
		a.off = 0
		if cap(a.buf) > keepBuffer {
			a.buf = nil
		} else {
			a.buf = a.buf[:0]
		}
	}
}

// Next returns the next complete message, or (nil, nil) when more bytes are
// needed. A bad header (see ParseHeader) is returned now and by every later
// call, since the stream cannot be resynchronised. A body that does not
// decode returns msg.Decode's error once; the frame is dropped and the
// following frames are still delivered.
func (a *Assembler) Next() (*msg.Message, error) {
	if a.err != nil {
		return nil, a.err
	}
	avail := a.buf[a.off:]
	if len(avail) < HeaderSize {
		return nil, nil
	}
	size, err := ParseHeader(avail)
	if err != nil {
		a.err = err
		return nil, err
	}
	if len(avail)-HeaderSize < size {
		return nil, nil
	}
	m, err := msg.Decode(avail[HeaderSize : HeaderSize+size])
	a.consume(HeaderSize + size)
	return m, err
}
