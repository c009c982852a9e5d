package kvs

// A small strict JSON scanner for the hot path of a lookup: finding the
// "val" member of a response and reading a val tree object without
// encoding/json's reflection and allocations. It only ever answers "this
// is the plain case, here is the result" or "not sure": anything it does
// not fully understand (escapes in a string it must return, duplicate
// members, other tree types) sends the caller to the general decoder,
// which then decides, so behaviour is the general decoder's.

// scanner walks a JSON text; pos is the next byte to read.
type scanner struct {
	b   []byte
	pos int
}

// ws skips white space.
func (s *scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.b) {
		return s.b[s.pos]
	}
	return 0
}

// eat consumes c after white space.
func (s *scanner) eat(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.pos++
	return true
}

// plainString reads a string and returns its bytes when it holds no
// escape and only ASCII (the bytes are then its value); plain is false
// for a valid string that has either, ok false for an invalid one.
func (s *scanner) plainString() (v []byte, plain, ok bool) {
	if !s.eat('"') {
		return nil, false, false
	}
	start := s.pos
	plain = true
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			v = s.b[start:s.pos]
			s.pos++
			return v, plain, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			plain = false
			s.pos++
			if s.pos >= len(s.b) {
				return nil, false, false
			}
			switch s.b[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				if s.pos+5 > len(s.b) {
					return nil, false, false
				}
				for _, h := range s.b[s.pos+1 : s.pos+5] {
					if !isHex(h) {
						return nil, false, false
					}
				}
				s.pos += 5
			default:
				return nil, false, false
			}
		case c >= 0x80:
			plain = false
			s.pos++
		default:
			s.pos++
		}
	}
	return nil, false, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number skips a JSON number.
func (s *scanner) number() bool {
	s.ws()
	b, i := s.b, s.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	s.pos = i
	return true
}

// literal skips the word w (true, false, null).
func (s *scanner) literal(w string) bool {
	s.ws()
	if len(s.b)-s.pos < len(w) || string(s.b[s.pos:s.pos+len(w)]) != w {
		return false
	}
	s.pos += len(w)
	return true
}

// value skips one JSON value; depth bounds nesting.
func (s *scanner) value(depth int) bool {
	if depth > 64 {
		return false
	}
	switch s.peek() {
	case '{':
		return s.object(depth, func([]byte, bool) bool { return s.value(depth + 1) })
	case '[':
		s.pos++
		if s.eat(']') {
			return true
		}
		for {
			if !s.value(depth + 1) {
				return false
			}
			if s.eat(']') {
				return true
			}
			if !s.eat(',') {
				return false
			}
		}
	case '"':
		_, _, ok := s.plainString()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

// object reads an object, calling member with each name (and whether it
// is plain, see plainString) positioned at the member's value, which
// member must consume.
func (s *scanner) object(depth int, member func(name []byte, plain bool) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		name, plain, ok := s.plainString()
		if !ok || !s.eat(':') || !member(name, plain) {
			return false
		}
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.pos == len(s.b)
}

// scanLookupVal finds the top-level "val" member of a lookup response
// (a JSON object) and returns its raw text; ok is false when the payload
// is not a plain object with exactly one "val" (the general decoder
// then decides).
func scanLookupVal(p []byte) (raw []byte, ok bool) {
	s := scanner{b: p}
	found := false
	good := s.object(0, func(name []byte, plain bool) bool {
		if !plain || len(name) == 3 && string(name) != "val" && foldsToVal(name) {
			return false
		}
		s.ws()
		start := s.pos
		if !s.value(1) {
			return false
		}
		if string(name) == "val" {
			if found {
				return false
			}
			found, raw = true, s.b[start:s.pos]
		}
		return true
	})
	if !good || !found || !s.end() {
		return nil, false
	}
	return raw, true
}

// foldsToVal reports whether a 3-byte ASCII name matches "val" ignoring
// case, as encoding/json matches member names.
func foldsToVal(n []byte) bool {
	return n[0]|0x20 == 'v' && n[1]|0x20 == 'a' && n[2]|0x20 == 'l'
}

// scanValTree reads a val tree object {"data":"…","type":"val","ver":1}
// (members in any order); ok is false for anything else, including other
// tree types, which the general decoder handles.
func scanValTree(raw []byte) (*Tree, bool) {
	s := scanner{b: raw}
	var data []byte
	var seen int // bits: 1 data, 2 type, 4 ver
	good := s.object(0, func(name []byte, plain bool) bool {
		if !plain {
			return false
		}
		switch string(name) {
		case "data":
			v, plain, ok := s.plainString()
			if !ok || !plain || seen&1 != 0 {
				return false
			}
			data, seen = v, seen|1
		case "type":
			v, plain, ok := s.plainString()
			if !ok || !plain || seen&2 != 0 || string(v) != TypeVal {
				return false
			}
			seen |= 2
		case "ver":
			if !s.eat('1') || seen&4 != 0 {
				return false
			}
			if c := s.peek(); c != ',' && c != '}' {
				return false
			}
			seen |= 4
		default:
			return false
		}
		return true
	})
	if !good || seen != 7 || !s.end() {
		return nil, false
	}
	return &Tree{typ: TypeVal, val: string(data)}, true
}
