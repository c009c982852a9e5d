// Command fluxgen generates every fluxgo surface from spec/handle.yaml.
//
//	go run ./cmd/fluxgen            regenerate in place
//	go run ./cmd/fluxgen -check     exit 1 listing every generated file that differs
//	go run ./cmd/fluxgen -coverage  implemented/total functions per header
//	go run ./cmd/fluxgen -coverage -planned
//	                                and the planned functions of each header
//	go run ./cmd/fluxgen -check-prototypes PREFIX/include/flux/core
//	                                compare every spec prototype with flux-core's headers
//
// -spec and -root select another spec file or repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fluxgo/fluxgo/gen"
)

func main() {
	check := flag.Bool("check", false, "regenerate in memory and report files that differ; exit 1 if any")
	coverage := flag.Bool("coverage", false, "print implemented/total functions per header")
	planned := flag.Bool("planned", false, "with -coverage: also list each header's planned functions")
	protos := flag.String("check-prototypes", "", "directory of flux-core headers (PREFIX/include/flux/core) to compare every spec prototype with; exit 1 on a mismatch")
	root := flag.String("root", ".", "repository root the generated paths are relative to")
	spec := flag.String("spec", "", "spec file (default ROOT/spec/handle.yaml)")
	flag.Parse()
	if *spec == "" {
		*spec = filepath.Join(*root, "spec", "handle.yaml")
	}
	if *protos != "" {
		os.Exit(checkPrototypes(*spec, *root, *protos))
	}
	os.Exit(run(*spec, *root, *check, *coverage, *planned))
}

func checkPrototypes(spec, root, dir string) int {
	m, err := gen.LoadModel(spec, root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxgen:", err)
		return 2
	}
	bad, err := gen.CheckPrototypes(m, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxgen:", err)
		return 2
	}
	for _, b := range bad {
		fmt.Println(b)
	}
	if len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "fluxgen: %d prototype(s) differ from the headers in %s\n", len(bad), dir)
		return 1
	}
	n := 0
	for _, fn := range m.Functions {
		if !fn.Internal && !fn.ExportOnly {
			n++
		}
	}
	fmt.Printf("all %d spec prototypes match the headers in %s\n", n, dir)
	return 0
}

func run(spec, root string, check, coverage, planned bool) int {
	m, err := gen.LoadModel(spec, root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxgen:", err)
		return 2
	}
	if coverage {
		total, impl := 0, 0
		for _, c := range gen.Coverage(m) {
			fmt.Printf("%-12s %3d/%-3d implemented\n", c.Header, c.Implemented, c.Total)
			if planned && len(c.Planned) > 0 {
				fmt.Printf("  planned: %s\n", strings.Join(c.Planned, ", "))
			}
			total += c.Total
			impl += c.Implemented
		}
		fmt.Printf("%-12s %3d/%-3d implemented\n", "all", impl, total)
		return 0
	}
	files, err := gen.Generate(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fluxgen:", err)
		return 2
	}
	if check {
		diffs := files.Check(root)
		for _, d := range diffs {
			fmt.Println(d)
		}
		if len(diffs) > 0 {
			fmt.Fprintf(os.Stderr, "fluxgen: %d generated file(s) differ from %s; run make generate\n", len(diffs), spec)
			return 1
		}
		return 0
	}
	if err := files.Write(root); err != nil {
		fmt.Fprintln(os.Stderr, "fluxgen:", err)
		return 2
	}
	return 0
}
