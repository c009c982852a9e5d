package msg

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"syscall"
)

// MaxFrameSize is the largest encoded message, in bytes, this package will
// produce or accept (1 GiB). The wire itself allows up to 4 GiB - 1 per
// frame and flux-core checks nothing, but no real Flux traffic comes close,
// and the cap bounds what a corrupt or hostile length field can make a
// reader allocate. It applies to the whole encoded message (all frames and
// their length prefixes), not counting the 8-byte stream header.
const MaxFrameSize = 1 << 30

// Fixed values of the PROTO frame.
const (
	// ProtoSize is the length of the PROTO frame, always the last frame.
	ProtoSize = 20
	// ProtoMagic is the first byte of every PROTO frame.
	ProtoMagic = 0x8e
	// ProtoVersion is the second byte of every PROTO frame.
	ProtoVersion = 0x01
)

// longLengthMark is the one-byte prefix announcing a 4-byte big-endian
// length; every length from this value up uses the long form.
const longLengthMark = 0xff

// prefixSize is the size of the length prefix for a frame of n bytes.
func prefixSize(n int) int {
	if n < longLengthMark {
		return 1
	}
	return 5
}

// wireTopic is the topic as it goes on the wire: C strings end at the first
// NUL, so anything after one is not sent.
func wireTopic(topic string) string {
	if i := strings.IndexByte(topic, 0); i >= 0 {
		return topic[:i]
	}
	return topic
}

// encodedSize64 sums the frame sizes without risk of int overflow.
func encodedSize64(m *Message) uint64 {
	var n uint64
	if m.HasRoute() {
		for _, r := range m.Routes {
			n += uint64(prefixSize(len(r)) + len(r))
		}
		n++ // empty delimiter frame
	}
	if m.HasTopic() {
		t := wireTopic(m.Topic)
		n += uint64(prefixSize(len(t)) + len(t))
	}
	if m.HasPayload() {
		n += uint64(prefixSize(len(m.Payload)) + len(m.Payload))
	}
	return n + 1 + ProtoSize
}

// EncodedSize returns how many bytes AppendEncode appends for m, that is
// flux_msg_encode_size: the sum over the frames the flags select of length
// prefix plus data. It does not validate m. A nil message has size 0.
func EncodedSize(m *Message) int {
	if m == nil {
		return 0
	}
	n := encodedSize64(m)
	if n > math.MaxInt {
		return math.MaxInt
	}
	return int(n)
}

// appendFrame appends one length-prefixed frame.
func appendFrame[T string | []byte](dst []byte, data T) []byte {
	if len(data) < longLengthMark {
		dst = append(dst, byte(len(data)))
	} else {
		dst = append(dst, longLengthMark)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	}
	return append(dst, data...)
}

// checkEncodable reports why m cannot be put on the wire, if it cannot,
// and otherwise its encoded size. limit is MaxFrameSize except in tests.
func checkEncodable(m *Message, limit uint64) (int, error) {
	if m == nil {
		return 0, fmt.Errorf("msg: encode nil message: %w", syscall.EINVAL)
	}
	if !IsValidType(m.Type) {
		return 0, fmt.Errorf("msg: encode invalid message type %#x: %w", m.Type, syscall.EPROTO)
	}
	if m.HasRoute() {
		for _, r := range m.Routes {
			if r == "" {
				// An empty route frame would be read back as the delimiter.
				return 0, fmt.Errorf("msg: encode empty route id: %w", syscall.EINVAL)
			}
		}
	}
	n := encodedSize64(m)
	if n > limit {
		return 0, fmt.Errorf("msg: encoded message of %d bytes exceeds the %d byte limit: %w", n, limit, syscall.EMSGSIZE)
	}
	return int(n), nil
}

// AppendEncode appends the RFC 3 encoding of m to dst and returns the
// extended slice. The flags decide which parts are written: route frames
// (most recent hop first) and the empty delimiter iff FlagRoute, the topic
// iff FlagTopic (cut at its first NUL, as C strings are), the payload iff
// FlagPayload, then the 20-byte PROTO frame. Frames shorter than 255 bytes
// get a one-byte length, longer ones 0xff and a 4-byte big-endian length.
//
// Errors (dst is returned unchanged): an invalid message type wraps EPROTO
// as in flux-core; a nil message or an empty route id (which would read back
// as the delimiter) wraps EINVAL; a result over MaxFrameSize wraps EMSGSIZE.
// When dst has room for EncodedSize(m) more bytes nothing is allocated.
func AppendEncode(dst []byte, m *Message) ([]byte, error) {
	n, err := checkEncodable(m, MaxFrameSize)
	if err != nil {
		return dst, err
	}
	return appendEncoded(Grow(dst, n), m), nil
}

// appendEncoded writes the frames of a message checkEncodable accepted.
func appendEncoded(dst []byte, m *Message) []byte {
	if m.HasRoute() {
		for i := len(m.Routes) - 1; i >= 0; i-- {
			dst = appendFrame(dst, m.Routes[i])
		}
		dst = append(dst, 0)
	}
	if m.HasTopic() {
		dst = appendFrame(dst, wireTopic(m.Topic))
	}
	if m.HasPayload() {
		dst = appendFrame(dst, m.Payload)
	}
	dst = append(dst, ProtoSize, ProtoMagic, ProtoVersion, m.Type, m.Flags)
	dst = binary.BigEndian.AppendUint32(dst, m.Userid)
	dst = binary.BigEndian.AppendUint32(dst, m.Rolemask)
	dst = binary.BigEndian.AppendUint32(dst, m.Aux1)
	return binary.BigEndian.AppendUint32(dst, m.Aux2)
}

// Encode returns the RFC 3 encoding of m in a new slice of exactly
// EncodedSize(m) bytes; errors are those of AppendEncode.
func Encode(m *Message) ([]byte, error) {
	n, err := checkEncodable(m, MaxFrameSize)
	if err != nil {
		return nil, err
	}
	return appendEncoded(make([]byte, 0, n), m), nil
}

// Grow returns dst with room for n more bytes, allocating exactly once
// when it has to (slices.Grow may allocate twice): the encoder and the
// stream framer build frames with it.
func Grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	nd := make([]byte, len(dst), len(dst)+n)
	copy(nd, dst)
	return nd
}
