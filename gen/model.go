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

// HasGoValue reports whether the group's constants exist in Go: define
// and macro groups are C source text (FLUX_MATCH_ANY is a call,
// FLUX_ROLE_PRIVILEGED an expression), and c_only groups are C only.
func (g *GroupModel) HasGoValue() bool {
	return !g.COnly && g.Kind != "define" && g.Kind != "macro"
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
	ClassScalar         ParamClass = iota // passed by value (int, uint32_t, ...)
	ClassString                           // const char *
	ClassHandle                           // flux_t *
	ClassFuture                           // flux_future_t *
	ClassStringPayload                    // const char * passed as a string payload
	ClassOutAny                           // const void ** without a size: a future\'s result
	ClassMsg                              // flux_msg_t *, const flux_msg_t *
	ClassMsgTake                          // flux_msg_t **: ownership passes to the callee on success
	ClassMatch                            // struct flux_match by value
	ClassPointer                          // void * user data
	ClassFreeFunc                         // flux_free_f
	ClassCommsErrorFunc                   // flux_comms_error_f with its void *arg
	ClassBytesIn                          // const void *data with its length
	ClassBytesOut                         // void *buf with its size: filled from a []byte result
	ClassErrorBuf                         // flux_error_t *: filled on failure
	ClassOut                              // pointer to a scalar result
	ClassOutString                        // const char **: a string result owned by the receiver
	ClassOutCounters                      // flux_msgcounters_t *
	ClassOutBytes                         // const void ** with its size_t * or int *: a []byte result
	ClassLength                           // consumed by the parameter before it: a length, or a callback's void *arg
	ClassReceiver                         // the object a method is called on
	ClassReactor                          // flux_reactor_t *
	ClassWatcher                          // flux_watcher_t *
	ClassMsgHandler                       // flux_msg_handler_t *
	ClassWatcherFunc                      // flux_watcher_f with its void *arg
	ClassMsgHandlerFunc                   // flux_msg_handler_f with its void *arg
	ClassContinuation                     // flux_continuation_f with its void *arg
	ClassFutureInit                       // flux_future_init_f with its void *arg
	ClassConf                             // flux_conf_t *
	ClassLogFunc                          // flux_log_f with its void *arg
)

// ObjectKind is an opaque C object type handed to C as a token: how the
// export layer turns a C pointer into the runtime object and back.
type ObjectKind struct {
	CType    string     // "flux_t *"
	GoType   string     // runtime type: "*Handle"
	Recv     string     // runtime receiver name: "Handle"
	Class    ParamClass // class of a parameter of this type
	Lookup   string     // export-layer function: C pointer -> object
	Register string     // export-layer function: object -> C pointer
}

// objectByC returns the object kind of a C pointer type (const or not).
func objectByC(ctype string) *ObjectKind {
	base := NonConst(ctype)
	for i := range objectKinds {
		if objectKinds[i].CType == base {
			return &objectKinds[i]
		}
	}
	return nil
}

// IsObject reports whether the class is an opaque object passed as a token.
func (c ParamClass) IsObject() bool {
	for _, k := range objectKinds {
		if k.Class == c {
			return true
		}
	}
	return false
}

// paramGoTypes is the Go type a runtime parameter must have for each class
// that is passed as a parameter.
var paramGoTypes = map[ParamClass]string{
	ClassHandle:         "*Handle",
	ClassFuture:         "*Future",
	ClassStringPayload:  "[]byte",
	ClassMsg:            "*msg.Message",
	ClassMsgTake:        "*msg.Message",
	ClassMatch:          "Match",
	ClassPointer:        "any",
	ClassFreeFunc:       "func(any)",
	ClassCommsErrorFunc: "func(root *Handle, err error) error",
	ClassReactor:        "*Reactor",
	ClassWatcher:        "*Watcher",
	ClassMsgHandler:     "*MsgHandler",
	ClassWatcherFunc:    "WatcherFunc",
	ClassMsgHandlerFunc: "MsgHandlerFunc",
	ClassContinuation:   "func(*Future)",
	ClassFutureInit:     "func(*Future)",
	ClassConf:           "*Conf",
	ClassLogFunc:        "func(level int, text string)",
	ClassBytesIn:        "[]byte",
	ClassBytesOut:       "int",
}

// receiverTypes maps the receiver of a runtime method to the C type of the
// parameter that supplies it.
var receiverTypes = func() map[string]string {
	m := map[string]string{}
	for _, k := range objectKinds {
		m[k.Recv] = k.CType
	}
	return m
}()

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
		case "bitflags", "enum", "string", "define", "macro":
		default:
			bad(g.Line, "constant group %q: unknown kind %q (bitflags, enum, string, define, macro)", g.Group, g.Kind)
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
			case "string", "define", "macro":
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
			if (g.Kind == "define" || g.Kind == "macro") && (c.Go != "" || c.Runtime != "") {
				bad(c.Line, "%s: %s constants are C source text: they take no go or runtime name", c.Name, g.Kind)
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
		case "opaque", "struct", "callback", "typedef":
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

// funcBuilder resolves one spec function: its prototype, its runtime
// entry, and the class of each parameter, checked against the entry's
// signature. Problems are collected in errs.
type funcBuilder struct {
	path       string
	f          Function
	fm         *FuncModel
	entry      *GoFunc
	knownTypes map[string]string
	errs       Errors

	goParam       int  // next runtime parameter to match
	outResult     int  // next runtime result to match
	receiverTaken bool // a C parameter supplied the method's receiver
}

func (b *funcBuilder) bad(format string, args ...any) {
	b.errs = append(b.errs, &SpecError{Path: b.path, Line: b.f.Line, Msg: fmt.Sprintf("function %s: ", b.f.Name) + fmt.Sprintf(format, args...)})
}

func buildFunc(path string, f Function, idx RuntimeIndex, knownTypes map[string]string, errnos map[string]bool) (*FuncModel, Errors) {
	b := &funcBuilder{path: path, f: f, knownTypes: knownTypes}
	decl, err := ParsePrototype(f.C)
	if err != nil {
		b.bad("%v", err)
		return nil, b.errs
	}
	b.fm = &FuncModel{Function: f, Decl: decl}
	b.checkSpelling(errnos)
	b.status()
	if !b.fm.Implemented && f.Binding == "" {
		return buildPlanned(b.fm, b.bad), b.errs
	}
	b.errorValue()
	b.checkParamNames()
	switch f.Binding {
	case "":
	case "c", "go", "msg_release", "msg_incref", "future_release":
		b.handWritten()
		return b.fm, b.errs
	default:
		b.bad("binding must be c, go, msg_release, msg_incref or future_release, not %q", f.Binding)
		return b.fm, b.errs
	}
	b.resolveEntry(idx)
	params := decl.Params
	for i := 0; i < len(params); i++ {
		pm := b.param(params, i)
		if pm == nil {
			continue
		}
		b.fm.Params = append(b.fm.Params, pm)
		if pm.Class == ClassBytesIn || pm.Class == ClassBytesOut || callbackWrappers[pm.Class] != "" || pm.Class == ClassOutBytes {
			i++
			b.fm.Params = append(b.fm.Params, b.follower(params[i]))
		}
	}
	b.checkEntryUse()
	return b.fm, b.errs
}

// checkSpelling checks the function's names, parameter adjustments and
// errnos against its prototype and the spec's tables.
func (b *funcBuilder) checkSpelling(errnos map[string]bool) {
	f, decl := b.f, b.fm.Decl
	if decl.Name != f.Name {
		b.bad("prototype names %s", decl.Name)
	}
	if f.Internal != strings.HasPrefix(f.Name, "fluxgo_") {
		b.bad("internal functions, and only they, are named fluxgo_*")
	}
	for name, adj := range f.Params {
		if adj.As != "" && adj.As != "payload" {
			b.bad("param %s: as must be payload", name)
		}
	}
	for _, e := range f.Errors.Errno {
		if !errnos[e] {
			b.bad("errno %s is not in the errnos table", e)
		}
	}
}

// checkParamNames checks that every parameter the spec adjusts is one of
// the prototype's.
func (b *funcBuilder) checkParamNames() {
	for name := range b.f.Params {
		found := false
		for _, p := range b.fm.Decl.Params {
			found = found || p.Name == name
		}
		if !found {
			b.bad("params names %q, which the prototype does not have", name)
		}
	}
}

// status reads the status: implemented (the default) or planned.
func (b *funcBuilder) status() {
	switch b.f.Status {
	case "implemented", "":
		b.fm.Implemented = true
	case "planned":
	default:
		b.bad("status must be implemented or planned, not %q", b.f.Status)
	}
}

// errorValue sets the C value returned on failure: the return type's
// (returnErrorValues), or the spec's errors.returns.
func (b *funcBuilder) errorValue() {
	ret := b.fm.Decl.Return
	ev, ok := returnErrorValues[ret]
	if !ok && !b.fm.Implemented && strings.HasSuffix(ret, "*") {
		ev, ok = "NULL", true // planned: only ever returns the error value
	}
	if !ok {
		b.bad("cannot map return type %q", ret)
	}
	b.fm.ErrorValue = ev
	if b.f.Errors.Returns != "" {
		b.fm.ErrorValue = b.f.Errors.Returns
	}
}

// handWritten completes a function whose export is written by hand (or by
// a lifecycle helper): no runtime entry, parameters passed as they are.
func (b *funcBuilder) handWritten() {
	if b.f.Runtime != "" {
		b.bad("binding %s takes no runtime entry", b.f.Binding)
	}
	for _, p := range b.fm.Decl.Params {
		b.fm.Params = append(b.fm.Params, &ParamModel{CParam: p, GoIndex: -1, OutIndex: -1, Null: "pass"})
	}
}

// resolveEntry finds the runtime entry the function binds to.
func (b *funcBuilder) resolveEntry(idx RuntimeIndex) {
	f := b.f
	if b.fm.Implemented {
		b.entry = idx[f.Runtime]
		if f.Runtime == "" {
			b.bad("implemented functions need a runtime entry")
		} else if b.entry == nil {
			b.bad("runtime entry %s does not exist in package runtime", f.Runtime)
		}
	} else if f.Runtime != "" && idx[f.Runtime] == nil {
		b.bad("runtime entry %s does not exist in package runtime", f.Runtime)
	}
	b.fm.Entry = b.entry
	b.receiverTaken = b.entry == nil || b.entry.Recv == ""
}

// param classifies the i'th C parameter and matches it with the runtime
// entry's parameters or results; nil when it cannot be mapped.
func (b *funcBuilder) param(params []CParam, i int) *ParamModel {
	p := params[i]
	pm := &ParamModel{CParam: p, GoIndex: -1, OutIndex: -1, Null: "einval"}
	if adj, ok := b.f.Params[p.Name]; ok && adj.Null != "" {
		switch adj.Null {
		case "einval", "ignore", "pass":
			pm.Null = adj.Null
		default:
			b.bad("param %s: if_null must be einval, ignore or pass", p.Name)
		}
	}
	want, outType, ok := b.classify(params, i, pm)
	if !ok {
		if pm.Class == ClassPointer {
			return pm // a planned function's declared type
		}
		return nil
	}
	if w, ok := paramGoTypes[pm.Class]; ok {
		want = w
	}
	if b.entry != nil {
		b.match(pm, want, outType)
	}
	return pm
}

// classify sets pm's class from its C type and its neighbours, and
// returns the Go type the runtime parameter must have (want) or, for an
// out-parameter, the runtime result's (outType). ok is false for a type
// without a mapping (reported) and for a planned function's declared type
// (class ClassPointer, not converted).
func (b *funcBuilder) classify(params []CParam, i int, pm *ParamModel) (want, outType string, ok bool) {
	p, f := params[i], b.f
	next := func(types ...string) bool {
		if i+1 >= len(params) {
			return false
		}
		for _, t := range types {
			if params[i+1].Type == t {
				return true
			}
		}
		return false
	}
	base := NonConst(p.Type)
	switch {
	case !b.receiverTaken && receiverTypes[b.entry.Recv] == base:
		pm.Class = ClassReceiver
		b.receiverTaken = true
	case objectByC(base) != nil:
		pm.Class = objectByC(base).Class
	case p.Type == "const char *" && f.Params[p.Name].As == "payload":
		pm.Class = ClassStringPayload
	case base == "flux_msg_t **":
		pm.Class = ClassMsgTake
	case base == "struct flux_match":
		pm.Class = ClassMatch
	case p.Type == "const char *":
		pm.Class, want = ClassString, "string"
		if pm.Null == "pass" {
			want = "*string"
		}
	case p.Type == "const void *" && next("size_t", "int"):
		pm.Class = ClassBytesIn
	case p.Type == "void *" && next("size_t"):
		pm.Class = ClassBytesOut
	case p.Type == "void *":
		pm.Class = ClassPointer
	case p.Type == "flux_free_f":
		pm.Class = ClassFreeFunc
	case callbackClasses[p.Type] != 0:
		pm.Class = callbackClasses[p.Type]
		if !next("void *") {
			b.bad("param %s: a callback must be followed by its void *arg", p.Name)
		}
	case p.Type == "flux_error_t *":
		pm.Class = ClassErrorBuf
		pm.Null = "pass"
	case p.Type == "const char **":
		pm.Class, outType = ClassOutString, "string" // or *string: NULL for nil
	case p.Type == "const void **" && next("size_t *", "int *"):
		pm.Class, outType = ClassOutBytes, "[]byte"
	case p.Type == "const void **":
		pm.Class, outType = ClassOutAny, "any"
	case p.Type == "flux_msgcounters_t *":
		pm.Class, outType = ClassOutCounters, "Msgcounters"
	case scalarTypes[p.Type] != "":
		pm.Class, want = ClassScalar, scalarTypes[p.Type]
	case strings.HasSuffix(p.Type, " *") && scalarTypes[strings.TrimSuffix(p.Type, " *")] != "":
		pm.Class, outType = ClassOut, scalarTypes[strings.TrimSuffix(p.Type, " *")]
	default:
		_, known := b.knownTypes[strings.TrimSuffix(base, " *")]
		switch {
		case known && !b.fm.Implemented:
			// A planned function only fails with ENOSYS; its
			// parameters are declared but never converted.
			pm.Class = ClassPointer
		case known:
			b.bad("param %s: C type %q is declared but has no mapping yet", p.Name, p.Type)
		default:
			b.bad("param %s: cannot map C type %q", p.Name, p.Type)
		}
		return "", "", false
	}
	return want, outType, true
}

// match ties pm to the runtime entry's next result (out-parameters) or
// next parameter, and checks the Go type there.
func (b *funcBuilder) match(pm *ParamModel, want, outType string) {
	entry, f, name := b.entry, b.f, pm.Name
	switch pm.Class {
	case ClassOut, ClassOutString, ClassOutCounters, ClassOutBytes, ClassOutAny:
		if b.outResult >= len(entry.Results) {
			b.bad("out param %s has no matching result in %s", name, f.Runtime)
		} else if got := entry.Results[b.outResult]; got != outType && !(outType == "string" && got == "*string") {
			b.bad("out param %s is %s, but %s returns %s there", name, outType, f.Runtime, entry.Results[b.outResult])
		}
		pm.OutIndex = b.outResult
		b.outResult++
	case ClassReceiver, ClassErrorBuf:
	default:
		if b.goParam >= len(entry.Params) {
			b.bad("param %s has no matching parameter in %s", name, f.Runtime)
		} else if got := entry.Params[b.goParam].Type; got != want {
			b.bad("param %s maps to Go %s, but %s takes %s", name, want, f.Runtime, got)
		}
		pm.GoIndex = b.goParam
		b.goParam++
		if pm.Class == ClassBytesOut {
			// The buffer's size is the Go int; the buffer is filled
			// from the []byte result.
			if b.outResult >= len(entry.Results) || entry.Results[b.outResult] != "[]byte" {
				b.bad("param %s needs a []byte result in %s", name, f.Runtime)
			}
			pm.OutIndex = b.outResult
			b.outResult++
		}
	}
}

// follower is the parameter a buffer, callback or out-buffer consumes: its
// length, size pointer or void *arg.
func (b *funcBuilder) follower(p CParam) *ParamModel {
	lp := &ParamModel{CParam: p, Class: ClassLength, GoIndex: -1, OutIndex: -1, Null: "pass"}
	if adj := b.f.Params[p.Name]; adj.Null == "einval" && strings.HasSuffix(p.Type, "*") {
		lp.Null = "einval" // an out-length the function requires
	}
	return lp
}

// checkEntryUse checks that the prototype used the whole runtime entry:
// receiver, every parameter, and a return type its remaining results fit.
func (b *funcBuilder) checkEntryUse() {
	entry, f := b.entry, b.f
	if entry != nil {
		if !b.receiverTaken {
			b.bad("runtime entry %s is a %s method, but no parameter supplies the receiver", f.Runtime, entry.Recv)
		}
		if b.goParam != len(entry.Params) {
			b.bad("%s takes %d parameters, the prototype supplies %d", f.Runtime, len(entry.Params), b.goParam)
		}
		if err := checkResults(b.fm.Decl.Return, entry.Results[min(b.outResult, len(entry.Results)):]); err != "" {
			b.bad("return %s: %s (runtime %s returns %v)", b.fm.Decl.Return, err, f.Runtime, entry.Results)
		}
	}
	if f.Go != nil {
		if entry == nil || entry.Recv != "Handle" {
			b.bad("go methods need an implemented Handle method as runtime entry")
		}
	}
}

// buildPlanned completes a planned function: it is only ever a C stub
// that fails with ENOSYS, so its parameters are declared but never
// converted, and its error value follows from its return type alone.
func buildPlanned(fm *FuncModel, bad func(string, ...any)) *FuncModel {
	if fm.Runtime != "" {
		bad("planned functions take no runtime entry")
	}
	if fm.Go != nil {
		bad("planned functions have no Go method")
	}
	for _, p := range fm.Decl.Params {
		fm.Params = append(fm.Params, &ParamModel{CParam: p, Class: ClassPointer, GoIndex: -1, OutIndex: -1, Null: "pass"})
	}
	fm.ErrorValue = plannedErrorValue(fm.Decl.Return)
	if fm.Errors.Returns != "" {
		fm.ErrorValue = fm.Errors.Returns
	}
	return fm
}

// checkResults checks the runtime results left after out parameters against
// the C return type.
func checkResults(cret string, res []string) string {
	hasErr := len(res) > 0 && res[len(res)-1] == "error"
	vals := res
	if hasErr {
		vals = res[:len(res)-1]
	}
	if k := objectByC(cret); k != nil {
		if len(vals) != 1 || vals[0] != k.GoType {
			return fmt.Sprintf("%s functions bind to entries returning %s", k.CType, k.GoType)
		}
		return ""
	}
	switch cret {
	case "void":
		if len(vals) != 0 {
			return "void functions bind to entries returning nothing or an error"
		}
	case "int", "ssize_t":
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
	case "bool":
		if len(vals) != 1 || vals[0] != "bool" {
			return "bool functions bind to entries returning bool"
		}
	case "double":
		if len(vals) != 1 || vals[0] != "float64" {
			return "double functions bind to entries returning float64"
		}
	case "const char *", "char *":
		if len(vals) != 1 || (vals[0] != "string" && vals[0] != "*string") {
			return "string functions bind to entries returning string or *string"
		}
	}
	return ""
}

// Planned reports whether the function is a generated stub that fails
// with ENOSYS (planned, and not written by hand).
func (f *FuncModel) Planned() bool { return !f.Implemented && f.Binding == "" }

// HasError reports whether the runtime entry's last result is an error.
func (f *FuncModel) HasError() bool {
	return f.Entry != nil && len(f.Entry.Results) > 0 && f.Entry.Results[len(f.Entry.Results)-1] == "error"
}
