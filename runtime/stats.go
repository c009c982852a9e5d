package runtime

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Metrics for a statsd-style collector (stats.h), as flux-core sends
// them: enabled only when FLUX_FRIPP_STATSD names the collector
// ("host:port", UDP over IPv4) when a handle first records a metric;
// otherwise every call does nothing. Metrics are named
// "<prefix>.<name>" (prefix "flux.<rank>" unless set) and aggregated:
// every period (1 s unless set) each metric whose value changed is sent
// in statsd text form, in packets of at most 1440 bytes; a period of 0
// sends each value at once. Unlike flux-core, which uses the handle's
// reactor, the periodic sending runs on a goroutine of its own, so it
// happens whether or not a reactor runs.

const (
	statsAuxKey    = "flux::fripp"
	statsMaxPacket = 1440
	statsPrefixMax = 127
)

type statsKind int

const (
	statsCounter statsKind = iota
	statsGauge
	statsTimer
)

type statsMetric struct {
	kind      statsKind
	cur, prev float64
	fresh     bool // never sent
}

// statsCtx is a handle's metrics state.
type statsCtx struct {
	mu      sync.Mutex
	enabled bool
	sock    int
	addr    unix.SockaddrInet4
	prefix  string
	period  float64
	metrics map[string]*statsMetric
	order   []string
	stop    chan struct{}
	kick    chan struct{}
}

// stats returns h's metrics state, creating it on first use.
func (h *Handle) stats() *statsCtx {
	if h == nil {
		return nil
	}
	if v, err := h.AuxGet(statsAuxKey); err == nil {
		if s, ok := v.(*statsCtx); ok {
			return s
		}
		return nil
	}
	s := newStatsCtx(h)
	key := statsAuxKey
	if h.AuxSet(&key, s, func(any) { s.close() }) != nil {
		s.close()
		return nil
	}
	return s
}

func newStatsCtx(h *Handle) *statsCtx {
	s := &statsCtx{sock: -1}
	target, ok := lookupEnv("FLUX_FRIPP_STATSD")
	if !ok {
		return s
	}
	host, port, found := strings.Cut(target, ":")
	var ua *net.UDPAddr
	var err error
	if !found {
		err = fmt.Errorf("missing colon delimiter")
	} else if ua, err = net.ResolveUDPAddr("udp4", net.JoinHostPort(host, port)); err == nil && ua.IP.To4() == nil {
		err = fmt.Errorf("not an IPv4 address")
	}
	if err != nil {
		_ = h.Log(3, fmt.Sprintf("FLUX_FRIPP_STATSD parse error: %v", err))
		return s
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return s
	}
	s.sock = fd
	s.addr.Port = ua.Port
	copy(s.addr.Addr[:], ua.IP.To4())
	rank, _ := h.GetRank()
	s.prefix = fmt.Sprintf("flux.%d", rank)
	s.period = 1
	s.metrics = map[string]*statsMetric{}
	s.stop, s.kick = make(chan struct{}), make(chan struct{}, 1)
	s.enabled = true
	go s.run()
	return s
}

// run sends the aggregated metrics every period until close.
func (s *statsCtx) run() {
	for {
		s.mu.Lock()
		period := s.period
		s.mu.Unlock()
		var tick <-chan time.Time
		var t *time.Timer
		if period > 0 {
			t = time.NewTimer(time.Duration(period * float64(time.Second)))
			tick = t.C
		}
		select {
		case <-s.stop:
		case <-s.kick:
		case <-tick:
			s.flush()
		}
		if t != nil {
			t.Stop()
		}
		select {
		case <-s.stop:
			return
		default:
		}
	}
}

func (s *statsCtx) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enabled {
		close(s.stop)
		s.enabled = false
	}
	if s.sock >= 0 {
		_ = unix.Close(s.sock)
		s.sock = -1
	}
}

// send writes text to the collector in packets of at most statsMaxPacket
// bytes, cut after whole lines. Call with mu held.
func (s *statsCtx) send(text string) {
	for len(text) > 0 {
		n := len(text)
		if n > statsMaxPacket {
			n = strings.LastIndexByte(text[:statsMaxPacket], '\n') + 1
			if n <= 0 {
				return
			}
		}
		_ = unix.Sendto(s.sock, []byte(strings.TrimSuffix(text[:n], "\n")), 0, &s.addr)
		text = text[n:]
	}
}

// line formats one metric as statsd text.
func (s *statsCtx) line(name string, kind statsKind, v float64, plus bool) string {
	switch kind {
	case statsCounter:
		return fmt.Sprintf("%s.%s:%d|C\n", s.prefix, name, int64(v))
	case statsGauge:
		sign := ""
		if plus && v > 0 {
			sign = "+"
		}
		return fmt.Sprintf("%s.%s:%s%d|g\n", s.prefix, name, sign, int64(v))
	}
	return fmt.Sprintf("%s.%s:%f|ms\n", s.prefix, name, v)
}

// flush sends the metrics that changed since the last flush and forgets
// the others.
func (s *statsCtx) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.enabled {
		return
	}
	var b strings.Builder
	keep := s.order[:0]
	for _, name := range s.order {
		m := s.metrics[name]
		if !m.fresh && m.cur == m.prev {
			delete(s.metrics, name)
			continue
		}
		m.prev, m.fresh = m.cur, false
		b.WriteString(s.line(name, m.kind, m.cur, false))
		keep = append(keep, name)
	}
	s.order = keep
	if b.Len() > 0 {
		s.send(b.String())
	}
}

// record sets (or, for gauge increments, adds to) a metric.
func (s *statsCtx) record(name string, kind statsKind, v float64, inc bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.enabled {
		return
	}
	if s.period == 0 {
		s.send(s.line(name, kind, v, inc))
		return
	}
	m, ok := s.metrics[name]
	if !ok {
		m = &statsMetric{fresh: true}
		s.metrics[name] = m
		s.order = append(s.order, name)
	}
	if m.kind != kind {
		m.cur = 0
	}
	m.kind = kind
	if inc {
		m.cur += v
	} else {
		m.cur = v
	}
}

// StatsCount records a counter (flux_stats_count).
func (h *Handle) StatsCount(name string, count int) {
	h.stats().record(name, statsCounter, float64(count), false)
}

// StatsGaugeSet sets a gauge (flux_stats_gauge_set).
func (h *Handle) StatsGaugeSet(name string, value int) {
	h.stats().record(name, statsGauge, float64(value), false)
}

// StatsGaugeInc adds inc to a gauge (flux_stats_gauge_inc).
func (h *Handle) StatsGaugeInc(name string, inc int) {
	h.stats().record(name, statsGauge, float64(inc), true)
}

// StatsTiming records a timing in milliseconds (flux_stats_timing).
func (h *Handle) StatsTiming(name string, ms float64) {
	h.stats().record(name, statsTimer, ms, false)
}

// StatsSetPeriod sets the aggregation period in seconds; 0 or less sends
// every value at once (flux_stats_set_period).
func (h *Handle) StatsSetPeriod(period float64) {
	s := h.stats()
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.enabled {
		s.mu.Unlock()
		return
	}
	s.period = max(period, 0)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// StatsSetPrefix sets the metric name prefix; a prefix longer than 127
// bytes is ignored (flux_stats_set_prefix).
func (h *Handle) StatsSetPrefix(prefix string) {
	s := h.stats()
	if s == nil || len(prefix) > statsPrefixMax {
		return
	}
	s.mu.Lock()
	if s.enabled {
		s.prefix = prefix
	}
	s.mu.Unlock()
}

// StatsEnabled reports whether metrics are sent (flux_stats_enabled).
func (h *Handle) StatsEnabled(metric *string) bool {
	s := h.stats()
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled
}
