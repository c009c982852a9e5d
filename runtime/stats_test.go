package runtime

import (
	"net"
	"sort"
	"strings"
	"testing"
	"time"
)

// statsCollector listens for statsd packets and points FLUX_FRIPP_STATSD
// at itself.
func statsCollector(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("FLUX_FRIPP_STATSD", c.LocalAddr().String())
	return c
}

// readLines returns the lines of the packets that arrive within d.
func readLines(t *testing.T, c *net.UDPConn, d time.Duration) []string {
	t.Helper()
	var lines []string
	buf := make([]byte, 2048)
	_ = c.SetReadDeadline(time.Now().Add(d))
	for {
		n, err := c.Read(buf)
		if err != nil {
			return lines
		}
		lines = append(lines, strings.Split(string(buf[:n]), "\n")...)
	}
}

func TestStatsDisabled(t *testing.T) {
	t.Setenv("FLUX_FRIPP_STATSD", "")
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if h.StatsEnabled(nil) {
		t.Fatal("enabled with a malformed FLUX_FRIPP_STATSD")
	}
	h.StatsCount("x", 1) // nothing happens
}

func TestStatsImmediate(t *testing.T) {
	c := statsCollector(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if !h.StatsEnabled(nil) {
		t.Fatal("not enabled")
	}
	h.StatsSetPeriod(0)
	h.StatsSetPrefix("test")
	h.StatsCount("c", 3)
	h.StatsGaugeInc("g", 2)
	h.StatsGaugeSet("g", 5)
	h.StatsTiming("t", 1.5)
	got := strings.Join(readLines(t, c, 500*time.Millisecond), ",")
	want := "test.c:3|C,test.g:+2|g,test.g:5|g,test.t:1.500000|ms"
	if got != want {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

func TestStatsAggregated(t *testing.T) {
	c := statsCollector(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	h.StatsSetPeriod(0.05)
	h.StatsGaugeInc("g", 2)
	h.StatsGaugeInc("g", 3)
	h.StatsCount("c", 1)
	got := readLines(t, c, 300*time.Millisecond)
	sort.Strings(got)
	// One value per metric per period, and nothing once it stops changing.
	if strings.Join(got, ",") != "flux.0.c:1|C,flux.0.g:5|g" {
		t.Fatalf("sent %q", got)
	}
}
