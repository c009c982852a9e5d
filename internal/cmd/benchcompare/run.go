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

// step is one program run in one round, for both libraries.
type step struct {
	round int
	inv   invocation
}

// schedule orders a section's runs. The core section goes round by
// round. The services section goes program by program: a flux-core
// instance gets slower as jobs accumulate in it (kvs_ops measured after
// job_submit's rounds ran 40-70 % slower, the first program after each
// batch of jobs slowest), so every kvs_ops round runs before the first
// job is submitted, and the ratios compare like with like.
func schedule(section string, rounds int, progs []invocation) []step {
	var steps []step
	if section == "services" {
		for _, inv := range progs {
			for r := 0; r < rounds; r++ {
				steps = append(steps, step{r, inv})
			}
		}
		return steps
	}
	for r := 0; r < rounds; r++ {
		for _, inv := range progs {
			steps = append(steps, step{r, inv})
		}
	}
	return steps
}

// runSection runs one section's programs against both libraries in the
// broker named by FLUX_URI, rounds times, alternating which library goes
// first, then (core section) the Go benchmarks.
func runSection(c *config, section string) (*samples, error) {
	s := newSamples()
	dirs := map[string]string{libOurs: c.ours, libTheirs: c.theirs}
	for _, st := range schedule(section, c.rounds, programs(section, c.quick)) {
		if section == "services" && st.round == 0 {
			// A fresh instance's first kvs_ops commits ran at about
			// twice the later ones' median: one untimed run first,
			// marked in the log, where its RESULT lines also appear.
			fmt.Fprintf(os.Stderr, "# warm-up (not counted): %s with flux-core's library\n", st.inv.prog)
			if _, err := runOne(filepath.Join(c.theirs, st.inv.prog), st.inv.args, nil); err != nil {
				return nil, fmt.Errorf("warm-up %s %v: %w", st.inv.prog, st.inv.args, err)
			}
			if err := drainQueue(c); err != nil {
				return nil, fmt.Errorf("after warm-up %s: %w", st.inv.prog, err)
			}
		}
		order := []string{libOurs, libTheirs}
		if st.round%2 == 1 {
			order = []string{libTheirs, libOurs}
		}
		inv := st.inv
		for _, lib := range order {
			path := filepath.Join(dirs[lib], inv.prog)
			out, err := runOne(path, inv.args, nil)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s %v (%s): %w", st.round+1, inv.prog, inv.args, lib, err)
			}
			if s.addResults(bytes.NewReader(out), lib) == 0 {
				return nil, fmt.Errorf("%s %v (%s): no RESULT line", inv.prog, inv.args, lib)
			}
			if section == "services" {
				if err := drainQueue(c); err != nil {
					return nil, fmt.Errorf("round %d, after %s (%s): %w", st.round+1, inv.prog, lib, err)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "benchcompare: %s round %d of %s done\n", section, st.round+1, inv.prog)
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

// drainQueue waits until every job submitted so far is inactive, so the
// next program starts on an idle instance (job_submit leaves its
// throughput phase's jobs running when it exits; measured beside them,
// the next program times the job shells as well as its own calls).
func drainQueue(c *config) error {
	if _, err := runOne(filepath.Join(c.fluxCore, "bin", "flux"), []string{"queue", "drain", "--timeout=300s"}, nil); err != nil {
		return fmt.Errorf("flux queue drain: %w", err)
	}
	return nil
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
