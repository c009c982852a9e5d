// Package gen turns spec/handle.yaml into every generated surface of fluxgo:
// the runtime's tables, the Go binding's constants and thin methods, the cgo
// export layer, the C entry points and the public C header.
//
// Load parses and validates a spec, Build resolves it against the runtime
// package into a Model, and Generate runs one emitter per surface, returning
// file contents keyed by path relative to the repository root.
package gen

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Spec is the decoded spec file.
type Spec struct {
	Headers   []Header        `yaml:"headers"`
	Errnos    []Errno         `yaml:"errnos"`
	Constants []ConstantGroup `yaml:"constants"`
	Types     []Type          `yaml:"types"`
	Functions []Function      `yaml:"functions"`

	// Path is the file the spec was read from (for messages).
	Path string `yaml:"-"`
}

// Header is one flux-core header group; functions and constants name one.
//
// Each header becomes one file of the installed include tree, laid out
// as flux-core's: File is its path under include/flux ("core.h", or
// "core/NAME.h" when empty), Includes the lines it includes first, in
// order ("<syslog.h>", "\"types.h\"", "<flux/core.h>"). A header with
// no declarations of its own (flux.h, core.h) only includes others.
//
// Guard overrides the include guard derived from the file name
// (_FLUX_CORE_NAME_H) where flux-core's header uses another.
type Header struct {
	Name     string   `yaml:"name"`
	File     string   `yaml:"file"`
	Guard    string   `yaml:"guard"`
	Includes []string `yaml:"includes"`
	Doc      string   `yaml:"doc"`
	Line     int      `yaml:"-"`
}

// Path is the header's file under include/flux.
func (h Header) Path() string {
	if h.File != "" {
		return h.File
	}
	return "core/" + h.Name + ".h"
}

// Errno is one errno value with the C library's description of it.
type Errno struct {
	Name  string `yaml:"name"`
	Value int    `yaml:"value"`
	Text  string `yaml:"text"`
	Line  int    `yaml:"-"`
}

// ConstantGroup is a set of related constants.
type ConstantGroup struct {
	Group  string `yaml:"group"`
	Header string `yaml:"header"`
	Kind   string `yaml:"kind"` // bitflags, enum, string, define, macro
	// Tag names a tagged C enum (enum TAG { ... }); Typedef makes the
	// group a typedef'd one (typedef enum { ... } NAME). Neither changes
	// the values.
	Tag     string `yaml:"tag"`
	Typedef string `yaml:"typedef"`
	// COnly groups exist only in the C header: no Go or runtime
	// constants are generated for them.
	COnly bool `yaml:"c_only"`
	// IfUndefined wraps each define or macro of the group in #ifndef,
	// so that a program may define it first (FLUX_DEPRECATED).
	IfUndefined bool       `yaml:"if_undefined"`
	GoType      string     `yaml:"go_type"`
	Doc         string     `yaml:"doc"`
	Members     []Constant `yaml:"members"`
	// Package is the runtime package the group's constants live in: ""
	// for runtime, "msg" for runtime/msg (the codec).
	Package string `yaml:"package"`
	// RuntimeType, when set, types the group's runtime constants.
	RuntimeType string `yaml:"runtime_type"`
	Line        int    `yaml:"-"`
}

// Constant is one member of a constant group. Go is its name in the Go
// binding; Runtime, when set, overrides its derived name in package runtime
// (see RuntimeConstName). Open and FlagsSet only mean
// something in the open_flags group: whether flux_open and flux_flags_set
// accept the flag.
type Constant struct {
	Name     string    `yaml:"name"`
	Value    yaml.Node `yaml:"value"`
	Go       string    `yaml:"go"`
	Runtime  string    `yaml:"runtime"`
	Doc      string    `yaml:"doc"`
	Open     *bool     `yaml:"open"`
	FlagsSet *bool     `yaml:"flags_set"`
	Line     int       `yaml:"-"`
}

// Type is a C type the API uses.
type Type struct {
	Name   string `yaml:"name"`
	Header string `yaml:"header"`
	Kind   string `yaml:"kind"` // opaque, struct, callback, typedef
	C      string `yaml:"c"`
	Doc    string `yaml:"doc"`
	Line   int    `yaml:"-"`
}

// Function is one C function of the API.
type Function struct {
	Name    string `yaml:"name"`
	Header  string `yaml:"header"`
	C       string `yaml:"c"`
	Runtime string `yaml:"runtime"`
	Status  string `yaml:"status"` // implemented (the default), planned
	// Deprecated functions are declared with FLUX_DEPRECATED, as
	// flux-core declares them.
	Deprecated bool `yaml:"deprecated"`
	// Binding says who implements the function when it is not a generated
	// export calling Runtime: "c" (hand-written C in bindings/capi/*.c:
	// inline helpers and variadic functions), "msg_release",
	// "msg_incref" or "future_release" (C reference counting of
	// flux_msg_t and flux_future_t, done by the export layer's tables).
	Binding string `yaml:"binding"`
	// Internal functions are helpers for hand-written C (the variadic
	// functions): their export is generated under the function's own name,
	// which must start with fluxgo_, with no C entry point and no header
	// declaration, so they never become part of the library's ABI.
	Internal bool `yaml:"internal"`
	// ExportOnly functions are exported by the library but declared in
	// no installed header (flux-core exports a few such symbols for its
	// own modules): no header declaration, no prototype check.
	ExportOnly bool             `yaml:"export_only"`
	Params     map[string]Param `yaml:"params"`
	Errors     ErrorContract    `yaml:"errors"`
	Doc        string           `yaml:"doc"`
	Go         *GoMethod        `yaml:"go"`
	Line       int              `yaml:"-"`
}

// Param adjusts how one C parameter is handled.
//
// Null (key if_null) says what a NULL pointer means: "einval" (the default: fail with
// EINVAL before calling the runtime), "ignore" (return at once, for
// functions that accept NULL silently), or "pass" (hand the runtime a nil).
//
// As "payload" passes a C string to the runtime as a payload: its bytes
// with the terminating NUL (Flux's convention for string payloads), or
// no payload for NULL.
type Param struct {
	Null string `yaml:"if_null"`
	As   string `yaml:"as"`
}

// ErrorContract documents what a function returns on error and which errno
// values it may set.
type ErrorContract struct {
	Returns string   `yaml:"returns"`
	Errno   []string `yaml:"errno"`
}

// GoMethod asks for a generated thin method on the Go binding's Handle.
type GoMethod struct {
	Name       string            `yaml:"name"`
	ParamTypes map[string]string `yaml:"param_types"`
	ResultType string            `yaml:"result_type"`
}

// SpecError is a problem found in the spec, with its line.
type SpecError struct {
	Path string
	Line int
	Msg  string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// Errors is a list of spec problems reported together.
type Errors []error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// LoadFile reads and validates the spec at path.
func LoadFile(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Load(path, data)
}

// Load parses spec text, rejecting unknown keys, and records the line of
// every entry. It does not check references; Build does.
func Load(path string, data []byte) (*Spec, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, &SpecError{Path: path, Line: yamlErrLine(err), Msg: err.Error()}
	}
	if len(root.Content) == 0 {
		return nil, &SpecError{Path: path, Line: 1, Msg: "empty spec"}
	}
	var errs Errors
	checkKnownKeys(path, root.Content[0], reflect.TypeOf(Spec{}), &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	s := &Spec{Path: path}
	if err := root.Content[0].Decode(s); err != nil {
		return nil, &SpecError{Path: path, Line: yamlErrLine(err), Msg: err.Error()}
	}
	recordLines(root.Content[0], s)
	return s, nil
}

func yamlErrLine(err error) int {
	var line int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); e == nil {
		return line
	}
	return 1
}

// checkKnownKeys walks a mapping node against the yaml tags of t and reports
// every key that t does not declare.
func checkKnownKeys(path string, n *yaml.Node, t reflect.Type, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeOf(yaml.Node{}) {
			return
		}
		if n.Kind != yaml.MappingNode {
			*errs = append(*errs, &SpecError{path, n.Line, fmt.Sprintf("expected a mapping for %s", t.Name())})
			return
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = t.Field(i).Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, &SpecError{path, k.Line, fmt.Sprintf("unknown key %q in %s", k.Value, t.Name())})
				continue
			}
			checkKnownKeys(path, v, ft, errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return // the decoder reports the type error
		}
		for _, item := range n.Content {
			checkKnownKeys(path, item, t.Elem(), errs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 1; i < len(n.Content); i += 2 {
			checkKnownKeys(path, n.Content[i], t.Elem(), errs)
		}
	}
}

// recordLines copies the source line of every list entry into its Line.
func recordLines(n *yaml.Node, s *Spec) {
	items := func(key string) []*yaml.Node {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1].Content
			}
		}
		return nil
	}
	for i, it := range items("headers") {
		s.Headers[i].Line = it.Line
	}
	for i, it := range items("errnos") {
		s.Errnos[i].Line = it.Line
	}
	for i, it := range items("types") {
		s.Types[i].Line = it.Line
	}
	for i, it := range items("functions") {
		s.Functions[i].Line = it.Line
	}
	for i, it := range items("constants") {
		s.Constants[i].Line = it.Line
		for j := 0; j+1 < len(it.Content); j += 2 {
			if it.Content[j].Value == "members" {
				for k, m := range it.Content[j+1].Content {
					s.Constants[i].Members[k].Line = m.Line
				}
			}
		}
	}
}
