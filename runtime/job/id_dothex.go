package job

// dothexEncode formats id as four dot-separated 16-bit groups of four
// lower-case hex digits ("0000.0001.0002.0003").
func dothexEncode(id ID) string {
	b := make([]byte, 0, 19)
	for shift := 48; shift >= 0; shift -= 16 {
		g := uint16(id >> uint(shift))
		for s := 12; s >= 0; s -= 4 {
			b = append(b, "0123456789abcdef"[(g>>uint(s))&0xf])
		}
		if shift > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// dothexDecode parses four '.'-separated hex fields with the rules of
// sscanf's "%4x.%4x.%4x.%4x" and nothing after them: each field may have
// leading white space, a sign and a 0x prefix, and at most four characters
// (prefix included).
func dothexDecode(s string) (ID, bool) {
	var b [4]uint32
	for i := range b {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return 0, false
			}
			s = s[1:]
		}
		v, rest, ok := scanHex4(s)
		if !ok {
			return 0, false
		}
		b[i] = v
		s = rest
	}
	// Combined as flux-core does: a wrapped negative field spills into
	// the fields above it.
	id := ID(b[0])<<48 | ID(b[1])<<32 | ID(b[2])<<16 | ID(b[3])
	return id, s == ""
}

// scanHex4 reads one "%4x" conversion: the field's value (as C's unsigned
// int, a negative one wrapped) and what follows it.
func scanHex4(s string) (uint32, string, bool) {
	s = skipSpace(s)
	width := 4
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
		width--
	}
	if width >= 2 && len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		// A 0x prefix counts against the width. When no digit follows it,
		// sscanf has still consumed the "0x" and converts the 0.
		s = s[2:]
		width -= 2
		if width == 0 || len(s) == 0 || digitValue(s[0]) >= 16 {
			return 0, s, true
		}
	}
	var v uint32
	n := 0
	for n < width && n < len(s) && digitValue(s[n]) < 16 {
		v = v<<4 | uint32(digitValue(s[n]))
		n++
	}
	if n == 0 {
		return 0, s, false
	}
	if neg {
		v = -v
	}
	return v, s[n:], true
}
