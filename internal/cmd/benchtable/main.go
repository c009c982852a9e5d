// Command benchtable runs the Go benchmarks (go test -bench -benchmem) of
// the given packages and prints their results as one Markdown table.
//
//	go run ./internal/cmd/benchtable [-bench regexp] [-benchtime 1s] [-count 1] [packages]
//
// With no packages it runs the codec benchmarks (./runtime/msg) and the
// end-to-end ones (./bindings/go). The end-to-end benchmarks start a
// stand-in broker; with FLUXGO_INTEROP=1 and FLUX_URI set (as under
// flux-core's `flux start`) they use that broker instead. -in FILE reads
// saved `go test -bench` output instead of running anything.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// result is one benchmark line (averaged over -count repetitions).
type result struct {
	pkg     string
	name    string
	runs    int
	metrics map[string]float64 // unit → value summed over runs
	order   []string           // units in first-seen order
}

func main() {
	bench := flag.String("bench", ".", "benchmarks to run (go test -bench)")
	benchtime := flag.String("benchtime", "", "go test -benchtime (e.g. 1s or 5000x)")
	count := flag.Int("count", 1, "repetitions; the table shows the mean")
	in := flag.String("in", "", "parse this saved go test -bench output instead of running")
	flag.Parse()
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"./runtime/msg", "./bindings/go"}
	}

	var src io.Reader
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		src = f
	} else {
		args := []string{"test", "-run", "^$", "-bench", *bench, "-benchmem", "-count", strconv.Itoa(*count)}
		if *benchtime != "" {
			args = append(args, "-benchtime", *benchtime)
		}
		args = append(args, pkgs...)
		cmd := exec.Command("go", args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			os.Stderr.Write(out)
			fatal(fmt.Errorf("go %s: %w", strings.Join(args, " "), err))
		}
		src = strings.NewReader(string(out))
	}
	results, err := parse(src)
	if err != nil {
		fatal(err)
	}
	if len(results) == 0 {
		fatal(fmt.Errorf("no benchmark results"))
	}
	printTable(os.Stdout, results)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchtable:", err)
	os.Exit(1)
}

// parse reads go test -bench output: "pkg:" lines and Benchmark lines of
// the form "BenchmarkX-N  iters  value unit  value unit ...".
func parse(r io.Reader) ([]*result, error) {
	byKey := map[string]*result{}
	var list []*result
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		key := pkg + " " + name
		res := byKey[key]
		if res == nil {
			res = &result{pkg: pkg, name: name, metrics: map[string]float64{}}
			byKey[key] = res
			list = append(list, res)
		}
		res.runs++
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("bad value %q in %q", f[i], line)
			}
			unit := f[i+1]
			if _, seen := res.metrics[unit]; !seen {
				res.order = append(res.order, unit)
			}
			res.metrics[unit] += v
		}
	}
	return list, sc.Err()
}

// standard units get their own columns; the rest go to "other".
var standard = []string{"ns/op", "MB/s", "B/op", "allocs/op"}

func printTable(w io.Writer, results []*result) {
	fmt.Fprintln(w, "| package | benchmark | ns/op | MB/s | B/op | allocs/op | other |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
	for _, r := range results {
		cells := []string{short(r.pkg), r.name}
		for _, u := range standard {
			v, ok := r.metrics[u]
			if !ok {
				cells = append(cells, "")
				continue
			}
			cells = append(cells, format(v/float64(r.runs)))
		}
		var other []string
		extra := r.order
		for _, u := range extra {
			if isStandard(u) {
				continue
			}
			other = append(other, format(r.metrics[u]/float64(r.runs))+" "+u)
		}
		cells = append(cells, strings.Join(other, ", "))
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
}

func isStandard(u string) bool {
	for _, s := range standard {
		if s == u {
			return true
		}
	}
	return false
}

// short drops the module path from a package name.
func short(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/fluxgo/fluxgo/")
}

// format prints v with about three significant digits.
func format(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
