package gen

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// GoFunc is the signature of a runtime entry point.
type GoFunc struct {
	Key     string   // "Open", "Handle.Close", "msg.New", "kvs.Lookup"
	Pkg     string   // import path of the declaring package: ".../runtime/kvs"
	Name    string   // the function's or method's own name: "Lookup"
	Recv    string   // receiver type name without the star, "" for functions
	Params  []GoVar  // excluding the receiver
	Results []string // result types

	// The same signature as go/types sees it (Params and Results are
	// spelled from these).
	Sig *types.Signature
}

// GoVar is a named Go parameter.
type GoVar struct {
	Name string
	Type string
}

// RuntimeIndex lists the exported functions and methods of package runtime
// and of its subpackages.
type RuntimeIndex map[string]*GoFunc

// defaultModule is the module path assumed for a tree without go.mod (the
// golden test's stub runtime).
const defaultModule = "github.com/fluxgo/fluxgo"

// IndexRuntime type-checks package runtime in dir and every package below
// it (not testdata or internal ones), and records each exported function
// and method with its signature:
//
//   - runtime's functions as "Open", methods as "Handle.Close", including
//     the methods of types runtime declares as aliases of a subpackage's
//     (so "Reactor.Run" names a method of reactor.Reactor);
//   - a subpackage's as "msg.New", "msg.Message.SetType", "kvs.Lookup".
//
// Types are compared with types.Identical, not as text: a parameter or
// result whose type is identical to one of the spellings the model expects
// (paramGoTypes, scalarTypes, the object kinds) is spelled that way, so
// parameter names inside function types, aliases and import names do not
// matter. Other types are spelled as seen from package runtime
// ("*msg.Message", "time.Duration").
func IndexRuntime(dir string) (RuntimeIndex, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(dir)
	imp := newTreeImporter(root, modulePath(root))
	rtPath := imp.module + "/" + filepath.ToSlash(filepath.Base(dir))
	rt, err := imp.Import(rtPath)
	if err != nil {
		return nil, err
	}
	spell := newSpeller(rt)
	idx := RuntimeIndex{}
	indexScope(idx, rt, "", spell)
	subs, err := subpackages(dir)
	if err != nil {
		return nil, err
	}
	for _, rel := range subs {
		p, err := imp.Import(rtPath + "/" + rel)
		if err != nil {
			return nil, err
		}
		if p.Name() == "main" {
			continue
		}
		indexScope(idx, p, p.Name(), spell)
	}
	return idx, nil
}

// indexScope records the exported functions of p and the exported methods
// of its exported types, keyed under prefix ("" for runtime itself).
func indexScope(idx RuntimeIndex, p *types.Package, prefix string, spell *speller) {
	key := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	scope := p.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Func:
			sig := o.Type().(*types.Signature)
			if sig.TypeParams() != nil {
				continue // generic functions have no C binding
			}
			idx[key(name)] = spell.goFunc(key(name), "", o)
		case *types.TypeName:
			t := types.Unalias(o.Type())
			if _, isIface := t.Underlying().(*types.Interface); isIface {
				continue
			}
			recv := key(name)
			ms := types.NewMethodSet(types.NewPointer(t))
			for i := 0; i < ms.Len(); i++ {
				m := ms.At(i).Obj().(*types.Func)
				if !m.Exported() || len(ms.At(i).Index()) != 1 {
					continue // promoted methods are the embedded type's
				}
				k := recv + "." + m.Name()
				idx[k] = spell.goFunc(k, recv, m)
			}
		}
	}
}

// speller spells Go types the way the model expects them.
type speller struct {
	rt    *types.Package
	known []knownType // the model's spellings, sorted
}

type knownType struct {
	text string
	t    types.Type
}

// modelSpellings lists the Go types the model compares runtime signatures
// with, besides those of its tables.
var modelSpellings = []string{"string", "*string", "[]byte", "any", "error", "Msgcounters", "*Handle"}

func newSpeller(rt *types.Package) *speller {
	seen := map[string]bool{}
	var texts []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			texts = append(texts, s)
		}
	}
	for _, s := range modelSpellings {
		add(s)
	}
	for _, s := range paramGoTypes {
		add(s)
	}
	for _, s := range scalarTypes {
		add(s)
	}
	for _, k := range objectKinds {
		add(k.GoType)
	}
	sort.Strings(texts)
	sp := &speller{rt: rt}
	fset := token.NewFileSet()
	for _, s := range texts {
		// A spelling that does not name a type of this runtime (a stub
		// without MsgHandler, say) simply never matches.
		if tv, err := types.Eval(fset, rt, token.NoPos, s); err == nil && tv.IsType() {
			sp.known = append(sp.known, knownType{s, tv.Type})
		}
	}
	return sp
}

// spell returns the model's spelling of t when it has one for an identical
// type, else t as written from package runtime.
func (sp *speller) spell(t types.Type) string {
	for _, k := range sp.known {
		if types.Identical(k.t, t) {
			return k.text
		}
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == sp.rt {
			return ""
		}
		return p.Name()
	})
}

func (sp *speller) goFunc(key, recv string, fn *types.Func) *GoFunc {
	sig := fn.Type().(*types.Signature)
	gf := &GoFunc{Key: key, Pkg: fn.Pkg().Path(), Name: fn.Name(), Recv: recv, Sig: sig}
	for i := 0; i < sig.Params().Len(); i++ {
		v := sig.Params().At(i)
		text := sp.spell(v.Type())
		if sig.Variadic() && i == sig.Params().Len()-1 {
			text = "..." + sp.spell(v.Type().(*types.Slice).Elem())
		}
		name := v.Name()
		if name == "" || name == "_" {
			name = fmt.Sprintf("p%d", i)
		}
		gf.Params = append(gf.Params, GoVar{Name: name, Type: text})
	}
	for i := 0; i < sig.Results().Len(); i++ {
		gf.Results = append(gf.Results, sp.spell(sig.Results().At(i).Type()))
	}
	return gf
}

// subpackages lists the directories below dir (relative, slash-separated,
// sorted) that hold non-test Go files, skipping testdata, internal and
// hidden directories.
func subpackages(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || p == dir {
			return nil
		}
		n := d.Name()
		if n == "testdata" || n == "internal" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			return filepath.SkipDir
		}
		if files, _ := goFiles(p); len(files) > 0 {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// goFiles lists the non-test Go files of dir, sorted.
func goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		names = append(names, filepath.Join(dir, n))
	}
	sort.Strings(names)
	return names, nil
}

// modulePath reads the module path from root/go.mod (defaultModule when
// there is none).
func modulePath(root string) string {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return defaultModule
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return defaultModule
}

// treeImporter type-checks the module's own packages from the source tree
// at root, and everything else (the standard library, x/sys) with the
// source importer of go/importer.
type treeImporter struct {
	root   string
	module string
	fset   *token.FileSet
	pkgs   map[string]*types.Package
	other  types.ImporterFrom
}

func newTreeImporter(root, module string) *treeImporter {
	fset := token.NewFileSet()
	return &treeImporter{
		root:   root,
		module: module,
		fset:   fset,
		pkgs:   map[string]*types.Package{},
		other:  importer.ForCompiler(fset, "source", nil).(types.ImporterFrom),
	}
}

func (ti *treeImporter) Import(p string) (*types.Package, error) {
	return ti.ImportFrom(p, ti.root, 0)
}

func (ti *treeImporter) ImportFrom(p, dir string, mode types.ImportMode) (*types.Package, error) {
	rel, ok := strings.CutPrefix(p, ti.module+"/")
	if !ok {
		return ti.other.ImportFrom(p, ti.root, mode)
	}
	if pkg, ok := ti.pkgs[p]; ok {
		if pkg == nil {
			return nil, fmt.Errorf("import cycle through %s", p)
		}
		return pkg, nil
	}
	ti.pkgs[p] = nil
	files, err := goFiles(filepath.Join(ti.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Go files in %s", p, filepath.Join(ti.root, rel))
	}
	var asts []*ast.File
	for _, name := range files {
		f, err := parser.ParseFile(ti.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		asts = append(asts, f)
	}
	conf := types.Config{Importer: ti}
	pkg, err := conf.Check(p, ti.fset, asts, nil)
	if err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", path.Base(p), err)
	}
	ti.pkgs[p] = pkg
	return pkg, nil
}
