package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The export layer's results: out-parameters filled from the runtime's
// results, one function per out class, and the C return value, one per
// return kind. The comment of each shows the code it writes.

// storeOut fills the out-parameter p, the i'th, from its runtime result.
func (x *exportCtx) storeOut(i int, p *ParamModel) {
	switch p.Class {
	case ClassOut:
		x.storeScalar(p)
	case ClassOutCounters:
		x.storeCounters(p)
	case ClassOutAny:
		x.storeAny(p)
	case ClassOutBytes:
		x.storeBytes(i, p)
	case ClassOutString:
		x.storeString(p)
	}
}

// outResult is the runtime result an out-parameter is filled from: r0, r1...
func outResult(p *ParamModel) *jen.Statement { return jen.Id(fmt.Sprintf("r%d", p.OutIndex)) }

// put stores through an out-pointer, skipping a NULL one when the spec
// allows NULL:
//
//	*rank = C.uint32_t(r0)
//	if rank != nil { *rank = C.uint32_t(r0) } // if_null: pass
func (x *exportCtx) put(p *ParamModel, val jen.Code) {
	id := goIdent(p.Name)
	st := jen.Op("*").Id(id).Op("=").Add(val)
	if p.Null == "pass" {
		x.g.If(jen.Id(id).Op("!=").Nil()).Block(st)
	} else {
		x.g.Add(st)
	}
}

// storeScalar fills an int *, uint32_t *, double *, ...:
//
//	*rank = C.uint32_t(r0)
func (x *exportCtx) storeScalar(p *ParamModel) {
	base := strings.TrimSuffix(p.Type, " *")
	x.put(p, jen.Qual("C", cgoScalar[base]).Call(outResult(p)))
}

// storeCounters fills a flux_msgcounters_t *:
//
//	countersToC(mcs, r0)
func (x *exportCtx) storeCounters(p *ParamModel) {
	x.g.Id("countersToC").Call(jen.Id(goIdent(p.Name)), outResult(p))
}

// storeAny fills a const void ** with a future's result, kept alive by the
// owning object:
//
//	*result = resultToC(unsafe.Pointer(f), r0)
func (x *exportCtx) storeAny(p *ParamModel) {
	x.put(p, jen.Id("resultToC").Call(x.owner, outResult(p)))
}

// storeBytes fills a const void ** and the size_t * or int * after it
// with a []byte result, kept by the owning object:
//
//	*buf = cbytesFor(unsafe.Pointer(msg), "flux_msg_get_payload:buf", r0)
//	if size != nil { *size = C.size_t(len(r0)) }
func (x *exportCtx) storeBytes(i int, p *ParamModel) {
	r := outResult(p)
	size := goIdent(x.fn.Params[i+1].Name)
	sizeType := cgoScalar[strings.TrimSuffix(x.fn.Params[i+1].Type, " *")]
	x.put(p, jen.Id("cbytesFor").Call(x.owner, jen.Lit(x.fn.Name+":"+p.Name), r))
	x.g.If(jen.Id(size).Op("!=").Nil()).Block(jen.Op("*").Id(size).Op("=").Qual("C", sizeType).Call(jen.Len(r)))
}

// storeString fills a const char ** with a string (or *string) result,
// kept by the owning object:
//
//	*topic = cstringFor(unsafe.Pointer(msg), "flux_msg_get_topic:topic", &r0)
func (x *exportCtx) storeString(p *ParamModel) {
	r := outResult(p)
	val := jen.Op("&").Add(r)
	if x.fn.Entry.Results[p.OutIndex] == "*string" {
		val = r
	}
	x.put(p, jen.Id("cstringFor").Call(x.owner, jen.Lit(x.fn.Name+":"+p.Name), val))
}

// valueResult is the index of the runtime result that becomes the C
// return value: the one after every out-parameter's.
func (x *exportCtx) valueResult() int {
	idx := 0
	for _, p := range x.fn.Params {
		if p.OutIndex+1 > idx {
			idx = p.OutIndex + 1
		}
	}
	return idx
}

// ret writes the C return value from the runtime's value result.
func (x *exportCtx) ret() {
	g, ret, res := x.g, x.fn.Decl.Return, x.fn.Entry.Results
	idx := x.valueResult()
	val := jen.Id(fmt.Sprintf("r%d", idx))
	hasVal := idx < len(res) && !(res[idx] == "error" && idx == len(res)-1)
	switch {
	case ret == "void":
		// nothing to return
	case objectByC(ret) != nil:
		x.retObject(val)
	case ret == "void *":
		// return anyToPointer(r0)
		g.Return(jen.Id("anyToPointer").Call(val))
	case ret == "double":
		// return C.double(r0)
		g.Return(jen.Qual("C", "double").Call(val))
	case ret == "const char *" || ret == "char *":
		x.retString(val, res[idx] == "*string")
	case ret == "bool":
		// return C.bool(r0)
		g.Return(jen.Qual("C", "bool").Call(val))
	case hasVal:
		// return C.int(r0)
		g.Return(jen.Qual("C", cgoScalar[ret]).Call(val))
	default:
		// return 0 (success of an entry that returns only an error)
		g.Return(jen.Lit(0))
	}
}

// retObject registers a new runtime object and returns its C token; a new
// watcher's token also records its C callback and arg
// (bindings/capi/watcher_compat.h):
//
//	return (*C.flux_future_t)(registerFuture(r0))
//	return (*C.flux_watcher_t)(registerNewWatcher(r0, cb, arg))
func (x *exportCtx) retObject(val jen.Code) {
	ret := x.fn.Decl.Return
	k := objectByC(ret)
	ctype := strings.TrimSuffix(NonConst(ret), " *")
	reg := jen.Id(k.Register).Call(val)
	if k.Class == ClassWatcher {
		for i, p := range x.fn.Params {
			if p.Class == ClassWatcherFunc {
				reg = jen.Id("registerNewWatcher").Call(val, jen.Id(goIdent(p.Name)), jen.Id(goIdent(x.fn.Params[i+1].Name)))
			}
		}
	}
	x.g.Return(jen.Parens(jen.Op("*").Qual("C", ctype)).Call(reg))
}

// retString returns a string result (isPtr: a *string, NULL for nil) as
// const char * kept by the owning object in a slot named by the function
// and its string arguments, as a static copy when no object owns it, or as
// a char * the caller frees:
//
//	return cstringFor(unsafe.Pointer(h), slotName("flux_attr_get", goStringOrEmpty(name)), &r0)
//	return staticCString(&r0)
//	return mallocCString(&r0)
func (x *exportCtx) retString(val *jen.Statement, isPtr bool) {
	ptr := jen.Op("&").Add(val)
	if isPtr {
		ptr = val
	}
	switch {
	case x.fn.Decl.Return == "char *":
		// The caller frees it, as with flux-core.
		x.g.Return(jen.Id("mallocCString").Call(ptr))
	case x.owner == nil:
		// No object to own the string: a static copy, one per text.
		x.g.Return(jen.Id("staticCString").Call(ptr))
	default:
		slot := append([]jen.Code{jen.Lit(x.fn.Name)}, x.slotArgs...)
		x.g.Return(jen.Id("cstringFor").Call(x.owner, jen.Id("slotName").Call(slot...), ptr))
	}
}
