package runtime

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// tsLine matches a trace timestamp line and captures the number.
var tsLine = regexp.MustCompile(`(?m)^(.) (\d+\.\d{5})$`)

// normalizeTrace replaces timestamps after the first with T.
func normalizeTrace(s string) string {
	first := true
	return tsLine.ReplaceAllStringFunc(s, func(l string) string {
		if first {
			first = false
			return l
		}
		return l[:2] + "T"
	})
}

func TestTraceText(t *testing.T) {
	clearHandleEnv(t)
	buf := captureDiag(t)
	h := mustOpen(t, "loop://", OTrace)
	defer h.Close()
	req := newRequest("attr.get", 1, `{"name":"rank"}`)
	if err := h.Send(req, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Recv(Match{}, 0); err != nil {
		t.Fatal(err)
	}
	ev := newEvent("cap.pub")
	ev.SetPayload([]byte{1, 2, 3})
	ev.Aux1 = 1
	ev.EnableRoute()
	_ = ev.PushRoute("ab25fb18-0000-4000-8000-000000000000")
	_ = h.Send(ev, 0)
	rep, _ := deriveResponse(req, 0)
	rep.SetString(`{"value":"0","flags":1}`)
	rep.Userid, rep.Rolemask = 0, msg.RoleOwner|msg.RoleLocal
	_ = h.Send(rep, 0)
	want := `--------------------------------------
> 0.00000
> attr.get
> flags=topic,payload,route userid=unknown rolemask=none nodeid=any matchtag=1
> {"name":"rank"}
--------------------------------------
> T
> attr.get
> flags=topic,payload,route userid=` + strconv.Itoa(os.Getuid()) + ` rolemask=owner nodeid=any matchtag=1
> {"name":"rank"}
--------------------------------------
e T
e cap.pub
e flags=topic,payload,route userid=unknown rolemask=none sequence=1
e |ab25fb18|
e 010203
--------------------------------------
< T
< attr.get
< flags=topic,payload,route userid=0 rolemask=owner,local errnum=0 matchtag=1
< {"value":"0","flags":1}
`
	if got := normalizeTrace(buf.String()); got != want {
		t.Fatalf("trace:\n%s\nwant:\n%s", got, want)
	}
	// Timestamps are non-decreasing seconds since the first trace.
	var last float64
	for _, m := range tsLine.FindAllStringSubmatch(buf.String(), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		if v < last {
			t.Fatalf("timestamps decrease: %v", buf.String())
		}
		last = v
	}
}

func TestTraceClockSharedAndFlagsOfRoot(t *testing.T) {
	clearHandleEnv(t)
	buf := captureDiag(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	c, _ := h.Clone()
	defer c.Close()
	c.FlagsSet(OTrace)
	_ = c.Send(newEvent("a"), 0)
	if buf.String() != "" {
		t.Fatal("clone's TRACE flag traced a send")
	}
	h.FlagsSet(OTrace)
	_ = c.Send(newEvent("b"), 0)
	_ = h.Send(newEvent("c"), 0)
	out := buf.String()
	// One clock for the root and its clone: it starts at the first trace
	// (0.00000) and the second block's time is read from the same clock.
	var stamps []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "e 0.") || strings.HasPrefix(l, "e 1") {
			stamps = append(stamps, l)
		}
	}
	if len(stamps) != 2 || stamps[0] != "e 0.00000" || stamps[1] < stamps[0] ||
		!strings.Contains(out, "e b\n") || !strings.Contains(out, "e c\n") {
		t.Fatalf("trace %q", out)
	}
}

func TestTraceEnv(t *testing.T) {
	clearHandleEnv(t)
	buf := captureDiag(t)
	t.Setenv("FLUX_HANDLE_TRACE", "1")
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	_ = h.Send(newEvent("traced"), 0)
	if !strings.Contains(buf.String(), "e traced\n") {
		t.Fatalf("no trace: %q", buf.String())
	}
}
