package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// invocation is one program of the kit with its arguments.
type invocation struct {
	prog string
	args []string
}

// programs lists what a section runs once per library per round.
func programs(section string, quick bool) []invocation {
	n := func(full, short int) string {
		if quick {
			return strconv.Itoa(short)
		}
		return strconv.Itoa(full)
	}
	if section == "services" {
		return []invocation{
			{"kvs_ops", []string{"-n", n(3000, 500), "-m", n(300, 50)}},
			{"job_submit", []string{"-w", n(10, 3), "-n", n(200, 50), "-k", "64"}},
		}
	}
	return []invocation{
		{"rpc_latency", []string{"-n", n(10000, 2000)}},
		{"rpc_pipeline", []string{"-n", n(20000, 4000), "-a"}},
		{"rpc_pipeline", []string{"-n", n(20000, 4000), "-k", "100"}},
		{"open_close", []string{"-n", n(500, 100)}},
		{"event_throughput", []string{"-m", n(20000, 4000), "-w", "100", "-M", "raw"}},
		{"event_throughput", []string{"-m", n(5000, 1000), "-w", "1", "-M", "raw"}},
		{"event_throughput", []string{"-m", n(2000, 500), "-w", "1000", "-M", "pub"}},
		{"msg_codec", []string{"-S", "64"}},
	}
}

// goBenchmarks are the Go binding's benchmarks behind the Go rows, one
// -test.bench pattern per run (a pattern with sub-benchmark levels skips
// benchmarks that have none).
var goBenchmarks = []string{
	`^(BenchmarkRPC|BenchmarkRuntimeRPC|BenchmarkOpenClose|BenchmarkRuntimeOpenClose)$`,
	`^BenchmarkEvents$/^raw$/^W=100$`,
}

// runSection runs one section's programs against both libraries in the
// broker named by FLUX_URI, rounds times, alternating which library goes
// first, then (core section) the Go benchmarks.
func runSection(c *config, section string) (*samples, error) {
	s := newSamples()
	dirs := map[string]string{libOurs: c.ours, libTheirs: c.theirs}
	for round := 0; round < c.rounds; round++ {
		order := []string{libOurs, libTheirs}
		if round%2 == 1 {
			order = []string{libTheirs, libOurs}
		}
		for _, inv := range programs(section, c.quick) {
			for _, lib := range order {
				path := filepath.Join(dirs[lib], inv.prog)
				out, err := runOne(path, inv.args, nil)
				if err != nil {
					return nil, fmt.Errorf("round %d, %s %v (%s): %w", round+1, inv.prog, inv.args, lib, err)
				}
				if s.addResults(bytes.NewReader(out), lib) == 0 {
					return nil, fmt.Errorf("%s %v (%s): no RESULT line", inv.prog, inv.args, lib)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "benchcompare: %s round %d done\n", section, round+1)
	}
	if section == "core" && c.goTest != "" {
		benchtime := "2s"
		if c.quick {
			benchtime = "500ms"
		}
		for _, pat := range goBenchmarks {
			args := []string{"-test.run", "^$", "-test.bench", pat, "-test.benchmem",
				"-test.count", strconv.Itoa(c.rounds), "-test.benchtime", benchtime}
			out, err := runOne(c.goTest, args, []string{"FLUXGO_INTEROP=1"})
			if err != nil {
				return nil, fmt.Errorf("go benchmarks %s: %w", pat, err)
			}
			if s.addGoBench(bytes.NewReader(out)) == 0 {
				return nil, fmt.Errorf("go benchmarks %s: no results", pat)
			}
		}
	}
	return s, nil
}

// runOne runs a program, echoing its output to stderr, and returns its
// standard output.
func runOne(path string, args, env []string) ([]byte, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	os.Stderr.Write(out.Bytes())
	return out.Bytes(), err
}
