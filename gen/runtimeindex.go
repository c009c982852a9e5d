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
// of its codec subpackage dir/msg, and records every exported function and
// method with its signature. Entries of the codec are keyed and typed as
// seen from package runtime: "msg.New", "msg.Message.SetType",
// "*msg.Message".
func IndexRuntime(dir string) (RuntimeIndex, error) {
	idx := RuntimeIndex{}
	if err := indexPackage(idx, dir, ""); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "msg")); err == nil {
		if err := indexPackage(idx, filepath.Join(dir, "msg"), "msg"); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

func indexPackage(idx RuntimeIndex, dir, pkg string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
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
			return err
		}
		if pkg != "" {
			qualify(f, pkg)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			gf := &GoFunc{Key: fd.Name.Name}
			if pkg != "" {
				gf.Key = pkg + "." + fd.Name.Name
			}
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
	return nil
}

// qualify rewrites, in the signatures of f, every exported identifier
// that names a type of package pkg as pkg.Name, so that the codec's
// entries read as they do from package runtime.
func qualify(f *ast.File, pkg string) {
	var fix func(e ast.Expr) ast.Expr
	fix = func(e ast.Expr) ast.Expr {
		switch t := e.(type) {
		case *ast.Ident:
			if t.IsExported() {
				return &ast.SelectorExpr{X: ast.NewIdent(pkg), Sel: t}
			}
		case *ast.StarExpr:
			t.X = fix(t.X)
		case *ast.ArrayType:
			t.Elt = fix(t.Elt)
		case *ast.MapType:
			t.Key, t.Value = fix(t.Key), fix(t.Value)
		case *ast.FuncType:
			fixFields(t.Params, fix)
			fixFields(t.Results, fix)
		}
		return e
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		fixFields(fd.Recv, fix)
		fixFields(fd.Type.Params, fix)
		fixFields(fd.Type.Results, fix)
	}
}

func fixFields(fl *ast.FieldList, fix func(ast.Expr) ast.Expr) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		f.Type = fix(f.Type)
	}
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
