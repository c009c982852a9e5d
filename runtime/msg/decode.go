package msg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"syscall"
	"unsafe"
)

// frameLen reads the length prefix at the start of b. It returns the data
// length n and the prefix size h, with ok false when the prefix or the data
// it announces runs past the end of b. A long-form prefix holding a length
// under 255 is accepted, as flux-core accepts it.
func frameLen(b []byte) (n, h int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] != longLengthMark {
		n, h = int(b[0]), 1
	} else {
		if len(b) < 5 {
			return 0, 0, false
		}
		v := binary.BigEndian.Uint32(b[1:5])
		if uint64(v) > uint64(len(b)-5) {
			return 0, 0, false
		}
		n, h = int(v), 5
	}
	if n > len(b)-h {
		return 0, 0, false
	}
	return n, h, true
}

// frameIter walks frames whose prefixes have already been validated,
// stopping before the last (PROTO) frame.
type frameIter struct {
	b    []byte
	off  int
	left int // frames still available before the PROTO frame
}

// next returns the data of the next frame, or ok false when only the PROTO
// frame is left.
func (it *frameIter) next() (data []byte, ok bool) {
	if it.left <= 0 {
		return nil, false
	}
	n, h, ok := frameLen(it.b[it.off:])
	if !ok {
		return nil, false
	}
	it.left--
	data = it.b[it.off+h : it.off+h+n]
	it.off += h + n
	return data, true
}

// Decode parses one RFC 3 encoded message (without the stream header).
// It follows flux_msg_decode exactly:
//
//   - a length prefix or frame data running past the input: EINVAL;
//   - empty input: EPROTO (flux-core asserts instead);
//   - a last frame that is not a 20-byte PROTO with magic 0x8e, version 1
//     and one of the four message types: EPROTO;
//   - FlagRoute without an empty delimiter frame before the PROTO: EPROTO;
//   - FlagTopic or FlagPayload with no frame left for it: EPROTO;
//   - frames beyond those the flags account for are ignored;
//   - the topic is cut at its first NUL; a zero-length payload frame gives a
//     message with FlagPayload and an empty, non-nil Payload;
//   - non-minimal (5-byte) length prefixes are accepted.
//
// Route ids are kept byte for byte (flux-core would cut one at a NUL, which
// never occurs in its UUID ids); this keeps every decoded message encodable.
// Input longer than MaxFrameSize is refused with EMSGSIZE. Errors wrap the
// syscall.Errno, so errors.Is(err, syscall.EPROTO) works.
//
// The result does not alias b. Its route ids, topic and payload share one
// freshly allocated buffer (the strings point into it, the payload is a
// capacity-limited slice of it), so decoding costs two allocations: the
// Message, with room for up to two route ids, and that buffer (a third
// for a route stack deeper than two).
func Decode(b []byte) (*Message, error) {
	return decode(b, MaxFrameSize)
}

// decode is Decode with the size cap as a parameter, so tests can exercise
// the cap without gigabyte inputs.
func decode(b []byte, limit int) (*Message, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("msg: decode empty buffer: %w", syscall.EPROTO)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("msg: decode %d bytes, more than the %d byte limit: %w", len(b), limit, syscall.EMSGSIZE)
	}

	// Pass 1: check every length prefix, count frames, find the last one.
	var proto []byte
	count := 0
	for off := 0; off < len(b); {
		n, h, ok := frameLen(b[off:])
		if !ok {
			return nil, fmt.Errorf("msg: decode: frame %d at offset %d runs past the end of the buffer: %w", count, off, syscall.EINVAL)
		}
		proto = b[off+h : off+h+n]
		off += h + n
		count++
	}

	if len(proto) != ProtoSize {
		return nil, fmt.Errorf("msg: decode: PROTO frame is %d bytes, not %d: %w", len(proto), ProtoSize, syscall.EPROTO)
	}
	if proto[0] != ProtoMagic || proto[1] != ProtoVersion {
		return nil, fmt.Errorf("msg: decode: bad PROTO magic/version %#02x/%#02x: %w", proto[0], proto[1], syscall.EPROTO)
	}
	if !IsValidType(proto[2]) {
		return nil, fmt.Errorf("msg: decode: invalid message type %#02x: %w", proto[2], syscall.EPROTO)
	}
	d := &decoded{}
	m := &d.m
	*m = Message{
		Type:     proto[2],
		Flags:    proto[3],
		Userid:   binary.BigEndian.Uint32(proto[4:8]),
		Rolemask: binary.BigEndian.Uint32(proto[8:12]),
		Aux1:     binary.BigEndian.Uint32(proto[12:16]),
		Aux2:     binary.BigEndian.Uint32(proto[16:20]),
	}

	// Pass 2: assign the frames before the PROTO to the parts the flags
	// announce.
	it := frameIter{b: b, left: count - 1}
	nroutes, routeBytes := 0, 0
	if m.HasRoute() {
		delimited := false
		for {
			d, ok := it.next()
			if !ok {
				break
			}
			if len(d) == 0 {
				delimited = true
				break
			}
			nroutes++
			routeBytes += len(d)
		}
		if !delimited {
			return nil, fmt.Errorf("msg: decode: route stack has no delimiter frame: %w", syscall.EPROTO)
		}
	}
	var topic, payload []byte
	if m.HasTopic() {
		d, ok := it.next()
		if !ok {
			return nil, fmt.Errorf("msg: decode: topic flag set but no topic frame: %w", syscall.EPROTO)
		}
		if i := bytes.IndexByte(d, 0); i >= 0 {
			d = d[:i]
		}
		topic = d
	}
	if m.HasPayload() {
		d, ok := it.next()
		if !ok {
			return nil, fmt.Errorf("msg: decode: payload flag set but no payload frame: %w", syscall.EPROTO)
		}
		payload = d
	}

	// Copy everything the message keeps into one buffer. Route and topic
	// bytes are never exposed as slices, so the strings over them stay
	// immutable; the payload comes last and its capacity is clipped so an
	// append cannot reach past it.
	buf := make([]byte, routeBytes+len(topic)+len(payload))
	off := 0
	if nroutes > 0 {
		if nroutes <= len(d.routes) {
			m.Routes = d.routes[:nroutes:nroutes]
		} else {
			m.Routes = make([]string, nroutes)
		}
		rit := frameIter{b: b, left: nroutes}
		for i := nroutes - 1; i >= 0; i-- {
			d, _ := rit.next()
			m.Routes[i] = sharedString(buf[off:off+len(d)], d)
			off += len(d)
		}
	}
	if m.HasTopic() {
		m.Topic = sharedString(buf[off:off+len(topic)], topic)
		off += len(topic)
	}
	if m.HasPayload() {
		p := buf[off : off+len(payload) : off+len(payload)]
		copy(p, payload)
		m.Payload = p
	}
	return m, nil
}

// decoded is a Message allocated together with a small Routes array: a
// message seen by a client has at most a route or two.
type decoded struct {
	m      Message
	routes [2]string
}

// sharedString copies src into dst (of the same length) and returns a
// string that uses dst's memory. dst must never be modified afterwards.
func sharedString(dst, src []byte) string {
	if len(src) == 0 {
		return ""
	}
	copy(dst, src)
	return unsafe.String(&dst[0], len(dst))
}
