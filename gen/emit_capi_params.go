package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The export layer's parameter conversions, one per parameter class: each
// turns a C argument into the runtime call's argument (or receiver), or
// checks an out-pointer before the call. The comment of each shows the
// code it writes.

// param converts the C parameter p, the i'th of the function.
func (x *exportCtx) param(i int, p *ParamModel) {
	switch p.Class {
	case ClassReceiver, ClassHandle, ClassMsg, ClassFuture, ClassReactor, ClassWatcher, ClassMsgHandler, ClassConf:
		x.objectParam(i, p)
	case ClassMsgTake:
		x.msgTakeParam(i, p)
	case ClassMatch:
		x.matchParam(p)
	case ClassStringPayload:
		x.stringPayloadParam(p)
	case ClassString:
		x.stringParam(p)
	case ClassScalar:
		x.scalarParam(p)
	case ClassPointer:
		x.pointerParam(p)
	case ClassFreeFunc:
		x.freeFuncParam(p)
	case ClassCommsErrorFunc, ClassWatcherFunc, ClassMsgHandlerFunc, ClassContinuation, ClassFutureInit, ClassLogFunc:
		x.callbackParam(i, p)
	case ClassBytesIn:
		x.bytesInParam(i, p)
	case ClassBytesOut:
		x.bytesOutParam(i, p)
	case ClassOutCounters:
		x.nullCheck(p)
	case ClassOut, ClassOutString, ClassOutBytes, ClassOutAny:
		x.outPointerParam(p)
	case ClassLength:
		x.lengthParam(p)
	}
}

// nullCheck writes the NULL check the spec asks of a pointer parameter:
//
//	if w == nil { return }                                           // if_null: ignore
//	if name == nil { setError(errp, errInvalid("name is NULL"), nil); return } // einval
func (x *exportCtx) nullCheck(p *ParamModel) {
	id := goIdent(p.Name)
	switch p.Null {
	case "ignore":
		x.g.If(jen.Id(id).Op("==").Nil()).Block(jen.Return())
	case "einval":
		x.g.If(jen.Id(id).Op("==").Nil()).BlockFunc(func(b *jen.Group) {
			x.fail(b, jen.Id("errInvalid").Call(jen.Lit(p.Name+" is NULL")))
		})
	}
}

// objectParam looks an opaque object (flux_t *, flux_msg_t *, ...) up by
// its C pointer; the first one owns the strings returned to C:
//
//	a0, err := lookupHandle(unsafe.Pointer(h))
//	if err != nil { setError(errp, err, nil); return }
//	defer refreshMsgMirror(unsafe.Pointer(msg)) // a message the call may change
//
//	var a0 = nilIfNull(lookupMsg, unsafe.Pointer(msg)) // if_null: pass
func (x *exportCtx) objectParam(i int, p *ParamModel) {
	g, id, local := x.g, goIdent(p.Name), fmt.Sprintf("a%d", i)
	kind := objectByC(p.Type)
	if x.owner == nil {
		x.owner = jen.Qual("unsafe", "Pointer").Call(jen.Id(id))
	}
	switch p.Null {
	case "ignore":
		g.If(jen.Id(id).Op("==").Nil()).Block(jen.Return())
	case "pass":
		g.Var().Id(local).Op("=").Id("nilIfNull").Call(jen.Id(kind.Lookup), jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
	}
	if p.Null != "pass" {
		g.List(jen.Id(local), jen.Id("err")).Op(":=").Id(kind.Lookup).Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
		x.errDeclared = true
		x.failIf()
	}
	if kind.CType == "flux_msg_t *" && !strings.HasPrefix(p.Type, "const ") {
		// The call may change the message: refresh the header mirror in
		// its token afterwards (tokens.go).
		g.Defer().Id("refreshMsgMirror").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
	}
	if p.Class == ClassReceiver {
		x.recv = jen.Id(local)
	} else {
		x.args[p.GoIndex] = jen.Id(local)
	}
}

// msgTakeParam takes a flux_msg_t ** whose message passes to the callee,
// released from C's side once the call succeeded:
//
//	a1, err := takeMsg(unsafe.Pointer(msg))
//	if err != nil { setError(errp, err, nil); return }
//	... call ...
//	releaseTakenMsg(unsafe.Pointer(msg))
func (x *exportCtx) msgTakeParam(i int, p *ParamModel) {
	id, local := goIdent(p.Name), fmt.Sprintf("a%d", i)
	x.g.List(jen.Id(local), jen.Id("err")).Op(":=").Id("takeMsg").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id)))
	x.errDeclared = true
	x.failIf()
	x.args[p.GoIndex] = jen.Id(local)
	x.afterSuccess = append(x.afterSuccess, jen.Id("releaseTakenMsg").Call(jen.Qual("unsafe", "Pointer").Call(jen.Id(id))))
}

// matchParam passes a struct flux_match by value:
//
//	a0.Recv(matchFromC(match), ...)
func (x *exportCtx) matchParam(p *ParamModel) {
	x.args[p.GoIndex] = jen.Id("matchFromC").Call(jen.Id(goIdent(p.Name)))
}

// stringPayloadParam passes a const char * payload (as: payload), NULL for
// none:
//
//	a0.RPC(..., stringPayload(s), ...)
func (x *exportCtx) stringPayloadParam(p *ParamModel) {
	x.args[p.GoIndex] = jen.Id("stringPayload").Call(jen.Id(goIdent(p.Name)))
}

// stringParam passes a const char *, a *string when NULL is allowed; its
// text also names the slot of a string the call returns:
//
//	a0.AttrGet(C.GoString(name))   // after the if_null check
//	fluxrt.Open(goStringPtr(uri))  // if_null: pass
func (x *exportCtx) stringParam(p *ParamModel) {
	id := goIdent(p.Name)
	if p.Null == "pass" {
		x.args[p.GoIndex] = jen.Id("goStringPtr").Call(jen.Id(id))
	} else {
		x.nullCheck(p)
		x.args[p.GoIndex] = jen.Qual("C", "GoString").Call(jen.Id(id))
	}
	x.slotArgs = append(x.slotArgs, jen.Id("goStringOrEmpty").Call(jen.Id(id)))
}

// scalarParam converts an int, flag word, uint32_t, double, bool, ...:
//
//	a0.Recv(..., int(flags))
func (x *exportCtx) scalarParam(p *ParamModel) {
	x.args[p.GoIndex] = jen.Id(scalarTypes[p.Type]).Call(jen.Id(goIdent(p.Name)))
}

// pointerParam passes void * user data through as any:
//
//	a0.AuxSet(..., pointerToAny(aux), ...)
func (x *exportCtx) pointerParam(p *ParamModel) {
	x.args[p.GoIndex] = jen.Id("pointerToAny").Call(jen.Id(goIdent(p.Name)))
}

// freeFuncParam wraps a flux_free_f destructor:
//
//	a0.AuxSet(..., freeFunc(destroy))
func (x *exportCtx) freeFuncParam(p *ParamModel) {
	x.args[p.GoIndex] = jen.Id("freeFunc").Call(jen.Id(goIdent(p.Name)))
}

// callbackParam wraps a C callback and the void *arg after it as the
// runtime's Go function type (callbackWrappers):
//
//	fluxrt.NewTimerWatcher(..., watcherFunc(cb, arg))
func (x *exportCtx) callbackParam(i int, p *ParamModel) {
	arg := goIdent(x.fn.Params[i+1].Name)
	x.args[p.GoIndex] = jen.Id(callbackWrappers[p.Class]).Call(jen.Id(goIdent(p.Name)), jen.Id(arg))
}

// bytesInParam passes a const void * and the length after it as []byte:
//
//	a0.OptSet(..., goBytes(val, int(len_)))
func (x *exportCtx) bytesInParam(i int, p *ParamModel) {
	size := goIdent(x.fn.Params[i+1].Name)
	x.args[p.GoIndex] = jen.Id("goBytes").Call(jen.Id(goIdent(p.Name)), jen.Int().Call(jen.Id(size)))
}

// bytesOutParam passes a void * buffer's size as int and fills the buffer
// from the []byte result once the call succeeded:
//
//	r0, err := a0.OptGet(..., int(len_))
//	...
//	copyOut(val, int(len_), r0)
func (x *exportCtx) bytesOutParam(i int, p *ParamModel) {
	x.nullCheck(p)
	size := jen.Id(goIdent(x.fn.Params[i+1].Name))
	x.args[p.GoIndex] = jen.Int().Call(size)
	x.afterSuccess = append(x.afterSuccess, jen.Id("copyOut").Call(jen.Id(goIdent(p.Name)), jen.Int().Call(size.Clone()), jen.Id(fmt.Sprintf("r%d", p.OutIndex))))
}

// outPointerParam checks an out-pointer (int *, const char **, const void
// **) before the call unless NULL is allowed; storeOut fills it after.
func (x *exportCtx) outPointerParam(p *ParamModel) {
	if p.Null != "pass" {
		x.nullCheck(p)
	}
}

// lengthParam checks a length out-pointer the function requires (if_null:
// einval); a length or callback arg is otherwise converted with the
// parameter before it.
func (x *exportCtx) lengthParam(p *ParamModel) {
	if p.Null == "einval" {
		x.nullCheck(p)
	}
}
