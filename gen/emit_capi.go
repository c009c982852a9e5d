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

func emitExport(f *jen.File, fn *FuncModel) {
	var params []jen.Code
	for _, p := range fn.Params {
		params = append(params, jen.Id(goIdent(p.Name)).Add(cgoType(p.Type)))
	}
	params = append(params, jen.Id("errp").Op("*").Qual("C", "int"))
	ret := fn.Decl.Return
	var results []jen.Code
	if ret != "void" {
		results = append(results, jen.Id("ret").Add(cgoType(ret)))
	}
	errVal := cErrorValue(ret, fn.ErrorValue)
	var errbuf jen.Code = jen.Nil()
	for _, p := range fn.Params {
		if p.Class == ClassErrorBuf {
			errbuf = jen.Id(goIdent(p.Name))
		}
	}
	fail := func(g *jen.Group, err jen.Code) {
		g.Id("setError").Call(jen.Id("errp"), err, errbuf)
		g.Return()
	}
	f.Commentf("%s implements %s.", exportName(fn.Name), fn.Name)
	f.Comment("//export " + exportName(fn.Name))
	f.Func().Id(exportName(fn.Name)).Params(params...).Params(results...).BlockFunc(func(g *jen.Group) {
		if errVal != nil {
			g.Defer().Id("recoverTo").Call(jen.Id("errp"), errbuf, jen.Op("&").Id("ret"), errVal)
		} else {
			g.Defer().Id("recoverVoid").Call(jen.Id("errp"), errbuf)
		}
		if ret != "void" && errVal != nil {
			g.Id("ret").Op("=").Add(errVal)
		}
		for _, p := range fn.Params {
			if p.Class == ClassErrorBuf {
				g.Id("clearErrorBuf").Call(jen.Id(goIdent(p.Name)))
			}
		}
		switch fn.Binding {
		case "msg_release":
			g.Id("releaseMsg").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(goIdent(fn.Params[0].Name))))
			return
		case "future_release":
			g.Id("releaseFuture").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(goIdent(fn.Params[0].Name))))
			return
		case "msg_incref":
			p := jen.Qual("unsafe", "Pointer").Call(jen.Id(goIdent(fn.Params[0].Name)))
			g.If(jen.Err().Op(":=").Id("increfMsg").Call(p), jen.Err().Op("!=").Nil()).BlockFunc(func(b *jen.Group) { fail(b, jen.Err()) })
			g.Return(jen.Id(goIdent(fn.Params[0].Name)))
			return
		}
		args := make([]jen.Code, len(fn.Entry.Params))
		errDeclared := false
		var owner jen.Code          // the C object strings returned to C belong to
		var afterSuccess []jen.Code // statements run once the call succeeded
		var slotArgs []jen.Code     // string arguments that tell cached strings apart
		var recv jen.Code
		for i, p := range fn.Params {
			id := goIdent(p.Name)
			cv := jen.Id(id)
			local := fmt.Sprintf("a%d", i)
			nullCheck := func() {
				switch p.Null {
				case "ignore":
					g.If(cv.Clone().Op("==").Nil()).Block(jen.Return())
				case "einval":
					g.If(jen.Id(id).Op("==").Nil()).BlockFunc(func(b *jen.Group) {
						fail(b, jen.Id("errInvalid").Call(jen.Lit(p.Name+" is NULL")))
					})
				}
			}
			switch p.Class {
			case ClassReceiver, ClassHandle, ClassMsg, ClassFuture, ClassReactor, ClassWatcher, ClassMsgHandler, ClassConf:
				lookup := objectByC(p.Type).Lookup
				if owner == nil {
					owner = jen.Qual("unsafe", "Pointer").Call(jen.Id(id))
				}
				switch p.Null {
				case "ignore":
					g.If(jen.Id(id).Op("==").Nil()).Block(jen.Return())
				case "pass":
					g.Var().Id(local).Op("=").Id("nilIfNull").Call(jen.Id(lookup), jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
				}
				if p.Null != "pass" {
					g.List(jen.Id(local), jen.Id("err")).Op(":=").Id(lookup).Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
					errDeclared = true
					g.If(jen.Id("err").Op("!=").Nil()).BlockFunc(func(b *jen.Group) { fail(b, jen.Id("err")) })
				}
				if objectByC(p.Type).CType == "flux_msg_t *" && !strings.HasPrefix(p.Type, "const ") {
					// The call may change the message: refresh the
					// header mirror in its token afterwards (tokens.go).
					g.Defer().Id("refreshMsgMirror").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
				}
				if p.Class == ClassReceiver {
					recv = jen.Id(local)
				} else {
					args[p.GoIndex] = jen.Id(local)
				}
			case ClassMsgTake:
				g.List(jen.Id(local), jen.Id("err")).Op(":=").Id("takeMsg").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
				errDeclared = true
				g.If(jen.Id("err").Op("!=").Nil()).BlockFunc(func(b *jen.Group) { fail(b, jen.Id("err")) })
				args[p.GoIndex] = jen.Id(local)
				afterSuccess = append(afterSuccess, jen.Id("releaseTakenMsg").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id))))
			case ClassMatch:
				args[p.GoIndex] = jen.Id("matchFromC").Call(jen.Id(id))
			case ClassStringPayload:
				args[p.GoIndex] = jen.Id("stringPayload").Call(jen.Id(id))
			case ClassString:
				if p.Null == "pass" {
					args[p.GoIndex] = jen.Id("goStringPtr").Call(jen.Id(id))
				} else {
					nullCheck()
					args[p.GoIndex] = jen.Qual("C", "GoString").Call(jen.Id(id))
				}
				slotArgs = append(slotArgs, jen.Id("goStringOrEmpty").Call(jen.Id(id)))
			case ClassScalar:
				args[p.GoIndex] = jen.Id(scalarTypes[p.Type]).Call(jen.Id(id))
			case ClassPointer:
				args[p.GoIndex] = jen.Id("pointerToAny").Call(jen.Id(id))
			case ClassFreeFunc:
				args[p.GoIndex] = jen.Id("freeFunc").Call(jen.Id(id))
			case ClassCommsErrorFunc, ClassWatcherFunc, ClassMsgHandlerFunc, ClassContinuation, ClassFutureInit, ClassLogFunc:
				args[p.GoIndex] = jen.Id(callbackWrappers[p.Class]).Call(jen.Id(id), jen.Id(goIdent(fn.Params[i+1].Name)))
			case ClassBytesIn:
				args[p.GoIndex] = jen.Id("goBytes").Call(jen.Id(id), jen.Int().Call(jen.Id(goIdent(fn.Params[i+1].Name))))
			case ClassBytesOut:
				nullCheck()
				size := jen.Id(goIdent(fn.Params[i+1].Name))
				args[p.GoIndex] = jen.Int().Call(size)
				afterSuccess = append(afterSuccess, jen.Id("copyOut").Call(jen.Id(id), jen.Int().Call(size.Clone()), jen.Id(fmt.Sprintf("r%d", p.OutIndex))))
			case ClassOutCounters:
				nullCheck()
			case ClassOut, ClassOutString, ClassOutBytes, ClassOutAny:
				if p.Null != "pass" {
					nullCheck()
				}
			}
			if p.Class == ClassLength && p.Null == "einval" {
				// A length out-pointer the function requires.
				nullCheck()
			}
		}
		var call jen.Code
		entryName := fn.Runtime
		if recv != nil {
			call = jen.Add(recv).Dot(strings.TrimPrefix(entryName, fn.Entry.Recv+".")).Call(args...)
		} else {
			call = jen.Qual(runtimePkg, entryName).Call(args...)
		}
		res := fn.Entry.Results
		if len(res) == 0 {
			g.Add(call)
			if ret != "void" {
				g.Return(jen.Lit(0))
			}
			return
		}
		var rs []jen.Code
		for i, r := range res {
			if r == "error" && i == len(res)-1 {
				rs = append(rs, jen.Id("err"))
			} else {
				rs = append(rs, jen.Id(fmt.Sprintf("r%d", i)))
			}
		}
		if len(rs) == 1 && fn.HasError() && errDeclared {
			g.List(rs...).Op("=").Add(call)
		} else {
			g.List(rs...).Op(":=").Add(call)
		}
		if fn.HasError() {
			g.If(jen.Id("err").Op("!=").Nil()).BlockFunc(func(b *jen.Group) { fail(b, jen.Id("err")) })
		}
		for i, p := range fn.Params {
			id := goIdent(p.Name)
			r := jen.Id(fmt.Sprintf("r%d", p.OutIndex))
			switch p.Class {
			case ClassOut:
				base := strings.TrimSuffix(p.Type, " *")
				put := jen.Op("*").Id(id).Op("=").Qual("C", cgoScalar[base]).Call(r)
				if p.Null == "pass" {
					g.If(jen.Id(id).Op("!=").Nil()).Block(put)
				} else {
					g.Add(put)
				}
			case ClassOutCounters:
				g.Id("countersToC").Call(jen.Id(id), r)
			case ClassOutAny:
				put := jen.Op("*").Id(id).Op("=").Id("resultToC").Call(owner, r)
				if p.Null == "pass" {
					g.If(jen.Id(id).Op("!=").Nil()).Block(put)
				} else {
					g.Add(put)
				}
			case ClassOutBytes:
				size := goIdent(fn.Params[i+1].Name)
				sizeType := cgoScalar[strings.TrimSuffix(fn.Params[i+1].Type, " *")]
				put := jen.Op("*").Id(id).Op("=").Id("cbytesFor").Call(owner, jen.Lit(fn.Name+":"+p.Name), r)
				setSize := jen.If(jen.Id(size).Op("!=").Nil()).Block(jen.Op("*").Id(size).Op("=").Qual("C", sizeType).Call(jen.Len(r)))
				if p.Null == "pass" {
					g.If(jen.Id(id).Op("!=").Nil()).Block(put)
				} else {
					g.Add(put)
				}
				g.Add(setSize)
			case ClassOutString:
				val := jen.Op("&").Add(r)
				if fn.Entry.Results[p.OutIndex] == "*string" {
					val = r
				}
				put := jen.Op("*").Id(id).Op("=").Id("cstringFor").Call(owner, jen.Lit(fn.Name+":"+p.Name), val)
				if p.Null == "pass" {
					g.If(jen.Id(id).Op("!=").Nil()).Block(put)
				} else {
					g.Add(put)
				}
			}
		}
		for _, st := range afterSuccess {
			g.Add(st)
		}
		valIdx := 0
		for _, p := range fn.Params {
			if p.OutIndex >= valIdx+0 && p.OutIndex >= 0 {
				valIdx = p.OutIndex + 1
			}
		}
		val := jen.Id(fmt.Sprintf("r%d", valIdx))
		hasVal := valIdx < len(res) && !(res[valIdx] == "error" && valIdx == len(res)-1)
		switch {
		case ret == "void":
			// nothing to return
		case objectByC(ret) != nil:
			k := objectByC(ret)
			ctype := strings.TrimSuffix(NonConst(ret), " *")
			reg := jen.Id(k.Register).Call(val)
			if k.Class == ClassWatcher {
				// A new watcher's token records its C callback and arg
				// (bindings/capi/watcher_compat.h).
				for i, p := range fn.Params {
					if p.Class == ClassWatcherFunc {
						reg = jen.Id("registerNewWatcher").Call(val, jen.Id(goIdent(p.Name)), jen.Id(goIdent(fn.Params[i+1].Name)))
					}
				}
			}
			g.Return(jen.Parens(jen.Op("*").Qual("C", ctype)).Call(reg))
		case ret == "void *":
			g.Return(jen.Id("anyToPointer").Call(val))
		case ret == "double":
			g.Return(jen.Qual("C", "double").Call(val))
		case ret == "const char *" && owner == nil:
			// No object to own the string: a static copy, one per text.
			ptr := jen.Op("&").Add(val)
			if res[valIdx] == "*string" {
				ptr = val
			}
			g.Return(jen.Id("staticCString").Call(ptr))
		case ret == "const char *":
			ptr := jen.Op("&").Add(val)
			if res[valIdx] == "*string" {
				ptr = val
			}
			slot := append([]jen.Code{jen.Lit(fn.Name)}, slotArgs...)
			g.Return(jen.Id("cstringFor").Call(owner, jen.Id("slotName").Call(slot...), ptr))
		case ret == "char *":
			// The caller frees it, as with flux-core.
			ptr := jen.Op("&").Add(val)
			if res[valIdx] == "*string" {
				ptr = val
			}
			g.Return(jen.Id("mallocCString").Call(ptr))
		case ret == "bool":
			g.Return(jen.Qual("C", "bool").Call(val))
		case hasVal:
			g.Return(jen.Qual("C", cgoScalar[ret]).Call(val))
		default:
			g.Return(jen.Lit(0))
		}
	})
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
