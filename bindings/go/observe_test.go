package flux

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// Log reaches the broker's log, a line per entry.
func TestLogToBroker(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	h := tb.open(t)
	if err := h.Log(LogWarning, "hello %d\nsecond line", 7); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs := strings.Join(tb.b.LogMessages(), "\n")
		if strings.Contains(logs, "hello 7") && strings.Contains(logs, "second line") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("broker log: %q", logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Trace and matchdebug output go to the slog.Handler given with
// WithDiagHandler, a record per message.
func TestDiagHandler(t *testing.T) {
	tb := startBroker(t)
	tb.needStandIn(t)
	var buf lockedBuffer
	hd := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	h := tb.open(t, Trace, MatchDebug, WithDiagHandler(hd))
	if _, err := h.RPC(testCtx(t), "broker.ping", map[string]int{}); err != nil {
		t.Fatal(err)
	}
	tb.b.HoldResponses("attr.get")
	f, err := h.RPCAsync("attr.get", map[string]string{"name": "rank"})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := buf.String()
	if !strings.Contains(out, "kind=trace") || !strings.Contains(out, "broker.ping") {
		t.Fatalf("no trace record for broker.ping in %q", out)
	}
	if !strings.Contains(out, "kind=matchdebug") {
		t.Fatalf("no matchdebug record in %q", out)
	}
	if n := strings.Count(out, "level=DEBUG"); n < 3 {
		t.Fatalf("%d records in %q", n, out)
	}
}

// MsgCounters counts the connection's messages.
func TestMsgCounters(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	h.ClearMsgCounters()
	if c := h.MsgCounters(); c != (MsgCounters{}) {
		t.Fatalf("after Clear: %+v", c)
	}
	for i := 0; i < 3; i++ {
		if _, err := h.RPC(testCtx(t), "broker.ping", map[string]int{}); err != nil {
			t.Fatal(err)
		}
	}
	c := h.MsgCounters()
	if c.RequestTx != 3 || c.ResponseRx != 3 {
		t.Fatalf("counters %+v, want 3 requests sent and 3 responses received", c)
	}
	clone, err := h.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	if clone.MsgCounters() != c {
		t.Fatal("a clone does not share its root's counters")
	}
}
