package gen

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
)

// Model is the validated spec, resolved against the runtime package.
type Model struct {
	Spec      *Spec
	Headers   []Header
	Errnos    []Errno
	Groups    []*GroupModel
	Types     []Type
	Functions []*FuncModel
}

// GroupModel is a constant group with parsed values.
type GroupModel struct {
	ConstantGroup
	Members []*ConstModel
}

// ConstModel is one constant with its value parsed for its kind.
type ConstModel struct {
	Constant
	Int     int64  // value of numeric kinds
	Str     string // value of string and define kinds
	Runtime string // Go name in package runtime
}

// FuncModel is a function with its C prototype and runtime binding resolved.
type FuncModel struct {
	Function
	Decl        *CDecl
	Entry       *GoFunc // nil when planned
	Implemented bool
	Params      []*ParamModel
	ErrorValue  string // C expression returned on failure ("NULL", "-1", "0", "")
}

// ParamModel is one C parameter and how it reaches the runtime.
type ParamModel struct {
	CParam
	Class    ParamClass
	Null     string // einval, ignore, pass
	GoIndex  int    // index into Entry.Params, -1 if not passed as a parameter
	OutIndex int    // index into Entry.Results for out parameters, else -1
}

// ParamClass says how a C parameter is treated.
type ParamClass int

// Parameter classes.
const (
	ClassScalar   ParamClass = iota // passed by value (int, uint32_t, ...)
	ClassString                     // const char *
	ClassHandle                     // flux_t *
	ClassPointer                    // void * user data
	ClassFreeFunc                   // flux_free_f
	ClassErrorBuf                   // flux_error_t *: filled on failure
	ClassOut                        // pointer to a scalar result
	ClassReceiver                   // the flux_t * a method is called on
)

// scalarTypes maps C scalar types to their Go types.
var scalarTypes = map[string]string{
	"int":      "int",
	"uint32_t": "uint32",
	"int64_t":  "int64",
	"double":   "float64",
	"bool":     "bool",
	"size_t":   "int",
}

// Build validates s and resolves every function against idx. All problems
// are reported together, each with its spec line.
func Build(s *Spec, idx RuntimeIndex) (*Model, error) {
	m := &Model{Spec: s, Headers: s.Headers, Errnos: s.Errnos, Types: s.Types}
	var errs Errors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &SpecError{Path: s.Path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	headers := map[string]bool{}
	for _, h := range s.Headers {
		if h.Name == "" {
			bad(h.Line, "header without a name")
		} else if headers[h.Name] {
			bad(h.Line, "duplicate header %q", h.Name)
		}
		headers[h.Name] = true
	}
	names := map[string]int{} // every C name, to catch duplicates
	claim := func(name string, line int) {
		if prev, ok := names[name]; ok {
			bad(line, "duplicate name %s (first defined at line %d)", name, prev)
			return
		}
		names[name] = line
	}
	errnoSeen := map[string]bool{}
	for _, e := range s.Errnos {
		if e.Name == "" || e.Value <= 0 || e.Text == "" {
			bad(e.Line, "errno entry needs name, positive value and text")
		}
		if errnoSeen[e.Name] {
			bad(e.Line, "duplicate errno %s", e.Name)
		}
		errnoSeen[e.Name] = true
	}
	goNames := map[string]int{}
	for _, g := range s.Constants {
		gm := &GroupModel{ConstantGroup: g}
		if !headers[g.Header] {
			bad(g.Line, "constant group %q: unknown header %q", g.Group, g.Header)
		}
		if g.Package != "" && g.Package != "msg" {
			bad(g.Line, "constant group %q: package must be empty (runtime) or msg", g.Group)
		}
		switch g.Kind {
		case "bitflags", "enum", "string", "define":
		default:
			bad(g.Line, "constant group %q: unknown kind %q (bitflags, enum, string, define)", g.Group, g.Kind)
		}
		for _, c := range g.Members {
			cm := &ConstModel{Constant: c, Runtime: RuntimeConstName(c.Name)}
			if c.Runtime != "" {
				cm.Runtime = c.Runtime
			}
			claim(c.Name, c.Line)
			if c.Go != "" {
				if prev, ok := goNames[c.Go]; ok {
					bad(c.Line, "duplicate Go name %s (first used at line %d)", c.Go, prev)
				}
				goNames[c.Go] = c.Line
			}
			switch g.Kind {
			case "string", "define":
				cm.Str = c.Value.Value
			default:
				v, err := strconv.ParseInt(c.Value.Value, 0, 64)
				if err != nil {
					bad(c.Line, "%s: value %q is not an integer", c.Name, c.Value.Value)
				}
				cm.Int = v
				if g.Kind == "bitflags" && (v <= 0 || bits.OnesCount64(uint64(v)) != 1) {
					bad(c.Line, "%s: value %#x of bit-flag group %q is not a single bit", c.Name, v, g.Group)
				}
			}
			if (c.Open != nil || c.FlagsSet != nil) && g.Group != "open_flags" {
				bad(c.Line, "%s: open/flags_set only apply to the open_flags group", c.Name)
			}
			if g.Group == "open_flags" && (c.Open == nil || c.FlagsSet == nil) {
				bad(c.Line, "%s: open flags must say open and flags_set", c.Name)
			}
			gm.Members = append(gm.Members, cm)
		}
		m.Groups = append(m.Groups, gm)
	}
	knownTypes := map[string]string{} // C type name -> kind
	for _, t := range s.Types {
		claim(t.Name, t.Line)
		if !headers[t.Header] {
			bad(t.Line, "type %s: unknown header %q", t.Name, t.Header)
		}
		switch t.Kind {
		case "opaque", "struct", "callback":
		default:
			bad(t.Line, "type %s: unknown kind %q", t.Name, t.Kind)
		}
		knownTypes[t.Name] = t.Kind
	}
	for _, f := range s.Functions {
		fm, ferrs := buildFunc(s.Path, f, idx, knownTypes, errnoSeen)
		errs = append(errs, ferrs...)
		claim(f.Name, f.Line)
		if !headers[f.Header] {
			bad(f.Line, "function %s: unknown header %q", f.Name, f.Header)
		}
		if fm != nil {
			m.Functions = append(m.Functions, fm)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			a, _ := errs[i].(*SpecError)
			b, _ := errs[j].(*SpecError)
			return a != nil && b != nil && a.Line < b.Line
		})
		return nil, errs
	}
	return m, nil
}

// RuntimeConstName derives the runtime package's name for a C constant:
// FLUX_O_TEST_NOSUB becomes OTestNosub.
func RuntimeConstName(c string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.TrimPrefix(c, "FLUX_"), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + strings.ToLower(part[1:]))
	}
	return b.String()
}

func buildFunc(path string, f Function, idx RuntimeIndex, knownTypes map[string]string, errnos map[string]bool) (*FuncModel, Errors) {
	var errs Errors
	bad := func(format string, args ...any) {
		errs = append(errs, &SpecError{Path: path, Line: f.Line, Msg: fmt.Sprintf("function %s: ", f.Name) + fmt.Sprintf(format, args...)})
	}
	decl, err := ParsePrototype(f.C)
	if err != nil {
		bad("%v", err)
		return nil, errs
	}
	if decl.Name != f.Name {
		bad("prototype names %s", decl.Name)
	}
	for _, e := range f.Errors.Errno {
		if !errnos[e] {
			bad("errno %s is not in the errnos table", e)
		}
	}
	fm := &FuncModel{Function: f, Decl: decl}
	switch f.Status {
	case "implemented":
		fm.Implemented = true
	case "planned":
	default:
		bad("status must be implemented or planned, not %q", f.Status)
	}
	retOK := map[string]string{"void": "", "int": "-1", "flux_t *": "NULL", "void *": "NULL", "uint32_t": "0"}
	ev, ok := retOK[decl.Return]
	if !ok {
		bad("cannot map return type %q", decl.Return)
	}
	fm.ErrorValue = ev
	if f.Errors.Returns != "" {
		fm.ErrorValue = f.Errors.Returns
	}
	for name := range f.Params {
		found := false
		for _, p := range decl.Params {
			found = found || p.Name == name
		}
		if !found {
			bad("params names %q, which the prototype does not have", name)
		}
	}
	var entry *GoFunc
	if fm.Implemented {
		entry = idx[f.Runtime]
		if f.Runtime == "" {
			bad("implemented functions need a runtime entry")
		} else if entry == nil {
			bad("runtime entry %s does not exist in package runtime", f.Runtime)
		}
	} else if f.Runtime != "" && idx[f.Runtime] == nil {
		bad("runtime entry %s does not exist in package runtime", f.Runtime)
	}
	fm.Entry = entry
	goParam := 0
	outResult := 0
	receiverTaken := entry == nil || entry.Recv == ""
	for _, p := range decl.Params {
		pm := &ParamModel{CParam: p, GoIndex: -1, OutIndex: -1, Null: "einval"}
		if adj, ok := f.Params[p.Name]; ok && adj.Null != "" {
			switch adj.Null {
			case "einval", "ignore", "pass":
				pm.Null = adj.Null
			default:
				bad("param %s: if_null must be einval, ignore or pass", p.Name)
			}
		}
		var want string // expected Go type of the runtime parameter
		switch {
		case p.Type == "flux_t *" && !receiverTaken:
			pm.Class = ClassReceiver
			receiverTaken = true
			if entry.Recv != "Handle" {
				bad("runtime entry %s is not a Handle method", f.Runtime)
			}
		case p.Type == "flux_t *":
			pm.Class, want = ClassHandle, "*Handle"
		case p.Type == "const char *":
			pm.Class, want = ClassString, "string"
			if pm.Null == "pass" {
				want = "*string"
			}
		case p.Type == "void *":
			pm.Class, want = ClassPointer, "any"
		case p.Type == "flux_free_f":
			pm.Class, want = ClassFreeFunc, "func(any)"
		case p.Type == "flux_error_t *":
			pm.Class = ClassErrorBuf
			pm.Null = "pass"
		case scalarTypes[p.Type] != "":
			pm.Class, want = ClassScalar, scalarTypes[p.Type]
		case strings.HasSuffix(p.Type, " *") && scalarTypes[strings.TrimSuffix(p.Type, " *")] != "":
			pm.Class = ClassOut
		default:
			if _, ok := knownTypes[strings.TrimSuffix(NonConst(p.Type), " *")]; ok {
				bad("param %s: C type %q is declared but has no mapping yet", p.Name, p.Type)
			} else {
				bad("param %s: cannot map C type %q", p.Name, p.Type)
			}
			continue
		}
		if entry != nil {
			switch pm.Class {
			case ClassOut:
				if outResult >= len(entry.Results) {
					bad("out param %s has no matching result in %s", p.Name, f.Runtime)
				} else if st := scalarTypes[strings.TrimSuffix(p.Type, " *")]; entry.Results[outResult] != st {
					bad("out param %s is %s, but %s returns %s there", p.Name, st, f.Runtime, entry.Results[outResult])
				}
				pm.OutIndex = outResult
				outResult++
			case ClassReceiver, ClassErrorBuf:
			default:
				if goParam >= len(entry.Params) {
					bad("param %s has no matching parameter in %s", p.Name, f.Runtime)
				} else if got := entry.Params[goParam].Type; got != want {
					bad("param %s maps to Go %s, but %s takes %s", p.Name, want, f.Runtime, got)
				}
				pm.GoIndex = goParam
				goParam++
			}
		}
		fm.Params = append(fm.Params, pm)
	}
	if entry != nil {
		if goParam != len(entry.Params) {
			bad("%s takes %d parameters, the prototype supplies %d", f.Runtime, len(entry.Params), goParam)
		}
		if err := checkResults(decl.Return, entry.Results[min(outResult, len(entry.Results)):]); err != "" {
			bad("return %s: %s (runtime %s returns %v)", decl.Return, err, f.Runtime, entry.Results)
		}
	}
	if f.Go != nil {
		if entry == nil || entry.Recv != "Handle" {
			bad("go methods need an implemented Handle method as runtime entry")
		}
	}
	return fm, errs
}

// checkResults checks the runtime results left after out parameters against
// the C return type.
func checkResults(cret string, res []string) string {
	hasErr := len(res) > 0 && res[len(res)-1] == "error"
	vals := res
	if hasErr {
		vals = res[:len(res)-1]
	}
	switch cret {
	case "void":
		if len(vals) != 0 {
			return "void functions bind to entries returning nothing or an error"
		}
	case "int":
		if len(vals) > 1 || (len(vals) == 1 && vals[0] != "int") {
			return "int functions bind to entries returning error, int, or (int, error)"
		}
	case "flux_t *":
		if len(vals) != 1 || vals[0] != "*Handle" {
			return "flux_t * functions bind to entries returning *Handle"
		}
	case "void *":
		if len(vals) != 1 || vals[0] != "any" {
			return "void * functions bind to entries returning any"
		}
	case "uint32_t":
		if len(vals) != 1 || vals[0] != "uint32" {
			return "uint32_t functions bind to entries returning uint32"
		}
	}
	return ""
}

// HasError reports whether the runtime entry's last result is an error.
func (f *FuncModel) HasError() bool {
	return f.Entry != nil && len(f.Entry.Results) > 0 && f.Entry.Results[len(f.Entry.Results)-1] == "error"
}
