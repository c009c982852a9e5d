package msg

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg/msgtest"
)

// handleMD returns the text of the reference's handle.md, in the shared
// folder beside the module, or "" when the module stands alone.
func handleMD(t *testing.T) string {
	t.Helper()
	root, err := msgtest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "..", "shared", "reference", "handle.md"))
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatalf("reading handle.md: %v", err)
	}
	return string(b)
}

// checkInDoc fails t unless want appears verbatim in handle.md, so the
// expectations below cannot drift from the reference. A clone without
// the shared folder beside it has no reference to compare with.
func checkInDoc(t *testing.T, want string) {
	t.Helper()
	doc := handleMD(t)
	if doc == "" {
		t.Log("reference handle.md not beside the module: expectation not cross-checked")
		return
	}
	if !strings.Contains(doc, want) {
		t.Fatalf("expected text is not in handle.md §11:\n%s", want)
	}
}

func request(topic string, payload string, nodeid, matchtag uint32) *Message {
	m, _ := New(TypeRequest)
	m.EnableRoute()
	m.SetTopic(topic)
	m.SetString(payload)
	m.Aux1, m.Aux2 = nodeid, matchtag
	return m
}

func response(topic, payload string, userid, rolemask, errnum, matchtag uint32) *Message {
	m, _ := New(TypeResponse)
	m.EnableRoute()
	m.SetTopic(topic)
	m.SetString(payload)
	m.Userid, m.Rolemask, m.Aux1, m.Aux2 = userid, rolemask, errnum, matchtag
	return m
}

func TestTraceGetattrExample(t *testing.T) {
	want := `--------------------------------------
> 0.00000
> attr.get
> flags=topic,payload,route userid=unknown rolemask=none nodeid=any matchtag=1
> {"name":"rank"}
--------------------------------------
< 0.00037
< attr.get
< flags=topic,payload,route userid=0 rolemask=owner,local errnum=0 matchtag=1
< {"value":"0","flags":1}
`
	checkInDoc(t, want)
	var out bytes.Buffer
	FprintTS(&out, request("attr.get", `{"name":"rank"}`, NodeIDAny, 1), 0)
	FprintTS(&out, response("attr.get", `{"value":"0","flags":1}`, 0, RoleOwner|RoleLocal, 0, 1), 0.00037)
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestTraceEventExample(t *testing.T) {
	want := `--------------------------------------
> 0.00052
> event.publish
> flags=topic,payload,route userid=unknown rolemask=none nodeid=0 matchtag=1
> {"topic":"cap.pub","flags":0,"payload":"eyJhIjoxfQA="}
--------------------------------------
e 0.00064
e cap.pub
e flags=topic,payload,route userid=0 rolemask=owner,local sequence=1
e |ab25fb18|
e {"a":1}
--------------------------------------
< 0.00066
< event.publish
< flags=topic,payload,route userid=0 rolemask=owner,local errnum=0 matchtag=1
< {"seq":1}
--------------------------------------
e 0.00068
e cap.pub
e flags=topic,payload,route userid=0 rolemask=owner,local sequence=1
e |ab25fb18|
e {"a":1}
`
	checkInDoc(t, want)
	ev, _ := New(TypeEvent)
	ev.EnableRoute()
	if err := ev.PushRoute("ab25fb18-0d2c-4e0e-9a4b-0123456789ab"); err != nil {
		t.Fatal(err)
	}
	ev.SetTopic("cap.pub")
	ev.SetString(`{"a":1}`)
	ev.Userid, ev.Rolemask, ev.Aux1 = 0, RoleOwner|RoleLocal, 1

	var out bytes.Buffer
	FprintTS(&out, request("event.publish", `{"topic":"cap.pub","flags":0,"payload":"eyJhIjoxfQA="}`, 0, 1), 0.00052)
	FprintTS(&out, ev, 0.00064)
	FprintTS(&out, response("event.publish", `{"seq":1}`, 0, RoleOwner|RoleLocal, 0, 1), 0.00066)
	FprintTS(&out, ev, 0.00068)
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestTraceReconnectExample(t *testing.T) {
	want := `--------------------------------------
c 0.50082
c trying to reconnect
--------------------------------------
c 0.50138
c reconnected
--------------------------------------
c 0.50140
c responded to tracked rpc topic=capsvc.hang
--------------------------------------
< 0.50142
< capsvc.hang
< flags=topic,payload,route userid=0 rolemask=owner errnum=104 matchtag=1
< RPC aborted due to broker reconnect
`
	checkInDoc(t, want)
	var out bytes.Buffer
	FprintControlText(&out, 0.50082, "trying to reconnect")
	FprintControlText(&out, 0.50138, "reconnected")
	FprintControlText(&out, 0.50140, "responded to tracked rpc topic=capsvc.hang")
	FprintTS(&out, response("capsvc.hang", "RPC aborted due to broker reconnect", 0, RoleOwner, 104, 1), 0.50142)
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// trace renders m with FprintTS.
func trace(m *Message, ts float64) string {
	var b bytes.Buffer
	FprintTS(&b, m, ts)
	return b.String()
}

// lines splits a trace block into lines, dropping the dashes line.
func lines(t *testing.T, s string) []string {
	t.Helper()
	if !strings.HasPrefix(s, traceRule) {
		t.Fatalf("block does not start with 38 dashes: %q", s)
	}
	return strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, traceRule), "\n"), "\n")
}

func TestTraceRawPayload(t *testing.T) {
	ev, _ := New(TypeEvent)
	ev.SetPayload([]byte{1, 2, 3})
	if got := lines(t, trace(ev, -1)); got[len(got)-1] != "e 010203" {
		t.Fatalf("3-byte raw payload printed as %q", got[len(got)-1])
	}

	// 39 bytes fit in 78 columns and print whole.
	p := make([]byte, 39)
	for i := range p {
		p[i] = byte(0xa0 + i)
	}
	ev.SetPayload(p)
	got := lines(t, trace(ev, -1))
	want := "e " + strings.ToUpper(hexString(p))
	if got[len(got)-1] != want {
		t.Fatalf("39-byte payload: %q, want %q", got[len(got)-1], want)
	}
	// 40 bytes do not: the first 37 bytes and "...".
	p = append(p, 0xff)
	ev.SetPayload(p)
	got = lines(t, trace(ev, -1))
	want = "e " + strings.ToUpper(hexString(p[:37])) + "..."
	if got[len(got)-1] != want {
		t.Fatalf("40-byte payload: %q, want %q", got[len(got)-1], want)
	}
	// A log.append style payload without NUL is hex, not text.
	ev.SetPayload([]byte("<48>1 2024"))
	got = lines(t, trace(ev, -1))
	if got[len(got)-1] != "e 3C34383E312032303234" {
		t.Fatalf("text without NUL: %q", got[len(got)-1])
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}

func TestTraceStringPayloadStopsAtFirstNUL(t *testing.T) {
	ev, _ := New(TypeEvent)
	ev.SetPayload([]byte("ab\x00cd\x00"))
	got := lines(t, trace(ev, -1))
	if got[len(got)-1] != "e ab" {
		t.Fatalf("got %q", got[len(got)-1])
	}
	ev.SetString("")
	got = lines(t, trace(ev, -1))
	if got[len(got)-1] != "e " {
		t.Fatalf("empty string payload: %q", got[len(got)-1])
	}
	// A present zero-length payload prints an empty hex line.
	ev.Payload, ev.Flags = nil, ev.Flags|FlagPayload
	got = lines(t, trace(ev, -1))
	if got[len(got)-1] != "e " {
		t.Fatalf("empty payload: %q", got[len(got)-1])
	}
}

func TestTraceTimestamp(t *testing.T) {
	ev, _ := New(TypeEvent)
	for _, tc := range []struct {
		ts   float64
		want string // "" means no timestamp line
	}{
		{0, "e 0.00000"},
		{1.5, "e 1.50000"},
		{12.345678, "e 12.34568"},
		{0.000004, "e 0.00000"},
		{math.Copysign(0, -1), "e -0.00000"},
		{-1, ""},
		{-0.000001, ""},
		{math.NaN(), ""},
		{math.Inf(-1), ""},
		{math.Inf(1), "e inf"},
	} {
		got := lines(t, trace(ev, tc.ts))
		hasTS := len(got) == 2
		if tc.want == "" {
			if hasTS {
				t.Errorf("ts %v: unexpected timestamp line %q", tc.ts, got[0])
			}
			continue
		}
		if !hasTS || got[0] != tc.want {
			t.Errorf("ts %v: got %q, want %q first", tc.ts, got, tc.want)
		}
	}
}

func TestTraceProtoLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *Message
		want string
	}{
		{"all flags but user1",
			&Message{Type: TypeRequest, Flags: FlagNoResponse | FlagRoute | FlagUpstream | FlagPrivate | FlagStreaming | FlagUser1, Userid: 1000, Rolemask: RoleUser, Aux1: NodeIDUpstream, Aux2: 42},
			"> flags=noresponse,route,upstream,private,streaming userid=1000 rolemask=user nodeid=upstream matchtag=42"},
		{"no flags", &Message{Type: TypeRequest, Userid: UseridUnknown, Aux1: 7},
			"> flags= userid=unknown rolemask=none nodeid=7 matchtag=0"},
		{"response", &Message{Type: TypeResponse, Flags: FlagUser1, Userid: 0, Rolemask: RoleAll, Aux1: 61, Aux2: 4294967295},
			"< flags= userid=0 rolemask=all errnum=61 matchtag=4294967295"},
		{"event", &Message{Type: TypeEvent, Rolemask: RoleOwner | RoleLocal | RoleAdmin, Aux1: 9, Aux2: 5},
			"e flags= userid=0 rolemask=owner,local,admin sequence=9"},
		{"control", &Message{Type: TypeControl, Userid: UseridUnknown, Aux1: 3, Aux2: 4},
			"c flags= userid=unknown rolemask=none type=3 status=4"},
		{"unknown type", &Message{Type: 0x10, Rolemask: 0x10, Aux1: 0x1a, Aux2: 0xabcdef01},
			"? flags= userid=0 rolemask=0x10 aux1=0x1A aux2=0xABCDEF01"},
		{"type any uses request prefix and raw aux", &Message{Type: TypeAny, Rolemask: 0x80000000, Aux1: 0, Aux2: 255},
			"> flags= userid=0 rolemask=0x80000000 aux1=0x0 aux2=0xFF"},
		{"rolemask cut to 31 bytes", &Message{Type: TypeEvent, Rolemask: 0xfffffffe},
			"e flags= userid=0 rolemask=user,local,admin,0x10,0x20,0x40 sequence=0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := lines(t, trace(tc.m, -1))
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestTraceTopicAndRoutes(t *testing.T) {
	m, _ := New(TypeRequest)
	m.EnableRoute()
	m.SetTopic("svc.method\x00hidden")
	got := lines(t, trace(m, -1))
	if len(got) != 2 || got[0] != "> svc.method" {
		t.Fatalf("empty route stack or topic wrong: %q", got)
	}
	_ = m.PushRoute("263a8263-112e-4631-b62d-4c66e37e6d1a")
	_ = m.PushRoute("2ae819df-b8de-473d-ae4a-04793be7abe7")
	got = lines(t, trace(m, -1))
	if len(got) != 3 || got[2] != "> |263a8263!2ae819df|" {
		t.Fatalf("route line: %q", got)
	}
}

func TestTraceNil(t *testing.T) {
	if got := trace(nil, 1); got != traceRule+"NULL" {
		t.Fatalf("got %q", got)
	}
	if len(traceRule) != 39 || strings.Count(traceRule, "-") != 38 {
		t.Fatalf("rule is not 38 dashes and a newline: %q", traceRule)
	}
}

func TestTraceSingleWrite(t *testing.T) {
	var w countingWriter
	FprintTS(&w, request("a.b", "x", 1, 2), 3)
	FprintControlText(&w, 1, "reconnected")
	if w.calls != 2 {
		t.Fatalf("%d writes for two blocks, want 2", w.calls)
	}
}

type countingWriter struct{ calls int }

func (w *countingWriter) Write(p []byte) (int, error) { w.calls++; return len(p), nil }

func TestControlText(t *testing.T) {
	var b bytes.Buffer
	FprintControlText(&b, -1, "error responding to tracked rpc topic=x: No such file or directory")
	if want := traceRule + "c error responding to tracked rpc topic=x: No such file or directory\n"; b.String() != want {
		t.Fatalf("got %q want %q", b.String(), want)
	}
	b.Reset()
	long := strings.Repeat("y", 300)
	FprintControlText(&b, 0, long)
	got := lines(t, b.String())
	if len(got) != 2 || got[1] != "c "+long[:255] {
		t.Fatalf("long text not cut to 255 bytes: %d bytes", len(got[1])-2)
	}
	b.Reset()
	FprintControlText(&b, 0, "a\x00b")
	if got := lines(t, b.String()); got[1] != "c a" {
		t.Fatalf("NUL not honoured: %q", got[1])
	}
}
