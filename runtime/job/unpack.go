package job

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A small imitation of jansson's json_unpack for the shapes the jobspec
// checks use, producing jansson's error texts ("Object item not found:
// x", "Expected integer, got string", "1 object item(s) left unpacked:
// x"), which flux-core puts in its validation messages.

// field is one "s:<kind>" pair of an unpack format: kind 'o' (any), 's'
// (string), 'i' (integer) or 'b' (boolean); optional is "s?".
type field struct {
	name     string
	kind     byte
	optional bool
}

// typeName is jansson's name for the type of v.
func typeName(v any) string {
	switch t := v.(type) {
	case *Object:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			return "real"
		}
		return "integer"
	case int, int64:
		return "integer"
	case float64:
		return "real"
	case bool:
		if t {
			return "true"
		}
		return "false"
	}
	return "null"
}

// isInteger reports whether v is a JSON integer, and its value.
func isInteger(v any) (int64, bool) {
	switch t := v.(type) {
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			return 0, false
		}
		i, err := t.Int64()
		return i, err == nil
	case int:
		return int64(t), true
	case int64:
		return t, true
	}
	return 0, false
}

// isNumber reports whether v is a JSON integer or real.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, int, int64, float64:
		return true
	}
	return false
}

// kindMatches checks one value against a format kind, returning
// jansson's complaint when it does not fit.
func kindMatches(v any, kind byte) (string, bool) {
	switch kind {
	case 's':
		if _, ok := v.(string); !ok {
			return "Expected string, got " + typeName(v), false
		}
	case 'i':
		if _, ok := isInteger(v); !ok {
			return "Expected integer, got " + typeName(v), false
		}
	case 'b':
		if _, ok := v.(bool); !ok {
			return "Expected true or false, got " + typeName(v), false
		}
	}
	return "", true
}

// unpackObject checks that v is an object with fields, in format order;
// strict also rejects keys the format does not name. The text is empty on
// success.
func unpackObject(v any, fields []field, strict bool) (*Object, string) {
	o, ok := v.(*Object)
	if !ok {
		return nil, "Expected object, got " + typeName(v)
	}
	for _, f := range fields {
		val, ok := o.Get(f.name)
		if !ok {
			if f.optional {
				continue
			}
			return nil, "Object item not found: " + f.name
		}
		if text, ok := kindMatches(val, f.kind); !ok {
			return nil, text
		}
	}
	if strict {
		var extra []string
	outer:
		for _, k := range o.keys {
			for _, f := range fields {
				if f.name == k {
					continue outer
				}
			}
			extra = append(extra, k)
		}
		if len(extra) > 0 {
			return nil, fmt.Sprintf("%d object item(s) left unpacked: %s", len(extra), strings.Join(extra, ", "))
		}
	}
	return o, ""
}

// unpackFirst is "[o]": v must be an array with a first element.
func unpackFirst(v any) (any, string) {
	a, ok := v.([]any)
	if !ok {
		return nil, "Expected array, got " + typeName(v)
	}
	if len(a) == 0 {
		return nil, "Array index 0 out of range"
	}
	return a[0], ""
}
