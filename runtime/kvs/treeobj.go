package kvs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// Tree object types (RFC 11).
const (
	TypeVal     = "val"
	TypeValref  = "valref"
	TypeDir     = "dir"
	TypeDirref  = "dirref"
	TypeSymlink = "symlink"
)

// treeobjVersion is the "ver" of every RFC 11 tree object.
const treeobjVersion = 1

// Tree is an RFC 11 tree object: a value (val, its data base64-encoded),
// a reference to content-store blobs (valref, dirref), a directory (dir,
// its entries tree objects themselves) or a symlink (with an optional
// namespace). Trees made by the New functions or by DecodeTree are
// valid. A Tree is not safe for concurrent modification.
type Tree struct {
	typ     string
	val     string           // val: base64 text as on the wire
	refs    []string         // valref, dirref
	entries map[string]*Tree // dir
	ns      string           // symlink
	hasNS   bool             // symlink: namespace present
	target  string           // symlink
}

// NewVal returns a val tree object holding data.
func NewVal(data []byte) *Tree {
	return &Tree{typ: TypeVal, val: base64.StdEncoding.EncodeToString(data)}
}

// NewValref returns a valref tree object for the given blobrefs (at least
// one for a valid object).
func NewValref(blobrefs ...string) *Tree {
	return &Tree{typ: TypeValref, refs: slices.Clone(blobrefs)}
}

// NewDirref returns a dirref tree object for the given blobrefs.
func NewDirref(blobrefs ...string) *Tree {
	return &Tree{typ: TypeDirref, refs: slices.Clone(blobrefs)}
}

// NewDirTree returns an empty dir tree object.
func NewDirTree() *Tree {
	return &Tree{typ: TypeDir, entries: map[string]*Tree{}}
}

// NewSymlink returns a symlink tree object pointing at target, in
// namespace ns ("" for none: the link resolves in the namespace it is
// looked up in).
func NewSymlink(ns, target string) *Tree {
	return &Tree{typ: TypeSymlink, ns: ns, hasNS: ns != "", target: target}
}

// Type returns the object's type: TypeVal, TypeValref, TypeDir,
// TypeDirref or TypeSymlink ("" for a nil Tree).
func (t *Tree) Type() string {
	if t == nil {
		return ""
	}
	return t.typ
}

// IsVal reports whether t is a val object.
func (t *Tree) IsVal() bool { return t.Type() == TypeVal }

// IsValref reports whether t is a valref object.
func (t *Tree) IsValref() bool { return t.Type() == TypeValref }

// IsDir reports whether t is a dir object.
func (t *Tree) IsDir() bool { return t.Type() == TypeDir }

// IsDirref reports whether t is a dirref object.
func (t *Tree) IsDirref() bool { return t.Type() == TypeDirref }

// IsSymlink reports whether t is a symlink object.
func (t *Tree) IsSymlink() bool { return t.Type() == TypeSymlink }

// DecodeVal returns the data of a val object (treeobj_decode_val): nil
// for an empty value. Another type, or data that is not base64, is EINVAL.
func (t *Tree) DecodeVal() ([]byte, error) {
	if !t.IsVal() {
		return nil, runtime.ErrnoError(syscall.EINVAL)
	}
	if t.val == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(t.val)
	if err != nil {
		return nil, runtime.ErrnoError(syscall.EINVAL)
	}
	return b, nil
}

// Blobrefs returns the blobrefs of a valref or dirref object (nil for
// other types).
func (t *Tree) Blobrefs() []string {
	if t.IsValref() || t.IsDirref() {
		return slices.Clone(t.refs)
	}
	return nil
}

// Symlink returns a symlink's namespace ("" when it has none) and target;
// another type is EINVAL.
func (t *Tree) Symlink() (ns, target string, err error) {
	if !t.IsSymlink() {
		return "", "", runtime.ErrnoError(syscall.EINVAL)
	}
	return t.ns, t.target, nil
}

// Count returns the number of blobrefs of a valref or dirref, of entries
// of a dir, and 1 for a val or symlink (treeobj_get_count); -1 for nil.
func (t *Tree) Count() int {
	switch t.Type() {
	case TypeValref, TypeDirref:
		return len(t.refs)
	case TypeDir:
		return len(t.entries)
	case TypeVal, TypeSymlink:
		return 1
	}
	return -1
}

// Entry returns the entry name of a dir object: EINVAL when t is not a
// dir, ENOENT when it has no such entry. The entry is shared, not copied.
func (t *Tree) Entry(name string) (*Tree, error) {
	if !t.IsDir() {
		return nil, runtime.ErrnoError(syscall.EINVAL)
	}
	e, ok := t.entries[name]
	if !ok {
		return nil, runtime.ErrnoError(syscall.ENOENT)
	}
	return e, nil
}

// Names returns the entry names of a dir object in byte order (nil for
// other types).
func (t *Tree) Names() []string {
	if !t.IsDir() {
		return nil
	}
	names := make([]string, 0, len(t.entries))
	for n := range t.entries {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// SetEntry adds or replaces the entry name of a dir object with a valid
// tree object e (treeobj_insert_entry); anything else is EINVAL.
func (t *Tree) SetEntry(name string, e *Tree) error {
	if !t.IsDir() || e.Validate() != nil {
		return runtime.ErrnoError(syscall.EINVAL)
	}
	t.entries[name] = e
	return nil
}

// DeleteEntry removes the entry name of a dir object: EINVAL when t is
// not a dir, ENOENT when there is no such entry.
func (t *Tree) DeleteEntry(name string) error {
	if !t.IsDir() {
		return runtime.ErrnoError(syscall.EINVAL)
	}
	if _, ok := t.entries[name]; !ok {
		return runtime.ErrnoError(syscall.ENOENT)
	}
	delete(t.entries, name)
	return nil
}

// Copy returns a deep copy of t.
func (t *Tree) Copy() *Tree {
	if t == nil {
		return nil
	}
	c := *t
	c.refs = slices.Clone(t.refs)
	if t.entries != nil {
		c.entries = make(map[string]*Tree, len(t.entries))
		for n, e := range t.entries {
			c.entries[n] = e.Copy()
		}
	}
	return &c
}

// Validate checks t against RFC 11 (treeobj_validate): a known type,
// valref and dirref with at least one valid blobref, dir entries valid in
// turn. A failure is EINVAL.
func (t *Tree) Validate() error {
	inval := runtime.ErrnoError(syscall.EINVAL)
	switch t.Type() {
	case TypeVal, TypeSymlink:
		return nil
	case TypeValref, TypeDirref:
		if len(t.refs) == 0 {
			return inval
		}
		for _, r := range t.refs {
			if ValidateBlobref(r) != nil {
				return inval
			}
		}
		return nil
	case TypeDir:
		for _, e := range t.entries {
			if e.Validate() != nil {
				return inval
			}
		}
		return nil
	}
	return inval
}

// Encode returns t as compact JSON with object keys sorted, the form
// flux-core's treeobj_encode gives (and the one content blobrefs hash).
func (t *Tree) Encode() string {
	return string(t.appendJSON(nil))
}

// MarshalJSON encodes t as Encode does.
func (t *Tree) MarshalJSON() ([]byte, error) {
	if t == nil {
		return []byte("null"), nil
	}
	return t.appendJSON(nil), nil
}

// appendJSON appends t's JSON encoding ("data", "type", "ver" in order).
func (t *Tree) appendJSON(b []byte) []byte {
	b = append(b, `{"data":`...)
	switch t.typ {
	case TypeVal:
		b = appendJSONString(b, t.val)
	case TypeValref, TypeDirref:
		b = append(b, '[')
		for i, r := range t.refs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, r)
		}
		b = append(b, ']')
	case TypeDir:
		b = append(b, '{')
		for i, n := range t.Names() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, n)
			b = append(b, ':')
			b = t.entries[n].appendJSON(b)
		}
		b = append(b, '}')
	case TypeSymlink:
		b = append(b, '{')
		if t.hasNS {
			b = append(b, `"namespace":`...)
			b = appendJSONString(b, t.ns)
			b = append(b, ',')
		}
		b = append(b, `"target":`...)
		b = appendJSONString(b, t.target)
		b = append(b, '}')
	default:
		b = append(b, "null"...)
	}
	b = append(b, `,"type":`...)
	b = appendJSONString(b, t.typ)
	return append(b, `,"ver":1}`...)
}

// appendJSONString appends s as a JSON string escaped as jansson escapes
// it: quote, backslash and control characters only, the latter as \b,
// \f, \n, \r, \t or \u00XX with uppercase hex digits (the KVS hashes
// this text, so it must match byte for byte).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// DecodeTree parses and validates a tree object from its JSON text
// (treeobj_decode); anything else is EPROTO.
func DecodeTree(s string) (*Tree, error) {
	return DecodeTreeBytes([]byte(s))
}

// DecodeTreeBytes is DecodeTree for a byte slice.
func DecodeTreeBytes(b []byte) (*Tree, error) {
	t, err := parseTree(b)
	if err != nil {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	return t, nil
}

// UnmarshalJSON parses and validates a tree object (EPROTO when invalid).
func (t *Tree) UnmarshalJSON(b []byte) error {
	p, err := DecodeTreeBytes(b)
	if err != nil {
		return err
	}
	*t = *p
	return nil
}

// parseTree decodes one tree object: exactly the members ver (the integer
// 1), type (a string) and data, with data of the type's shape; EINVAL
// otherwise.
func parseTree(b []byte) (*Tree, error) {
	inval := runtime.ErrnoError(syscall.EINVAL)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil || len(top) != 3 {
		return nil, inval
	}
	ver, okv := top["ver"]
	typ, okt := top["type"]
	data, okd := top["data"]
	if !okv || !okt || !okd || !bytes.Equal(bytes.TrimSpace(ver), []byte("1")) {
		return nil, inval
	}
	t := &Tree{}
	if json.Unmarshal(typ, &t.typ) != nil || !isJSONString(typ) {
		return nil, inval
	}
	switch t.typ {
	case TypeVal:
		if !isJSONString(data) || json.Unmarshal(data, &t.val) != nil {
			return nil, inval
		}
	case TypeValref, TypeDirref:
		var raw []json.RawMessage
		if json.Unmarshal(data, &raw) != nil || raw == nil || len(raw) == 0 {
			return nil, inval
		}
		for _, r := range raw {
			var s string
			if !isJSONString(r) || json.Unmarshal(r, &s) != nil || ValidateBlobref(s) != nil {
				return nil, inval
			}
			t.refs = append(t.refs, s)
		}
	case TypeDir:
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) != nil || raw == nil {
			return nil, inval
		}
		t.entries = make(map[string]*Tree, len(raw))
		for n, r := range raw {
			e, err := parseTree(r)
			if err != nil {
				return nil, inval
			}
			t.entries[n] = e
		}
	case TypeSymlink:
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) != nil || raw == nil {
			return nil, inval
		}
		tg, ok := raw["target"]
		if !ok || !isJSONString(tg) || json.Unmarshal(tg, &t.target) != nil {
			return nil, inval
		}
		if n, ok := raw["namespace"]; ok {
			if !isJSONString(n) || json.Unmarshal(n, &t.ns) != nil {
				return nil, inval
			}
			t.hasNS = true
		}
	default:
		return nil, inval
	}
	return t, nil
}

// isJSONString reports whether a raw JSON value is a string.
func isJSONString(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) > 0 && r[0] == '"'
}
