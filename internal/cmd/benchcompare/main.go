// Command benchcompare runs the C benchmark kit of ../shared/bench, built
// against our library and against flux-core's, side by side in one
// flux-core broker, plus the Go binding's benchmarks in the same broker,
// and prints the ratio table of issue #19 (ours ÷ flux-core's, medians).
//
//	benchcompare -flux-core PREFIX -ours DIR -theirs DIR [-gotest FILE]
//	             [-rounds 3] [-cpu 0] [-services | -services-only] [-quick]
//
// DIR holds the kit's binaries for one library (make -C ../shared/bench
// BUILDDIR=DIR ...); -gotest is the Go binding's compiled test binary
// (go test -c ./bindings/go). It starts one one-rank broker without rc
// scripts (`flux start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path=`) under
// `taskset -c CPU`, so broker and clients share one CPU, and re-runs itself
// inside it (-inside); with -services it starts a second, full instance
// for the KVS and job programs (-services-only runs just that one), and
// drains its job queue after each program so the next starts on an idle
// instance; there every program has one untimed warm-up run with
// flux-core's library before its rounds. Each round runs every program once per
// library, the order alternating between rounds.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// config is the command line.
type config struct {
	fluxCore string
	ours     string
	theirs   string
	goTest   string
	rounds   int
	cpu      string
	services bool
	quick    bool
	// servicesOnly skips the core section.
	servicesOnly bool
	inside       string // section to run inside a broker ("core", "services")
	out          string // where -inside writes its samples
}

func main() {
	var c config
	flag.StringVar(&c.fluxCore, "flux-core", os.Getenv("FLUX_CORE"), "flux-core prefix (bin/flux)")
	flag.StringVar(&c.ours, "ours", "", "bench kit built against our library")
	flag.StringVar(&c.theirs, "theirs", "", "bench kit built against flux-core's library")
	flag.StringVar(&c.goTest, "gotest", "", "compiled Go binding test binary (go test -c ./bindings/go); empty skips the Go rows")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds; the table shows medians")
	flag.StringVar(&c.cpu, "cpu", "0", "CPU list for taskset (empty: no pinning)")
	flag.BoolVar(&c.services, "services", false, "also run kvs_ops and job_submit in a full instance")
	flag.BoolVar(&c.quick, "quick", false, "shorter runs")
	flag.BoolVar(&c.servicesOnly, "services-only", false, "run only the full-instance section (implies -services)")
	flag.StringVar(&c.inside, "inside", "", "internal: run this section in the current broker")
	flag.StringVar(&c.out, "out", "", "internal: samples file written by -inside")
	flag.Parse()
	if c.ours == "" || c.theirs == "" {
		fatal(fmt.Errorf("-ours and -theirs are required"))
	}
	if c.inside != "" {
		s, err := runSection(&c, c.inside)
		if err != nil {
			fatal(err)
		}
		if err := writeSamples(c.out, s); err != nil {
			fatal(err)
		}
		return
	}
	if c.fluxCore == "" {
		fatal(fmt.Errorf("-flux-core (or FLUX_CORE) is required"))
	}
	all := newSamples()
	sections := []string{"core"}
	if c.servicesOnly {
		c.services = true
		sections = nil
	}
	if c.services {
		sections = append(sections, "services")
	}
	for _, sec := range sections {
		s, err := inBroker(&c, sec)
		if err != nil {
			fatal(err)
		}
		all.merge(s)
	}
	printTables(os.Stdout, &c, all)
}

// inBroker starts a flux-core instance (one-rank, no rc scripts for
// "core"; full for "services") pinned with taskset and re-runs this
// program inside it for one section.
func inBroker(c *config, section string) (*samples, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "benchcompare-*.json")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	var argv []string
	if c.cpu != "" {
		argv = append(argv, "taskset", "-c", c.cpu)
	}
	argv = append(argv, filepath.Join(c.fluxCore, "bin", "flux"), "start")
	if section == "core" {
		argv = append(argv, "-o,-Sbroker.rc1_path=,-Sbroker.rc3_path=")
	}
	argv = append(argv, self, "-inside", section, "-out", tmp.Name(), "-flux-core", c.fluxCore,
		"-ours", c.ours, "-theirs", c.theirs, "-gotest", c.goTest,
		"-rounds", strconv.Itoa(c.rounds), "-quick="+strconv.FormatBool(c.quick))
	fmt.Fprintf(os.Stderr, "== %s section: %v\n", section, argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s section: %w", section, err)
	}
	return readSamples(tmp.Name())
}

func writeSamples(path string, s *samples) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func readSamples(path string) (*samples, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := newSamples()
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("samples %s: %w", path, err)
	}
	return s, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchcompare:", err)
	os.Exit(1)
}
