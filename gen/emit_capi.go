package gen

import (
	"fmt"
	"go/token"
	"strings"

	"github.com/dave/jennifer/jen"
)

// exportName is the Go symbol behind a C entry point; the C shim of the
// same function calls it and sets errno afterwards.
func exportName(c string) string {
	if strings.HasPrefix(c, "fluxgo_") {
		return c // internal helper: already in fluxgo's namespace
	}
	return "fluxgo_" + c
}

// reservedIdents are names a C parameter may not keep in generated Go:
// predeclared identifiers, imported packages and the generator's locals.
var reservedIdents = map[string]bool{
	"error": true, "string": true, "int": true, "any": true, "len": true, "cap": true,
	"new": true, "make": true, "nil": true, "true": true, "false": true, "C": true,
	"unsafe": true, "fluxrt": true, "errp": true, "ret": true, "err": true, "r": true,
}

func goIdent(name string) string {
	if token.IsKeyword(name) || reservedIdents[name] {
		return name + "_"
	}
	return name
}

// cgoType returns the cgo type of a C parameter or return type.
func cgoType(t string) jen.Code {
	t = NonConst(t)
	stars := strings.Count(t, "*")
	base := strings.TrimSpace(strings.TrimRight(t, "* "))
	if stars >= 1 && base == "void" {
		c := jen.Qual("unsafe", "Pointer")
		for i := 1; i < stars; i++ {
			c = jen.Op("*").Add(c)
		}
		return c
	}
	var c *jen.Statement
	switch {
	case cgoScalar[base] != "":
		c = jen.Qual("C", cgoScalar[base])
	case strings.HasPrefix(base, "struct "):
		c = jen.Qual("C", "struct_"+strings.TrimPrefix(base, "struct "))
	default:
		c = jen.Qual("C", base)
	}
	for i := 0; i < stars; i++ {
		c = jen.Op("*").Add(c)
	}
	return c
}

// emitCapiExports writes bindings/capi/zz_generated_exports.go: one
// //export function per spec function. Each converts its C arguments,
// checks NULL pointers as the spec says, calls the runtime entry, turns the
// result into the C return value and reports an errno through errp, which
// the C shim stores in errno last. A panic is recovered and reported as an
// error; it never crosses into C.
func emitCapiExports(m *Model) ([]byte, error) {
	f := jen.NewFile("main")
	f.HeaderComment(GeneratedHeader)
	f.ImportAlias(runtimePkg, "fluxrt")
	f.CgoPreamble(`#include <stdint.h>
#include "flux/core.h"`)
	for _, fn := range m.Functions {
		if fn.Binding == "c" || fn.Binding == "go" {
			continue // written by hand
		}
		if fn.Planned() {
			continue // a C stub in the shims
		}
		emitExport(f, fn)
	}
	return render(f)
}

// emitExport writes one //export function. Its body is, in order: the
// prologue (exportCtx.prologue), one conversion per C parameter
// (exportCtx.param, emit_capi_params.go), the runtime call
// (exportCtx.call), the out-parameters (exportCtx.storeOut) and the C
// return value (exportCtx.ret, emit_capi_results.go):
//
//	//export fluxgo_flux_attr_get
//	func fluxgo_flux_attr_get(h *C.flux_t, name *C.char, errp *C.int) (ret *C.char) {
//		defer recoverTo(errp, nil, &ret, nil)
//		ret = nil
//		a0, err := lookupHandle(unsafe.Pointer(h))
//		...
//		r0, err := a0.AttrGet(C.GoString(name))
//		if err != nil { setError(errp, err, nil); return }
//		return cstringFor(unsafe.Pointer(h), slotName("flux_attr_get", goStringOrEmpty(name)), &r0)
//	}
func emitExport(f *jen.File, fn *FuncModel) {
	x := &exportCtx{fn: fn, errbuf: exportErrorBuf(fn)}
	f.Commentf("%s implements %s.", exportName(fn.Name), fn.Name)
	f.Comment("//export " + exportName(fn.Name))
	f.Func().Id(exportName(fn.Name)).Params(exportParams(fn)...).Params(exportResults(fn)...).BlockFunc(func(g *jen.Group) {
		x.g = g
		x.prologue()
		if x.lifecycle() {
			return
		}
		x.args = make([]jen.Code, len(fn.Entry.Params))
		for i, p := range fn.Params {
			x.param(i, p)
		}
		if !x.call() {
			return
		}
		for i, p := range fn.Params {
			x.storeOut(i, p)
		}
		for _, st := range x.afterSuccess {
			g.Add(st)
		}
		x.ret()
	})
}

// exportCtx is one export function being written: what its parameter
// conversions hand to the runtime call and to the code after it.
type exportCtx struct {
	g      *jen.Group
	fn     *FuncModel
	errbuf jen.Code // the flux_error_t * parameter, or nil

	args         []jen.Code // the runtime call's arguments, by GoIndex
	recv         jen.Code   // the method's receiver, nil for functions
	owner        jen.Code   // the C object strings returned to C belong to
	afterSuccess []jen.Code // statements run once the call succeeded
	slotArgs     []jen.Code // string arguments that tell cached strings apart
	errDeclared  bool       // err already declared by an object lookup
}

// exportParams is the export's C parameter list, then errp:
//
//	(h *C.flux_t, name *C.char, errp *C.int)
func exportParams(fn *FuncModel) []jen.Code {
	var params []jen.Code
	for _, p := range fn.Params {
		params = append(params, jen.Id(goIdent(p.Name)).Add(cgoType(p.Type)))
	}
	return append(params, jen.Id("errp").Op("*").Qual("C", "int"))
}

// exportResults is the export's named result, none for void:
//
//	(ret *C.char)
func exportResults(fn *FuncModel) []jen.Code {
	if fn.Decl.Return == "void" {
		return nil
	}
	return []jen.Code{jen.Id("ret").Add(cgoType(fn.Decl.Return))}
}

// exportErrorBuf is the flux_error_t * parameter failures are also written
// to, or nil.
func exportErrorBuf(fn *FuncModel) jen.Code {
	var errbuf jen.Code = jen.Nil()
	for _, p := range fn.Params {
		if p.Class == ClassErrorBuf {
			errbuf = jen.Id(goIdent(p.Name))
		}
	}
	return errbuf
}

// fail reports err to C and returns:
//
//	setError(errp, err, error_)
//	return
func (x *exportCtx) fail(g *jen.Group, err jen.Code) {
	g.Id("setError").Call(jen.Id("errp"), err, x.errbuf)
	g.Return()
}

// failIf fails when err is set:
//
//	if err != nil { setError(errp, err, nil); return }
func (x *exportCtx) failIf() {
	x.g.If(jen.Id("err").Op("!=").Nil()).BlockFunc(func(b *jen.Group) { x.fail(b, jen.Id("err")) })
}

// prologue recovers panics, presets the error value and clears the error
// buffer:
//
//	defer recoverTo(errp, error_, &ret, nil)
//	ret = nil
//	clearErrorBuf(error_)
func (x *exportCtx) prologue() {
	g, ret := x.g, x.fn.Decl.Return
	errVal := cErrorValue(ret, x.fn.ErrorValue)
	if errVal != nil {
		g.Defer().Id("recoverTo").Call(jen.Id("errp"), x.errbuf, jen.Op("&").Id("ret"), errVal)
	} else {
		g.Defer().Id("recoverVoid").Call(jen.Id("errp"), x.errbuf)
	}
	if ret != "void" && errVal != nil {
		g.Id("ret").Op("=").Add(errVal)
	}
	for _, p := range x.fn.Params {
		if p.Class == ClassErrorBuf {
			g.Id("clearErrorBuf").Call(jen.Id(goIdent(p.Name)))
		}
	}
}

// lifecycle writes the bodies of the reference-counting bindings, which
// call the export layer instead of the runtime, and reports whether fn is
// one:
//
//	releaseMsg(unsafe.Pointer(msg))
//
//	if err := increfMsg(unsafe.Pointer(msg)); err != nil { setError(errp, err, nil); return }
//	return msg
func (x *exportCtx) lifecycle() bool {
	g, fn := x.g, x.fn
	var first jen.Code
	if len(fn.Params) > 0 {
		first = jen.Qual("unsafe", "Pointer").Call(jen.Id(goIdent(fn.Params[0].Name)))
	}
	switch fn.Binding {
	case "msg_release":
		g.Id("releaseMsg").Call(first)
	case "future_release":
		g.Id("releaseFuture").Call(first)
	case "msg_incref":
		g.If(jen.Err().Op(":=").Id("increfMsg").Call(first), jen.Err().Op("!=").Nil()).BlockFunc(func(b *jen.Group) { x.fail(b, jen.Err()) })
		g.Return(jen.Id(goIdent(fn.Params[0].Name)))
	default:
		return false
	}
	return true
}

// call writes the runtime call, method or function, with its results and
// the error check, and reports whether code follows it (false when the
// entry returns nothing):
//
//	r0, err := a0.AttrGet(C.GoString(name))
//	if err != nil { setError(errp, err, nil); return }
func (x *exportCtx) call() bool {
	g, fn := x.g, x.fn
	var call jen.Code
	if x.recv != nil {
		call = jen.Add(x.recv).Dot(strings.TrimPrefix(fn.Runtime, fn.Entry.Recv+".")).Call(x.args...)
	} else {
		call = jen.Qual(runtimePkg, fn.Runtime).Call(x.args...)
	}
	res := fn.Entry.Results
	if len(res) == 0 {
		g.Add(call)
		if fn.Decl.Return != "void" {
			g.Return(jen.Lit(0))
		}
		return false
	}
	var rs []jen.Code
	for i, r := range res {
		if r == "error" && i == len(res)-1 {
			rs = append(rs, jen.Id("err"))
		} else {
			rs = append(rs, jen.Id(fmt.Sprintf("r%d", i)))
		}
	}
	if len(rs) == 1 && fn.HasError() && x.errDeclared {
		g.List(rs...).Op("=").Add(call)
	} else {
		g.List(rs...).Op(":=").Add(call)
	}
	if fn.HasError() {
		x.failIf()
	}
	return true
}

// cErrorValue is the Go expression for the C error return value.
func cErrorValue(ret, v string) jen.Code {
	switch {
	case ret == "void":
		return nil
	case v == "NULL":
		return jen.Nil()
	case v == "true" || v == "false":
		return jen.Qual("C", "bool").Call(jen.Id(v))
	case v == "":
		return jen.Lit(0)
	}
	var n int
	fmt.Sscanf(v, "%d", &n)
	return jen.Lit(n)
}
