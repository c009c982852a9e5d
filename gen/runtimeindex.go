package gen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// GoFunc is the signature of a runtime entry point.
type GoFunc struct {
	Key     string   // "Open" or "Handle.Close"
	Recv    string   // receiver type name without the star, "" for functions
	Params  []GoVar  // excluding the receiver
	Results []string // result types
}

// GoVar is a named Go parameter.
type GoVar struct {
	Name string
	Type string
}

// RuntimeIndex lists the exported functions and methods of package runtime.
type RuntimeIndex map[string]*GoFunc

// IndexRuntime parses the non-test Go files of dir (package runtime) and
// records every exported function and method with its signature.
func IndexRuntime(dir string) (RuntimeIndex, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	idx := RuntimeIndex{}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			gf := &GoFunc{Key: fd.Name.Name}
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				rt := types.ExprString(fd.Recv.List[0].Type)
				gf.Recv = strings.TrimPrefix(rt, "*")
				gf.Key = gf.Recv + "." + fd.Name.Name
			}
			gf.Params = fieldVars(fd.Type.Params)
			for _, r := range fieldVars(fd.Type.Results) {
				gf.Results = append(gf.Results, r.Type)
			}
			idx[gf.Key] = gf
		}
	}
	return idx, nil
}

func fieldVars(fl *ast.FieldList) []GoVar {
	if fl == nil {
		return nil
	}
	var out []GoVar
	for i, f := range fl.List {
		t := types.ExprString(f.Type)
		if len(f.Names) == 0 {
			out = append(out, GoVar{Name: fmt.Sprintf("p%d", i), Type: t})
			continue
		}
		for _, n := range f.Names {
			out = append(out, GoVar{Name: n.Name, Type: t})
		}
	}
	return out
}
