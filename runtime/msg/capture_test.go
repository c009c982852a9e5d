package msg

import (
	"bytes"
	"encoding/binary"
	"strings"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg/msgtest"
)

// body strips and checks the stream header of a captured frame.
func body(t testing.TB, r msgtest.Record) []byte {
	t.Helper()
	d := r.Data
	if len(d) < 8 || !bytes.Equal(d[:4], []byte{0x12, 0x00, 0xee, 0xff}) {
		t.Fatalf("%v: no stream header", r)
	}
	if n := binary.BigEndian.Uint32(d[4:8]); int(n) != len(d)-8 {
		t.Fatalf("%v: header length %d, %d bytes follow", r, n, len(d)-8)
	}
	return d[8:]
}

// TestCaptureBodiesRoundTrip decodes every captured message body and checks
// that encoding the result reproduces it byte for byte.
func TestCaptureBodiesRoundTrip(t *testing.T) {
	frames := msgtest.Frames(t)
	for _, r := range frames {
		b := body(t, r)
		m, err := Decode(b)
		if err != nil {
			t.Errorf("%v: Decode: %v", r, err)
			continue
		}
		if n := EncodedSize(m); n != len(b) {
			t.Errorf("%v: EncodedSize %d, body %d", r, n, len(b))
		}
		enc, err := Encode(m)
		if err != nil {
			t.Errorf("%v: Encode: %v", r, err)
			continue
		}
		if !bytes.Equal(enc, b) {
			t.Errorf("%v: re-encoding differs\n got %x\nwant %x", r, enc, b)
		}
	}
	t.Logf("%d captured frames round-tripped", len(frames))
}

// decodeRec decodes the body of record seq of file.
func decodeRec(t *testing.T, recs []msgtest.Record, file string, seq int) *Message {
	t.Helper()
	r := msgtest.Find(t, recs, file, seq)
	if r.Kind != msgtest.KindFrame {
		t.Fatalf("%v is not a frame", r)
	}
	m, err := Decode(body(t, r))
	if err != nil {
		t.Fatalf("%v: %v", r, err)
	}
	return m
}

// expect lists the fields checked for a captured message; payload nil
// means no payload frame.
type expect struct {
	typ, flags              uint8
	userid, rolemask        uint32
	aux1, aux2              uint32
	topic                   string
	payload                 []byte
	routes                  int
	bodyLen                 int // 0: not checked
	file                    string
	seq                     int
	firstRoute, lastRoute   string // "": not checked
	payloadPrefix, routeStr string // "": not checked
}

func (e expect) check(t *testing.T, recs []msgtest.Record) {
	t.Helper()
	m := decodeRec(t, recs, e.file, e.seq)
	if m.Type != e.typ || m.Flags != e.flags || m.Userid != e.userid || m.Rolemask != e.rolemask ||
		m.Aux1 != e.aux1 || m.Aux2 != e.aux2 {
		t.Errorf("%s seq %d: type %#x flags %#x userid %d rolemask %d aux1 %d aux2 %d; want %#x %#x %d %d %d %d",
			e.file, e.seq, m.Type, m.Flags, m.Userid, m.Rolemask, m.Aux1, m.Aux2,
			e.typ, e.flags, e.userid, e.rolemask, e.aux1, e.aux2)
	}
	if m.Topic != e.topic || !m.HasTopic() {
		t.Errorf("%s seq %d: topic %q, want %q", e.file, e.seq, m.Topic, e.topic)
	}
	switch {
	case e.payloadPrefix != "":
		if !m.HasPayload() || !strings.HasPrefix(string(m.Payload), e.payloadPrefix) || len(m.Payload) != len(e.payload) {
			t.Errorf("%s seq %d: payload %q (len %d), want prefix %q len %d", e.file, e.seq, m.Payload, len(m.Payload), e.payloadPrefix, len(e.payload))
		}
	case e.payload == nil:
		if m.HasPayload() || m.Payload != nil {
			t.Errorf("%s seq %d: unexpected payload %q", e.file, e.seq, m.Payload)
		}
	default:
		if !m.HasPayload() || !bytes.Equal(m.Payload, e.payload) {
			t.Errorf("%s seq %d: payload %q, want %q", e.file, e.seq, m.Payload, e.payload)
		}
	}
	if !m.HasRoute() || len(m.Routes) != e.routes {
		t.Errorf("%s seq %d: route flag %v, %d routes; want %d", e.file, e.seq, m.HasRoute(), len(m.Routes), e.routes)
	}
	if e.firstRoute != "" && (len(m.Routes) == 0 || m.Routes[0] != e.firstRoute) {
		t.Errorf("%s seq %d: originator %q, want %q", e.file, e.seq, m.Routes, e.firstRoute)
	}
	if e.lastRoute != "" && (len(m.Routes) == 0 || m.Routes[len(m.Routes)-1] != e.lastRoute) {
		t.Errorf("%s seq %d: last hop %q, want %q", e.file, e.seq, m.Routes, e.lastRoute)
	}
	if e.routeStr != "" {
		if s, err := RouteString(m); err != nil || s != e.routeStr {
			t.Errorf("%s seq %d: RouteString %q %v, want %q", e.file, e.seq, s, err, e.routeStr)
		}
	}
	if e.bodyLen != 0 {
		if n := EncodedSize(m); n != e.bodyLen {
			t.Errorf("%s seq %d: body length %d, want %d", e.file, e.seq, n, e.bodyLen)
		}
	}
}

// TestCaptureWorkedExamples checks the fields of the examples of wire.md §6.
func TestCaptureWorkedExamples(t *testing.T) {
	recs := msgtest.Captures(t)
	const bs = "basic-session.jsonl"
	for name, e := range map[string]expect{
		"6.1 attr.get request": {file: bs, seq: 1, typ: TypeRequest, flags: 0x0b,
			userid: UseridUnknown, rolemask: RoleNone, aux1: NodeIDAny, aux2: 1,
			topic: "attr.get", payload: []byte("{\"name\":\"rank\"}\x00"), bodyLen: 48},
		"6.2 attr.get response": {file: bs, seq: 2, typ: TypeResponse, flags: 0x0b,
			userid: 0, rolemask: RoleOwner | RoleLocal, aux1: 0, aux2: 1,
			topic: "attr.get", payload: []byte("{\"value\":\"0\",\"flags\":1}\x00"), bodyLen: 56},
		"6.3 ENOSYS response": {file: bs, seq: 23, typ: TypeResponse, flags: 0x0b,
			userid: 0, rolemask: 5, aux1: uint32(syscall.ENOSYS), aux2: 1,
			topic: "nosuch.ping", payload: []byte("No service matching nosuch.ping is registered\x00"), bodyLen: 81},
		"6.3 EHOSTUNREACH without text": {file: "errors.jsonl", seq: 10, typ: TypeResponse, flags: 0x09,
			userid: 0, rolemask: 5, aux1: uint32(syscall.EHOSTUNREACH), aux2: 1, topic: "broker.ping"},
		"6.4 event with leftover routes": {file: bs, seq: 36, typ: TypeEvent, flags: 0x0b,
			userid: 0, rolemask: 5, aux1: 1, aux2: 0, topic: "capt.hello",
			payload: []byte("{\"x\": 1}\x00"), routes: 2, bodyLen: 117,
			firstRoute: "c2c03bd4-06e2-482f-9b4d-27828053f40e",
			lastRoute:  "8b5a95ce-53bc-4a0a-874c-03ebfcd78cc6", routeStr: "c2c03bd4!8b5a95ce"},
		"6.5 large payload": {file: "large-payload.jsonl", seq: 3, typ: TypeRequest, flags: 0x0b,
			userid: UseridUnknown, rolemask: 0, aux1: NodeIDAny, aux2: 1, topic: "broker.ping",
			payload:       make([]byte, 362),
			payloadPrefix: `{"seq":0,"time.tv_sec":4373,"time.tv_nsec":53049893,"pad":"ppp`, bodyLen: 401},
		"6.6 success without payload": {file: bs, seq: 30, typ: TypeResponse, flags: 0x09,
			userid: 0, rolemask: 5, aux1: 0, aux2: 1, topic: "state-machine.wait", bodyLen: 41},
	} {
		t.Run(name, func(t *testing.T) { e.check(t, recs) })
	}

	// §6.5: the 362-byte payload uses the 5-byte length form and ends in "}\0".
	r := msgtest.Find(t, recs, "large-payload.jsonl", 3)
	if !bytes.Equal(r.Data[8+13:8+18], []byte{0xff, 0, 0, 1, 0x6a}) {
		t.Errorf("large payload prefix %x", r.Data[8+13:8+18])
	}
	if m := decodeRec(t, recs, "large-payload.jsonl", 3); !bytes.HasSuffix(m.Payload, []byte("\"}\x00")) {
		t.Errorf("large payload ends %q", m.Payload[len(m.Payload)-4:])
	}
}

// TestCaptureIndexClaims checks statements of captures/INDEX.md and
// wire.md §7 against the decoded messages.
func TestCaptureIndexClaims(t *testing.T) {
	recs := msgtest.Captures(t)
	const sr = "streaming-rpc.jsonl"
	for name, e := range map[string]expect{
		"streaming request 0x4b": {file: sr, seq: 1, typ: TypeRequest, flags: 0x4b,
			userid: UseridUnknown, aux1: NodeIDAny, aux2: 1, topic: "state-machine.monitor",
			payload: []byte("{\"final\":5}\x00")},
		"streaming data response 0x4b": {file: sr, seq: 2, typ: TypeResponse, flags: 0x4b,
			userid: 0, rolemask: 5, aux1: 0, aux2: 1, topic: "state-machine.monitor",
			payload: []byte("{\"state\":5}\x00")},
		"streaming end ENODATA 0x49": {file: sr, seq: 3, typ: TypeResponse, flags: 0x49,
			userid: 0, rolemask: 5, aux1: uint32(syscall.ENODATA), aux2: 1, topic: "state-machine.monitor"},
		"private event 0x29": {file: "event-publish.jsonl", seq: 7, typ: TypeEvent, flags: 0x29,
			userid: 0, rolemask: 5, aux1: 2, topic: "cap.priv", routes: 1,
			lastRoute: "2ae819df-b8de-473d-ae4a-04793be7abe7"},
		"raw binary event": {file: "event-publish.jsonl", seq: 11, typ: TypeEvent, flags: 0x0b,
			userid: UseridUnknown, topic: "cap.bin", payload: []byte{1, 2, 3}},
		"noresponse ping 0x0f matchtag 0": {file: "noresponse-and-log.jsonl", seq: 1, typ: TypeRequest, flags: 0x0f,
			userid: UseridUnknown, aux1: NodeIDAny, aux2: MatchtagNone, topic: "broker.ping",
			payload: []byte("{\"seq\":99}\x00")},
		"upstream request 0x1b": {file: "errors.jsonl", seq: 13, typ: TypeRequest, flags: 0x1b,
			userid: UseridUnknown, aux1: 0, aux2: 1, topic: "broker.ping", payload: []byte("{}\x00")},
		"upstream response 0x19": {file: "errors.jsonl", seq: 14, typ: TypeResponse, flags: 0x19,
			userid: 0, rolemask: 5, aux1: uint32(syscall.EHOSTUNREACH), aux2: 1, topic: "broker.ping"},
		"ENOSYS text cut to 63 chars": {file: "errors.jsonl", seq: 6, typ: TypeResponse, flags: 0x0b,
			userid: 0, rolemask: 5, aux1: uint32(syscall.ENOSYS), aux2: 1,
			topic:   "a.very.long.service.name.that.exceeds.the.buffer.method",
			payload: []byte("No service matching a.very.long.service.name.that.exceeds.the.b\x00")},
		"guest credentials pass through": {file: "guest-cred.jsonl", seq: 1, typ: TypeRequest, flags: 0x0b,
			userid: 1000, rolemask: RoleUser, aux1: NodeIDAny, aux2: 1, topic: "attr.get",
			payload: make([]byte, 20), payloadPrefix: `{"name":"`},
		"request at a service has 3 routes": {file: "service-two-clients.jsonl", seq: 5, typ: TypeRequest, flags: 0x0b,
			userid: 0, rolemask: 5, aux1: NodeIDAny, aux2: 1, topic: "capsvc.echo",
			payload: []byte("{\"hello\":\"world\"}\x00"), routes: 3, routeStr: "263a8263!e5209dae!2ae819df"},
		"service response keeps the stack, creds cleared": {file: "service-two-clients.jsonl", seq: 6, typ: TypeResponse, flags: 0x0b,
			userid: UseridUnknown, rolemask: 0, aux1: 0, aux2: 1, topic: "capsvc.echo",
			payload: make([]byte, 48), payloadPrefix: "{", routes: 3, routeStr: "263a8263!e5209dae!2ae819df"},
		"disconnect 0x0d": {file: "rpctrack-reconnect.jsonl", seq: 10, typ: TypeRequest, flags: 0x0d,
			userid: 0, rolemask: 5, aux1: NodeIDAny, aux2: 1, topic: "capsvc.disconnect", routes: 3},
	} {
		t.Run(name, func(t *testing.T) { e.check(t, recs) })
	}

	// log.append: matchtag 0, NORESPONSE not set, raw RFC 5424 text
	// without a NUL, so String fails with EPROTO.
	for seq, pri := range map[int]string{4: "<48>1 ", 5: "<24>1 ", 6: "<24>1 "} {
		m := decodeRec(t, recs, "noresponse-and-log.jsonl", seq)
		if m.Topic != "log.append" || m.Flags != 0x0b || m.Aux2 != MatchtagNone || m.Aux1 != NodeIDAny {
			t.Errorf("log.append seq %d: topic %q flags %#x aux1 %#x aux2 %d", seq, m.Topic, m.Flags, m.Aux1, m.Aux2)
		}
		if !strings.HasPrefix(string(m.Payload), pri) || bytes.IndexByte(m.Payload, 0) >= 0 {
			t.Errorf("log.append seq %d: payload %q", seq, m.Payload)
		}
		if _, _, err := m.String(); err == nil {
			t.Errorf("log.append seq %d: payload read as a string", seq)
		}
	}

	// The disconnect's originator is the departed client (conn 2), the
	// same as for the request it had pending.
	hang := decodeRec(t, recs, "rpctrack-reconnect.jsonl", 6)
	disc := decodeRec(t, recs, "rpctrack-reconnect.jsonl", 10)
	if hang.Routes[0] != disc.Routes[0] {
		t.Errorf("disconnect originator %q, pending request originator %q", disc.Routes[0], hang.Routes[0])
	}

	// Every client-sent request leaves the credentials unset unless
	// impersonating (guest-cred.jsonl), and uses an empty route stack.
	for _, r := range msgtest.Frames(t) {
		if r.Dir != "c2s" {
			continue
		}
		m, err := Decode(body(t, r))
		if err != nil {
			t.Fatalf("%v: %v", r, err)
		}
		if m.Type == TypeRequest && r.File != "guest-cred.jsonl" && (m.Userid != UseridUnknown || m.Rolemask != RoleNone) {
			t.Errorf("%v: client request with creds %d/%d", r, m.Userid, m.Rolemask)
		}
		if m.Type == TypeRequest && (!m.HasRoute() || len(m.Routes) != 0) {
			t.Errorf("%v: client request with routes %q (flag %v)", r, m.Routes, m.HasRoute())
		}
	}
}
