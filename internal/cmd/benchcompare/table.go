package main

import (
	"fmt"
	"io"
	"strconv"
)

// row is one line of the ratio table: a figure measured with our side
// (C kit on our library, or a Go benchmark) divided by the same figure of
// flux-core's library.
type row struct {
	name    string
	ours    string  // samples key of our figure
	oursLib string  // libOurs or libGo
	scale   float64 // multiplies our value into the unit of theirs (Go ns → µs)
	theirs  string  // samples key of flux-core's figure (lib libTheirs)
	unit    string
	target  string  // e.g. "≤ 0.95"; empty: no target
	goal    float64 // the target's bound
	lower   bool    // the ratio must be at most goal (else at least)
}

func cRow(name, key, unit, target string) row {
	r := row{name: name, ours: key, oursLib: libOurs, scale: 1, theirs: key, unit: unit}
	return r.withTarget(target)
}

func goRow(name, goKey string, scale float64, theirs, unit, target string) row {
	r := row{name: name, ours: goKey, oursLib: libGo, scale: scale, theirs: theirs, unit: unit}
	return r.withTarget(target)
}

// withTarget parses "≤ x" or "≥ x".
func (r row) withTarget(t string) row {
	r.target = t
	if t == "" {
		return r
	}
	r.lower = t[:len("≤")] == "≤"
	v, err := strconv.ParseFloat(t[len("≤ "):], 64)
	if err != nil {
		panic("bad target " + t)
	}
	r.goal = v
	return r
}

const (
	latency  = "rpc_latency|api=string pad=0 n=%s|%s"
	pipeline = "rpc_pipeline|mode=%s K=%d pad=0|rpc_per_s"
	openKey  = "open_close|ops=open+rank+close|%s"
	events   = "event_throughput|mode=%s window=%d pad=0|events_per_s"
	codec    = "msg_codec|size=64|%s"
)

// rows is the table of issue #19 for the given run lengths.
func rows(quick bool) (core, services []row) {
	n := func(full, short int) string {
		if quick {
			return strconv.Itoa(short)
		}
		return strconv.Itoa(full)
	}
	lat := func(fig string) string { return fmt.Sprintf(latency, n(10000, 2000), fig) }
	oc := func(fig string) string { return fmt.Sprintf(openKey, fig) }
	core = []row{
		cRow("rpc_latency round trip, C ABI (median)", lat("median_us"), "µs", "≤ 0.95"),
		goRow("Go binding sync RPC (mean) ÷ C rpc_latency (mean)", "go|RPC|ns/op", 1e-3, lat("mean_us"), "µs", "≤ 0.85"),
		goRow("Go runtime path sync RPC (mean) ÷ C rpc_latency (mean)", "go|RuntimeRPC|ns/op", 1e-3, lat("mean_us"), "µs", ""),
	}
	for _, k := range []int{1, 10, 100, 1000} {
		key := fmt.Sprintf(pipeline, "async", k)
		core = append(core, cRow(fmt.Sprintf("rpc_pipeline -a K=%d", k), key, "RPC/s", "≥ 1.0"))
	}
	core = append(core,
		cRow("rpc_pipeline batch K=100", fmt.Sprintf(pipeline, "batch", 100), "RPC/s", "≥ 1.5"),
		cRow("open_close (open+rank+close), C ABI (median)", oc("median_us"), "µs", "≤ 0.5"),
		goRow("open_close, Go binding (mean) ÷ C (mean)", "go|OpenClose|ns/op", 1e-3, oc("mean_us"), "µs", "≤ 0.5"),
		goRow("open_close, Go runtime path (mean) ÷ C (mean)", "go|RuntimeOpenClose|ns/op", 1e-3, oc("mean_us"), "µs", ""),
		cRow("event_throughput -M raw w=100", fmt.Sprintf(events, "raw", 100), "events/s", "≥ 1.0"),
		cRow("event_throughput -M raw w=1", fmt.Sprintf(events, "raw", 1), "events/s", "≥ 1.0"),
		goRow("events raw W=100, Go binding ÷ C", "go|Events/raw/W=100|events/s", 1, fmt.Sprintf(events, "raw", 100), "events/s", "≥ 1.0"),
		cRow("event_throughput -M pub w=1000 (keep ≫ 1)", fmt.Sprintf(events, "pub", 1000), "events/s", ""),
		cRow("msg_codec 64 B build", fmt.Sprintf(codec, "build_ns"), "ns", "≤ 8"),
		cRow("msg_codec 64 B encode", fmt.Sprintf(codec, "encode_ns"), "ns", "≤ 3"),
		cRow("msg_codec 64 B decode", fmt.Sprintf(codec, "decode_ns"), "ns", "≤ 3"),
	)
	services = []row{
		cRow("kvs_ops lookup (median)", fmt.Sprintf("kvs_ops|mode=lookup n=%s|median_us", n(3000, 500)), "µs", "≤ 0.9"),
		cRow("kvs_ops commit (median)", fmt.Sprintf("kvs_ops|mode=commit n=%s|median_us", n(300, 50)), "µs", "≤ 0.9"),
		cRow("job_submit wait (median)", fmt.Sprintf("job_submit|mode=wait n=%s|median_ms", n(10, 3)), "ms", ""),
		cRow("job_submit K=64", fmt.Sprintf("job_submit|mode=submit K=64 n=%s|jobs_per_s", n(200, 50)), "jobs/s", ""),
	}
	return core, services
}

// printTables writes the Markdown ratio tables.
func printTables(w io.Writer, c *config, s *samples) {
	core, services := rows(c.quick)
	pinned := "unpinned"
	if c.cpu != "" {
		pinned = "broker and clients on CPU " + c.cpu
	}
	if !c.servicesOnly {
		fmt.Fprintf(w, "\nOne-rank flux-core broker without rc scripts, %s, %d rounds, order alternating; medians.\n\n", pinned, c.rounds)
		printTable(w, core, s)
	}
	if c.services {
		fmt.Fprintf(w, "\nFull flux-core instance (KVS and job modules), %s, %d rounds, order alternating, the job queue drained after each program; medians.\n\n", pinned, c.rounds)
		printTable(w, services, s)
	}
}

func printTable(w io.Writer, rs []row, s *samples) {
	fmt.Fprintln(w, "| figure | ours | flux-core | unit | ratio ours ÷ flux-core | target | verdict |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---|---|")
	for _, r := range rs {
		o, no := s.median(r.ours, r.oursLib)
		t, nt := s.median(r.theirs, libTheirs)
		if no == 0 || nt == 0 || t == 0 {
			fmt.Fprintf(w, "| %s | – | – | %s | – | %s | not measured |\n", r.name, r.unit, r.target)
			continue
		}
		o *= r.scale
		ratio := o / t
		verdict := ""
		if r.target != "" {
			met := ratio >= r.goal
			if r.lower {
				met = ratio <= r.goal
			}
			verdict = "missed"
			if met {
				verdict = "**met**"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f | %s | %s |\n", r.name, num(o), num(t), r.unit, ratio, r.target, verdict)
	}
}

// num prints v with about three significant digits.
func num(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
