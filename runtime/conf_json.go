package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"
)

// The configuration tree is JSON as jansson holds it: objects
// (map[string]any), arrays ([]any), strings, booleans, integers (int64),
// reals (float64) and null (nil). This file copies, merges, encodes and
// decodes such trees.

// confCopy returns a deep copy of v.
func confCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = confCopy(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = confCopy(x)
		}
		return a
	}
	return v
}

// confMerge merges src into dst as json_object_update_recursive does: a
// key whose value is an object on both sides is merged, any other value
// of src replaces dst's. src's values are copied.
func confMerge(dst, src map[string]any) {
	for k, v := range src {
		if so, ok := v.(map[string]any); ok {
			if do, ok := dst[k].(map[string]any); ok {
				confMerge(do, so)
				continue
			}
		}
		dst[k] = confCopy(v)
	}
}

// confSetPath stores val at the dotted path key of obj, making the
// intermediate objects that are missing (flux-core's jpath_set). An empty
// path component is EINVAL; a path through a value that is not an object
// fails as in flux-core (ENOMEM).
func confSetPath(obj map[string]any, key string, val any) error {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		if p == "" {
			return ErrnoError(syscall.EINVAL)
		}
		if i == len(parts)-1 {
			obj[p] = val
			return nil
		}
		next, ok := obj[p]
		if !ok {
			m := map[string]any{}
			obj[p] = m
			obj = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return ErrnoError(syscall.ENOMEM) // as jansson's failed set
		}
		obj = m
	}
	return nil
}

// confEncode appends the compact JSON of v to b, as jansson's
// json_dumps(JSON_COMPACT) writes it, except that object keys are sorted.
func confEncode(b []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, t)
	case int64:
		return strconv.AppendInt(b, t, 10)
	case int:
		return strconv.AppendInt(b, int64(t), 10)
	case float64:
		return appendReal(b, t)
	case string:
		return appendJSONString(b, t)
	case []any:
		b = append(b, '[')
		for i, x := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = confEncode(b, x)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = confEncode(b, t[k])
		}
		return append(b, '}')
	}
	return appendJSONString(b, fmt.Sprint(v))
}

// appendReal writes a real as jansson does ("%.17g", with ".0" added
// when the text would read as an integer).
func appendReal(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...)
	}
	s := strconv.FormatFloat(f, 'g', 17, 64)
	b = append(b, s...)
	if !strings.ContainsAny(s, ".eE") {
		b = append(b, ".0"...)
	}
	return b
}

// appendJSONString writes s as a JSON string: '"' and '\\' escaped,
// control characters as \b \f \n \r \t or \uXXXX, everything else as is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}

// confJSONError is a JSON parse error with the line it was found on.
type confJSONError struct {
	line int
	text string
}

func (e *confJSONError) Error() string { return e.text }

// confDecodeJSON parses one JSON value, keeping integers (int64) and
// reals (float64) apart as jansson does.
func confDecodeJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, jsonLineError(data, err)
	}
	if d.More() {
		off := d.InputOffset()
		return nil, &confJSONError{line: lineAt(data, int(off)), text: "end of file expected"}
	}
	return confFromNumbers(v)
}

// jsonLineError turns a decoding error into a confJSONError with the
// line of the offending byte.
func jsonLineError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &confJSONError{line: lineAt(data, int(se.Offset)), text: se.Error()}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &confJSONError{line: lineAt(data, len(data)), text: "unexpected end of input"}
	}
	return &confJSONError{line: lineAt(data, len(data)), text: err.Error()}
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// confFromNumbers replaces json.Number values by int64 or float64.
func confFromNumbers(v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
			return nil, &confJSONError{line: 1, text: "too big integer"}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, &confJSONError{line: 1, text: "real number overflow"}
		}
		return f, nil
	case map[string]any:
		for k, x := range t {
			y, err := confFromNumbers(x)
			if err != nil {
				return nil, err
			}
			t[k] = y
		}
	case []any:
		for i, x := range t {
			y, err := confFromNumbers(x)
			if err != nil {
				return nil, err
			}
			t[i] = y
		}
	}
	return v, nil
}
