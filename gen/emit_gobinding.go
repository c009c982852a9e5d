package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

const runtimePkg = "github.com/fluxgo/fluxgo/runtime"

// emitGoConstants writes bindings/go/zz_generated_constants.go: each
// constant group as Go constants, typed when the group names a Go type.
func emitGoConstants(m *Model) ([]byte, error) {
	f := jen.NewFile("flux")
	f.HeaderComment(GeneratedHeader)
	for _, g := range m.Groups {
		named := false
		for _, c := range g.Members {
			named = named || c.Go != ""
		}
		if (!named && g.GoType == "") || !g.HasGoValue() {
			continue // nothing of this group reaches Go
		}
		if g.GoType != "" {
			f.Commentf("%s is one of %s", g.GoType, lowerFirst(g.Doc))
			f.Type().Id(g.GoType).Int()
		}
		f.Comment(g.Doc)
		f.Const().DefsFunc(func(d *jen.Group) {
			for _, c := range g.Members {
				if c.Go == "" {
					continue
				}
				d.Comment(fmt.Sprintf("%s is %s: %s", c.Go, c.Name, c.Doc))
				if g.GoType != "" {
					d.Id(c.Go).Id(g.GoType).Op("=").Add(constValue(g, c))
				} else {
					d.Id(c.Go).Op("=").Add(constValue(g, c))
				}
			}
		})
	}
	return render(f)
}

// emitGoMethods writes bindings/go/zz_generated_handle.go: a thin method on
// the binding's Handle for every spec function with a go entry.
func emitGoMethods(m *Model) ([]byte, error) {
	f := jen.NewFile("flux")
	f.HeaderComment(GeneratedHeader)
	f.ImportAlias(runtimePkg, "fluxrt")
	for _, fn := range m.Functions {
		if fn.Go == nil || fn.Entry == nil {
			continue
		}
		e := fn.Entry
		// The binding's parameters take the C prototype's names, and
		// go.param_types is keyed by them, so renaming a parameter of
		// the runtime method changes nothing here.
		cname, err := goParamNames(fn)
		if err != nil {
			return nil, err
		}
		var params []jen.Code
		var args []jen.Code
		for i, p := range e.Params {
			name := cname[i]
			if t, ok := fn.Go.ParamTypes[name]; ok {
				params = append(params, jen.Id(name).Id(t))
				args = append(args, jen.Id(p.Type).Call(jen.Id(name)))
				continue
			}
			params = append(params, jen.Id(name).Add(bindingType(p.Type)))
			if p.Type == "*Handle" {
				args = append(args, jen.Id(name).Dot("rt"))
			} else {
				args = append(args, jen.Id(name))
			}
		}
		var results []jen.Code
		for i, r := range e.Results {
			if i == 0 && fn.Go.ResultType != "" {
				results = append(results, jen.Id(fn.Go.ResultType))
				continue
			}
			results = append(results, bindingType(r))
		}
		zeros := func(final jen.Code) []jen.Code {
			var z []jen.Code
			for i, r := range e.Results {
				if i == len(e.Results)-1 && r == "error" {
					z = append(z, final)
				} else {
					z = append(z, zeroValue(r))
				}
			}
			return z
		}
		f.Commentf("%s is %s: %s", fn.Go.Name, fn.Name, oneLine(fn.Doc))
		f.Func().Params(jen.Id("h").Op("*").Id("Handle")).Id(fn.Go.Name).Params(params...).Params(results...).BlockFunc(func(g *jen.Group) {
			if n := len(e.Results); n > 0 && e.Results[n-1] == "error" {
				// if err := h.usable(); err != nil { return …, opErr("clone", "", err) }
				op := strings.TrimPrefix(fn.Name, "flux_")
				g.If(jen.Err().Op(":=").Id("h").Dot("usable").Call(), jen.Err().Op("!=").Nil()).Block(
					jen.Return(zeros(jen.Id("opErr").Call(jen.Lit(op), jen.Lit(""), jen.Err()))...),
				)
			} else {
				g.If(jen.Id("h").Dot("usable").Call().Op("!=").Nil()).Block(
					jen.Return(zeros(nil)...),
				)
			}
			call := jen.Id("h").Dot("rt").Dot(strings.TrimPrefix(fn.Runtime, "Handle.")).Call(args...)
			if len(e.Results) == 0 {
				g.Add(call)
				return
			}
			var rs []jen.Code
			for i := range e.Results {
				rs = append(rs, jen.Id(fmt.Sprintf("r%d", i)))
			}
			g.List(rs...).Op(":=").Add(call)
			var outs []jen.Code
			for i, r := range e.Results {
				v := jen.Id(fmt.Sprintf("r%d", i))
				switch {
				case i == 0 && fn.Go.ResultType != "":
					outs = append(outs, jen.Id(fn.Go.ResultType).Call(v))
				case r == "*Handle":
					outs = append(outs, jen.Id("h").Dot("wrapClone").Call(v))
				default:
					outs = append(outs, v)
				}
			}
			g.Return(outs...)
		})
	}
	return render(f)
}

// bindingType spells a runtime type as the binding sees it: the binding has
// its own Handle; everything else is a builtin.
func bindingType(t string) jen.Code {
	if t == "*Handle" {
		return jen.Op("*").Id("Handle")
	}
	return jen.Id(t)
}

func zeroValue(t string) jen.Code {
	switch {
	case t == "error", t == "any", strings.HasPrefix(t, "*"), strings.HasPrefix(t, "func"), strings.HasPrefix(t, "[]"):
		return jen.Nil()
	case t == "string":
		return jen.Lit("")
	case t == "bool":
		return jen.False()
	}
	return jen.Lit(0)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// goParamNames names each parameter of fn's runtime method after the C
// parameter passed to it (the runtime's own name where no C parameter
// is), and checks that every go.param_types key is one of those C names.
func goParamNames(fn *FuncModel) ([]string, error) {
	names := make([]string, len(fn.Entry.Params))
	for i, p := range fn.Entry.Params {
		names[i] = p.Name
	}
	known := map[string]bool{}
	for _, pm := range fn.Params {
		if pm.GoIndex >= 0 && pm.GoIndex < len(names) {
			names[pm.GoIndex] = pm.Name
			known[pm.Name] = true
		}
	}
	for key := range fn.Go.ParamTypes {
		if !known[key] {
			return nil, fmt.Errorf("%s: go.param_types names %q, which is not a C parameter passed to %s", fn.Name, key, fn.Runtime)
		}
	}
	return names, nil
}
