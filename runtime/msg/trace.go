package msg

import (
	"io"
	"math"
	"strconv"
	"strings"
)

// traceRule is the separator line that opens every trace block.
const traceRule = "--------------------------------------\n"

// traceFlagNames are the flags a trace shows, in display order. USER1 is
// deliberately absent: flux-core never prints it.
var traceFlagNames = [...]struct {
	flag uint8
	name string
}{
	{FlagTopic, "topic"},
	{FlagPayload, "payload"},
	{FlagNoResponse, "noresponse"},
	{FlagRoute, "route"},
	{FlagUpstream, "upstream"},
	{FlagPrivate, "private"},
	{FlagStreaming, "streaming"},
}

// Limits that mirror the fixed C buffers behind the trace text.
const (
	// rolemaskTextMax: the role list is built in a 32-byte buffer.
	rolemaskTextMax = 31
	// controlTextMax: handle trace lines are formatted into 256 bytes.
	controlTextMax = 255
	// hexPayloadCols: a raw payload is shown in at most 78 hex columns; a
	// longer one is cut to (78-3)/2 bytes followed by "...".
	hexPayloadCols = 78
)

// appendTimestamp appends the timestamp line unless ts is negative (or
// NaN), in C's "%.5f" form.
func appendTimestamp(dst []byte, prefix byte, ts float64) []byte {
	if !(ts >= 0) {
		return dst
	}
	dst = append(dst, prefix, ' ')
	if math.IsInf(ts, 1) {
		dst = append(dst, "inf"...)
	} else {
		dst = strconv.AppendFloat(dst, ts, 'f', 5, 64)
	}
	return append(dst, '\n')
}

// appendUntilNUL appends s up to its first NUL, as printf("%s") would.
func appendUntilNUL[T string | []byte](dst []byte, s T) []byte {
	for i := range len(s) {
		if s[i] == 0 {
			return append(dst, s[:i]...)
		}
	}
	return append(dst, s...)
}

// appendRolemask appends the role list: "none", "all", or the set bits in
// ascending order by name (owner, user, local, admin) or as 0x%x, cut to
// the size of the C buffer.
func appendRolemask(dst []byte, rolemask uint32) []byte {
	switch rolemask {
	case RoleNone:
		return append(dst, "none"...)
	case RoleAll:
		return append(dst, "all"...)
	}
	start := len(dst)
	for i := range 32 {
		bit := uint32(1) << i
		if rolemask&bit == 0 {
			continue
		}
		if len(dst) > start {
			dst = append(dst, ',')
		}
		switch bit {
		case RoleOwner:
			dst = append(dst, "owner"...)
		case RoleUser:
			dst = append(dst, "user"...)
		case RoleLocal:
			dst = append(dst, "local"...)
		case RoleAdmin:
			dst = append(dst, "admin"...)
		default:
			dst = append(dst, "0x"...)
			dst = strconv.AppendUint(dst, uint64(bit), 16)
		}
	}
	if len(dst)-start > rolemaskTextMax {
		dst = dst[:start+rolemaskTextMax]
	}
	return dst
}

// appendHexUpper appends b as uppercase hex digits.
func appendHexUpper(dst []byte, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&0x0f])
	}
	return dst
}

// appendTrace appends the flux_msg_fprint_ts text of m.
func appendTrace(dst []byte, m *Message, ts float64) []byte {
	dst = append(dst, traceRule...)
	if m == nil {
		return append(dst, "NULL"...)
	}
	p := typePrefix(m.Type)
	dst = appendTimestamp(dst, p, ts)
	if m.HasTopic() {
		dst = append(dst, p, ' ')
		dst = appendUntilNUL(dst, m.Topic)
		dst = append(dst, '\n')
	}

	dst = append(dst, p, ' ')
	dst = append(dst, "flags="...)
	first := true
	for _, f := range traceFlagNames {
		if m.Flags&f.flag == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		dst = append(dst, f.name...)
		first = false
	}
	dst = append(dst, " userid="...)
	if m.Userid == UseridUnknown {
		dst = append(dst, "unknown"...)
	} else {
		dst = strconv.AppendUint(dst, uint64(m.Userid), 10)
	}
	dst = append(dst, " rolemask="...)
	dst = appendRolemask(dst, m.Rolemask)
	dst = append(dst, ' ')
	switch m.Type {
	case TypeRequest:
		dst = append(dst, "nodeid="...)
		switch m.Aux1 {
		case NodeIDAny:
			dst = append(dst, "any"...)
		case NodeIDUpstream:
			dst = append(dst, "upstream"...)
		default:
			dst = strconv.AppendUint(dst, uint64(m.Aux1), 10)
		}
		dst = append(dst, " matchtag="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux2), 10)
	case TypeResponse:
		dst = append(dst, "errnum="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux1), 10)
		dst = append(dst, " matchtag="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux2), 10)
	case TypeEvent:
		dst = append(dst, "sequence="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux1), 10)
	case TypeControl:
		dst = append(dst, "type="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux1), 10)
		dst = append(dst, " status="...)
		dst = strconv.AppendUint(dst, uint64(m.Aux2), 10)
	default:
		dst = append(dst, "aux1=0x"...)
		dst = append(dst, strings.ToUpper(strconv.FormatUint(uint64(m.Aux1), 16))...)
		dst = append(dst, " aux2=0x"...)
		dst = append(dst, strings.ToUpper(strconv.FormatUint(uint64(m.Aux2), 16))...)
	}
	dst = append(dst, '\n')

	if m.HasRoute() && len(m.Routes) > 0 {
		dst = append(dst, p, ' ', '|')
		dst = appendRouteString(dst, m.Routes)
		dst = append(dst, '|', '\n')
	}

	if m.HasPayload() {
		dst = append(dst, p, ' ')
		n := len(m.Payload)
		switch {
		case n > 0 && m.Payload[n-1] == 0:
			dst = appendUntilNUL(dst, m.Payload)
		case 2*n > hexPayloadCols:
			dst = appendHexUpper(dst, m.Payload[:(hexPayloadCols-3)/2])
			dst = append(dst, "..."...)
		default:
			dst = appendHexUpper(dst, m.Payload)
		}
		dst = append(dst, '\n')
	}
	return dst
}

// FprintTS writes m to w in the FLUX_O_TRACE layout of flux_msg_fprint_ts:
// a line of 38 dashes; then, each line starting with the type prefix
// ('>' request, '<' response, 'e' event, 'c' control, '?' otherwise) and a
// space: the timestamp with 5 decimals (omitted when ts is negative), the
// topic if present, the flags/credentials/aux line, the route stack between
// '|' if it is not empty, and the payload if present (as text when it ends
// in NUL, else as uppercase hex, cut to 37 bytes plus "..." when it would
// need more than 78 columns). A nil m prints the dashes and "NULL" with no
// newline. The block is written with a single Write; write errors are
// ignored, as they are for the C stderr trace.
func FprintTS(w io.Writer, m *Message, ts float64) {
	_, _ = w.Write(appendTrace(make([]byte, 0, 256), m, ts))
}

// FprintControlText writes one of the handle's internal trace blocks (such
// as "trying to reconnect" or "reconnected"): the dashes line, the 'c'
// timestamp line (omitted when ts is negative) and "c <text>". The text is
// cut at a NUL and to 255 bytes, the room the C handle gives it.
func FprintControlText(w io.Writer, ts float64, text string) {
	if i := strings.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	if len(text) > controlTextMax {
		text = text[:controlTextMax]
	}
	b := make([]byte, 0, len(traceRule)+len(text)+24)
	b = append(b, traceRule...)
	b = appendTimestamp(b, 'c', ts)
	b = append(b, 'c', ' ')
	b = append(b, text...)
	b = append(b, '\n')
	_, _ = w.Write(b)
}
