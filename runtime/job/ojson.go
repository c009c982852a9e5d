package job

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Jobspecs are edited in place and encoded with their keys in insertion
// order, as jansson keeps them, so that an encoded jobspec is byte for byte
// what flux-core's library writes. Values are: nil, bool, string,
// json.Number (integers and reals as written), int64, float64, []any and
// *Object.

// Object is a JSON object that remembers the order its keys were added.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{vals: map[string]any{}} }

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[key]
	return v, ok
}

// Set sets key, keeping its position when it already exists.
func (o *Object) Set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Del removes key, if present.
func (o *Object) Del(key string) {
	if _, ok := o.vals[key]; !ok {
		return
	}
	delete(o.vals, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the keys in order.
func (o *Object) Keys() []string { return append([]string(nil), o.keys...) }

// Len is the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// MarshalJSON encodes the object compactly, keys in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := encodeValue(&b, o, EncodeCompact, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// clone makes a deep copy of v.
func clone(v any) any {
	switch t := v.(type) {
	case *Object:
		c := NewObject()
		for _, k := range t.keys {
			c.Set(k, clone(t.vals[k]))
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = clone(e)
		}
		return c
	}
	return v
}

// errJSON is a decoding error with the decoder's text.
type errJSON struct{ text string }

func (e *errJSON) Error() string { return e.text }

// decodeOrdered parses one JSON text into ordered values; anything after
// it other than white space is an error.
func decodeOrdered(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &errJSON{"end of file expected"}
	}
	return v, nil
}

// decodeValue reads one value from the token stream.
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, &errJSON{"'[' or '{' expected near end of file"}
		}
		return nil, &errJSON{err.Error()}
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, &errJSON{err.Error()}
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, &errJSON{err.Error()}
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, &errJSON{err.Error()}
			}
			return a, nil
		}
		return nil, &errJSON{"unexpected " + t.String()}
	}
	return tok, nil
}

// Encoding flags, with jansson's values (json_dumps flags).
const (
	EncodeIndentMask   = 0x1f  // JSON_INDENT(n): n spaces per level, with newlines
	EncodeCompact      = 0x20  // JSON_COMPACT: no spaces after ',' and ':'
	EncodeEnsureASCII  = 0x40  // JSON_ENSURE_ASCII: \u escapes for non-ASCII
	EncodeSortKeys     = 0x80  // JSON_SORT_KEYS
	EncodeEscapeSlash  = 0x400 // JSON_ESCAPE_SLASH
	encodePrecisionPos = 11    // JSON_REAL_PRECISION(n) is n << 11, 5 bits
)

// encodeJSON encodes v as jansson's json_dumps does with flags.
func encodeJSON(v any, flags int) (string, error) {
	var b bytes.Buffer
	if err := encodeValue(&b, v, flags, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// newline writes the line break and indentation before an element.
func newline(b *bytes.Buffer, flags, depth int) {
	if n := flags & EncodeIndentMask; n > 0 {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", n*depth))
	}
}

// encodeValue appends one value.
func encodeValue(b *bytes.Buffer, v any, flags, depth int) error {
	sep, colon := ", ", ": "
	if flags&EncodeIndentMask > 0 {
		sep = ","
	}
	if flags&EncodeCompact != 0 {
		sep, colon = ",", ":"
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case string:
		return encodeString(b, t, flags)
	case json.Number:
		s := string(t)
		if strings.ContainsAny(s, ".eE") {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return err
			}
			return encodeReal(b, f, flags)
		}
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		b.WriteString(strconv.FormatInt(i, 10))
	case int:
		b.WriteString(strconv.Itoa(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case float64:
		return encodeReal(b, t, flags)
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(b, flags, depth+1)
			if err := encodeValue(b, e, flags, depth+1); err != nil {
				return err
			}
		}
		newline(b, flags, depth)
		b.WriteByte(']')
	case *Object:
		if t.Len() == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := t.keys
		if flags&EncodeSortKeys != 0 {
			keys = append([]string(nil), keys...)
			sort.Strings(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(b, flags, depth+1)
			if err := encodeString(b, k, flags); err != nil {
				return err
			}
			b.WriteString(colon)
			if err := encodeValue(b, t.vals[k], flags, depth+1); err != nil {
				return err
			}
		}
		newline(b, flags, depth)
		b.WriteByte('}')
	default:
		return errors.New("unsupported JSON value")
	}
	return nil
}

// encodeReal writes a real as "%.17g" (or the requested precision),
// adding ".0" when the result looks like an integer; NaN and infinities
// cannot be encoded.
func encodeReal(b *bytes.Buffer, f float64, flags int) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("real value is not finite")
	}
	prec := (flags >> encodePrecisionPos) & 0x1f
	if prec == 0 {
		prec = 17
	}
	s := strconv.FormatFloat(f, 'g', prec, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	b.WriteString(s)
	return nil
}

// encodeString writes a quoted string with jansson's escapes.
func encodeString(b *bytes.Buffer, s string, flags int) error {
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8 string")
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '/' && flags&EncodeEscapeSlash != 0:
			b.WriteString(`\/`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r)+0x100, 16)[1:]))
		case r > 0x7f && flags&EncodeEnsureASCII != 0:
			if r > 0xffff {
				r -= 0x10000
				writeU(b, 0xd800|(r>>10)&0x3ff)
				writeU(b, 0xdc00|r&0x3ff)
			} else {
				writeU(b, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return nil
}

// writeU writes one \uXXXX escape with upper-case hex digits.
func writeU(b *bytes.Buffer, r rune) {
	b.WriteString(`\u`)
	b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r)+0x10000, 16)[1:]))
}
