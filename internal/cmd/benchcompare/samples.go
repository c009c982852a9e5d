package main

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Library names under which samples are kept.
const (
	libOurs   = "ours"
	libTheirs = "flux-core"
	libGo     = "go"
)

// samples holds every measured figure: key → library → one value per round.
// A C kit key is "program|params|figure" from a RESULT line, e.g.
// "rpc_pipeline|mode=async K=1 pad=0|rpc_per_s"; a Go key is
// "go|benchmark|unit", e.g. "go|RPC|ns/op".
type samples struct {
	Values map[string]map[string][]float64
}

func newSamples() *samples {
	return &samples{Values: map[string]map[string][]float64{}}
}

func (s *samples) add(key, lib string, v float64) {
	m := s.Values[key]
	if m == nil {
		m = map[string][]float64{}
		s.Values[key] = m
	}
	m[lib] = append(m[lib], v)
}

func (s *samples) merge(o *samples) {
	for k, m := range o.Values {
		for lib, vs := range m {
			for _, v := range vs {
				s.add(k, lib, v)
			}
		}
	}
}

// median of key's values for lib, and how many there were.
func (s *samples) median(key, lib string) (float64, int) {
	vs := append([]float64(nil), s.Values[key][lib]...)
	if len(vs) == 0 {
		return 0, 0
	}
	sort.Float64s(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], n
	}
	return (vs[n/2-1] + vs[n/2]) / 2, n
}

// addResults parses the kit's lines
// "RESULT <program> <params> : <figure>=<value> ..." into s under lib and
// returns how many it found.
func (s *samples) addResults(r io.Reader, lib string) int {
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "RESULT ")
		if !ok {
			continue
		}
		head, figs, ok := strings.Cut(rest, " : ")
		if !ok {
			continue
		}
		prog, params, _ := strings.Cut(head, " ")
		for _, f := range strings.Fields(figs) {
			name, val, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			v, err := strconv.ParseFloat(val, 64)
			if err != nil {
				continue
			}
			s.add(prog+"|"+params+"|"+name, lib, v)
		}
		found++
	}
	return found
}

// addGoBench parses `go test -bench` output lines
// "BenchmarkX-N iters value unit value unit ..." into s under libGo
// (one sample per line, so -count N gives N samples).
func (s *samples) addGoBench(r io.Reader) int {
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
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
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				s.add("go|"+name+"|"+f[i+1], libGo, v)
			}
		}
		found++
	}
	return found
}
