package broker

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// This file holds the little JSON the services need, shaped like jansson's
// behaviour (the C library flux-core uses): member order is kept, a
// repeated key keeps its first position and takes the last value, integers
// and reals stay distinct, and output is either compact (what
// flux_respond_pack produces) or jansson's default ", " / ": " style (what
// broker.ping produces).

// jkind is the kind of a parsed JSON value.
type jkind int

const (
	jNull jkind = iota
	jTrue
	jFalse
	jInt
	jReal
	jString
	jArray
	jObject
)

// jvalue is one parsed JSON value.
type jvalue struct {
	kind jkind
	i    int64
	f    float64
	s    string
	arr  []*jvalue
	keys []string
	vals map[string]*jvalue
}

// set stores v under key, keeping the key's first position if present.
func (o *jvalue) set(key string, v *jvalue) {
	if o.vals == nil {
		o.vals = make(map[string]*jvalue)
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// errJSON reports any JSON text jansson would refuse.
var errJSON = errors.New("invalid JSON")

// parseJSON parses a complete JSON text. With anyValue false only an object
// or an array is accepted at the top level, as json_loads does by default.
func parseJSON(text []byte, anyValue bool) (*jvalue, error) {
	if !utf8.Valid(text) {
		return nil, errJSON
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errJSON
	}
	if !anyValue && v.kind != jObject && v.kind != jArray {
		return nil, errJSON
	}
	return v, nil
}

// parseValue reads one value from dec.
func parseValue(dec *json.Decoder) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, errJSON
	}
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		if t {
			return &jvalue{kind: jTrue}, nil
		}
		return &jvalue{kind: jFalse}, nil
	case string:
		if strings.IndexByte(t, 0) >= 0 {
			return nil, errJSON // jansson refuses \u0000 by default
		}
		return &jvalue{kind: jString, s: t}, nil
	case json.Number:
		return parseNumber(string(t))
	case json.Delim:
		switch t {
		case '{':
			o := &jvalue{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, errJSON
				}
				key, ok := kt.(string)
				if !ok || strings.IndexByte(key, 0) >= 0 {
					return nil, errJSON
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(key, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, errJSON
			}
			return o, nil
		case '[':
			a := &jvalue{kind: jArray}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a.arr = append(a.arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, errJSON
			}
			return a, nil
		}
	}
	return nil, errJSON
}

// parseNumber classifies a number the way jansson does: no '.', 'e' or 'E'
// makes an integer (which must fit in 64 bits), anything else a real.
func parseNumber(s string) (*jvalue, error) {
	if !strings.ContainsAny(s, ".eE") {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errJSON
		}
		return &jvalue{kind: jInt, i: i}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, errJSON
	}
	return &jvalue{kind: jReal, f: f}, nil
}

// jsonReal formats a real as jansson does: %.17g, then a ".0" when the
// result would read back as an integer, and no '+' or leading zeros in the
// exponent.
func jsonReal(f float64) string {
	s := strconv.FormatFloat(f, 'g', 17, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i+1], s[i+1:]
		neg := strings.HasPrefix(exp, "-")
		exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if exp == "" {
			exp = "0"
		}
		if neg {
			exp = "-" + exp
		}
		s = mant + exp
	}
	return s
}

// appendJSONString appends s quoted the way jansson dumps strings: only the
// quote, the backslash and control characters are escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			dst = append(dst, '\\', '"')
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// appendJSON dumps v; spaced selects jansson's default separators.
func appendJSON(dst []byte, v *jvalue, spaced bool) []byte {
	comma, colon := ",", ":"
	if spaced {
		comma, colon = ", ", ": "
	}
	switch v.kind {
	case jNull:
		return append(dst, "null"...)
	case jTrue:
		return append(dst, "true"...)
	case jFalse:
		return append(dst, "false"...)
	case jInt:
		return strconv.AppendInt(dst, v.i, 10)
	case jReal:
		return append(dst, jsonReal(v.f)...)
	case jString:
		return appendJSONString(dst, v.s)
	case jArray:
		dst = append(dst, '[')
		for i, e := range v.arr {
			if i > 0 {
				dst = append(dst, comma...)
			}
			dst = appendJSON(dst, e, spaced)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i, k := range v.keys {
			if i > 0 {
				dst = append(dst, comma...)
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, colon...)
			dst = appendJSON(dst, v.vals[k], spaced)
		}
		return append(dst, '}')
	}
}

// Value constructors for building compact responses.
func jStr(s string) *jvalue  { return &jvalue{kind: jString, s: s} }
func jNum(i int64) *jvalue   { return &jvalue{kind: jInt, i: i} }
func jFlt(f float64) *jvalue { return &jvalue{kind: jReal, f: f} }
func jBool(b bool) *jvalue {
	if b {
		return &jvalue{kind: jTrue}
	}
	return &jvalue{kind: jFalse}
}

// jObj builds an object from alternating keys and values.
func jObj(kv ...any) *jvalue {
	o := &jvalue{kind: jObject}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1].(*jvalue))
	}
	return o
}

// compact renders v as a compact JSON string.
func compact(v *jvalue) string { return string(appendJSON(nil, v, false)) }

// requestObject decodes a request payload as flux_request_unpack does: the
// payload must be a NUL-terminated string holding a JSON object. Anything
// else is EPROTO.
func requestObject(m *msg.Message) (*jvalue, syscall.Errno) {
	s, ok, err := m.String()
	if err != nil || !ok {
		return nil, syscall.EPROTO
	}
	v, perr := parseJSON([]byte(s), false)
	if perr != nil || v.kind != jObject {
		return nil, syscall.EPROTO
	}
	return v, 0
}

// requestString returns the string member key of a request's JSON object
// payload ("{s:s}"); anything else is EPROTO.
func requestString(m *msg.Message, key string) (string, syscall.Errno) {
	o, errno := requestObject(m)
	if errno != 0 {
		return "", errno
	}
	v, ok := o.getString(key)
	if !ok {
		return "", syscall.EPROTO
	}
	return v, 0
}

// getString returns the string member key ("s" in a jansson format).
func (o *jvalue) getString(key string) (string, bool) {
	v, ok := o.vals[key]
	if !ok || v.kind != jString {
		return "", false
	}
	return v.s, true
}

// getInt returns the integer member key ("i": a real does not qualify).
func (o *jvalue) getInt(key string) (int64, bool) {
	v, ok := o.vals[key]
	if !ok || v.kind != jInt {
		return 0, false
	}
	return v.i, true
}

// optBool returns an optional boolean member ("s?b"): absent is (false,
// true), present and not a boolean is (false, false).
func (o *jvalue) optBool(key string) (val, ok bool) {
	v, present := o.vals[key]
	if !present {
		return false, true
	}
	switch v.kind {
	case jTrue:
		return true, true
	case jFalse:
		return false, true
	}
	return false, false
}
