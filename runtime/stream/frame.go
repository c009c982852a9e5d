package stream

import (
	"encoding/binary"
	"fmt"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Magic opens every frame header. It is written little-endian.
const Magic uint32 = 0xffee0012

// HeaderSize is the size of the frame header: magic plus body length.
const HeaderSize = 8

// AppendFrame appends the header and the encoding of m to dst and returns
// the extended slice. On error dst is returned with its original length and
// the error is that of msg.AppendEncode (EPROTO for an invalid type, EINVAL
// for a nil message or an empty route id, EMSGSIZE over msg.MaxFrameSize).
// When dst has room for HeaderSize+msg.EncodedSize(m) more bytes nothing is
// allocated.
func AppendFrame(dst []byte, m *msg.Message) ([]byte, error) {
	n := msg.EncodedSize(m)
	if m != nil && n <= msg.MaxFrameSize {
		dst = msg.Grow(dst, HeaderSize+n)
	}
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, Magic)
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	out, err := msg.AppendEncode(dst, m)
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

// ParseHeader checks a frame header and returns the length of the body
// that follows it. Errors: fewer than HeaderSize bytes wraps EINVAL; a
// wrong magic wraps EPROTO (as flux-core reports it); a length above
// msg.MaxFrameSize wraps EMSGSIZE (flux-core has no limit and would try to
// allocate it). After a header error the stream cannot be resynchronised.
// Bytes of h beyond the header are ignored.
func ParseHeader(h []byte) (bodyLen int, err error) {
	if len(h) < HeaderSize {
		return 0, fmt.Errorf("stream: frame header needs %d bytes, have %d: %w", HeaderSize, len(h), syscall.EINVAL)
	}
	if magic := binary.LittleEndian.Uint32(h[0:4]); magic != Magic {
		return 0, fmt.Errorf("stream: bad frame magic %#08x: %w", magic, syscall.EPROTO)
	}
	size := binary.BigEndian.Uint32(h[4:8])
	if uint64(size) > msg.MaxFrameSize {
		return 0, fmt.Errorf("stream: frame body of %d bytes exceeds the %d byte limit: %w", size, msg.MaxFrameSize, syscall.EMSGSIZE)
	}
	return int(size), nil
}
