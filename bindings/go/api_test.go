package flux

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
)

// The Go API carries no C-only constants: reactor run flags, requeue
// positions, poll event bits and flux_opt_* names have no use without the
// C calls they go with (the spec gives them no Go names).
func TestNoCOnlyConstants(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cOnly := []string{"ReactorFlag", "ReactorNoWait", "ReactorOnce", "RequeueWhere", "RequeueHead", "RequeueTail",
		"PollEvent", "PollIn", "PollOut", "PollErr", "OptTesting", "OptRouterName", "OptSendQueueCount",
		"OptRecvQueueCount", "OptPollfdEvents"}
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			for obj := range f.Scope.Objects {
				if !ast.IsExported(obj) {
					continue
				}
				for _, c := range cOnly {
					if strings.HasPrefix(obj, c) {
						t.Errorf("%s: exported %s is C-only", name, obj)
					}
				}
			}
		}
	}
}
