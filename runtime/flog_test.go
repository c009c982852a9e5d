package runtime

import (
	"regexp"
	"strings"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestLogSendsLogAppend(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	h.LogSetAppname("capp")
	h.LogSetProcid("77")
	if err := h.Log(6, "hello 42\n"); err != nil {
		t.Fatal(err)
	}
	m, err := h.Recv(Match{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != msg.TypeRequest || m.Topic != "log.append" || m.Aux2 != msg.MatchtagNone || m.Flags != 0x0b {
		t.Fatalf("log message: type %d topic %q matchtag %d flags %#x", m.Type, m.Topic, m.Aux2, m.Flags)
	}
	// loop:// caches rank 0, which is the HOSTNAME field.
	want := regexp.MustCompile(`^<48>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z 0 capp 77 - - hello 42$`)
	if !want.Match(m.Payload) {
		t.Fatalf("payload %q", m.Payload)
	}
}

func TestLogSplitsLinesAndRedirects(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	var got []string
	h.LogSetHostname("node7")
	h.LogSetRedirect(func(level int, text string) { got = append(got, text) })
	if err := h.Log(3, "one\r\ntwo\n"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "<24>1 ") || !strings.HasSuffix(got[0], " node7 "+h.logContext().appname+" "+h.logContext().procid+" - - one") || !strings.HasSuffix(got[1], "- - two") {
		t.Fatalf("redirected %q", got)
	}
	if _, err := h.Recv(Match{}, 0); err == nil {
		t.Fatal("a redirected log was sent too")
	}
	c, _ := h.Clone()
	defer c.Close()
	if c.logContext().hostname != "" {
		t.Fatal("a clone inherited the log context")
	}
}

func TestLogWithoutHandlePrints(t *testing.T) {
	buf := captureDiag(t)
	var h *Handle
	if err := h.Log(4, "careful"); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "warning: careful\n" {
		t.Fatalf("stderr %q", buf.String())
	}
}
