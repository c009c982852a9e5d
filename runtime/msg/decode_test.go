package msg

import (
	"bytes"
	"syscall"
	"testing"
)

// reqProto is a valid request PROTO with the given flags.
func reqProto(flags uint8) []byte {
	return protoBytes(TypeRequest, flags, UseridUnknown, RoleNone, NodeIDAny, 7)
}

// TestDecodeErrors covers every error row of wire.md §1.6 and §5 that the
// decoder is responsible for.
func TestDecodeErrors(t *testing.T) {
	good := frames(reqProto(0))
	for _, tc := range []struct {
		name  string
		in    []byte
		errno syscall.Errno
	}{
		// A length prefix that runs past the buffer → EINVAL.
		{"one-byte length past end", []byte{0x14, 0x8e, 0x01}, syscall.EINVAL},
		{"data truncated by one byte", good[:len(good)-1], syscall.EINVAL},
		{"five-byte prefix cut after 0xff", []byte{0xff}, syscall.EINVAL},
		{"five-byte prefix cut after 3 bytes", []byte{0xff, 0, 0, 0}, syscall.EINVAL},
		{"five-byte length past end", append([]byte{0xff, 0, 0, 0, 0x15}, reqProto(0)...), syscall.EINVAL},
		{"five-byte length 4 GiB-1", append([]byte{0xff, 0xff, 0xff, 0xff, 0xff}, reqProto(0)...), syscall.EINVAL},
		{"bad frame after good ones", append(frames([]byte("x"), reqProto(0)), 0x05, 'a'), syscall.EINVAL},
		// Empty input: flux-core asserts; we say EPROTO.
		{"empty", nil, syscall.EPROTO},
		{"empty non-nil", []byte{}, syscall.EPROTO},
		// PROTO not 20 bytes / bad magic / version / type → EPROTO.
		{"proto 19 bytes", frames(reqProto(0)[:19]), syscall.EPROTO},
		{"proto 21 bytes", frames(append(reqProto(0), 0)), syscall.EPROTO},
		{"proto empty frame", []byte{0x00}, syscall.EPROTO},
		{"bad magic", frames(append([]byte{0x8f}, reqProto(0)[1:]...)), syscall.EPROTO},
		{"bad version 0", frames(append([]byte{0x8e, 0x00}, reqProto(0)[2:]...)), syscall.EPROTO},
		{"bad version 2", frames(append([]byte{0x8e, 0x02}, reqProto(0)[2:]...)), syscall.EPROTO},
		{"type 0", frames(protoBytes(0, 0, 0, 0, 0, 0)), syscall.EPROTO},
		{"type 3", frames(protoBytes(3, 0, 0, 0, 0, 0)), syscall.EPROTO},
		{"type any 0x0f", frames(protoBytes(TypeAny, 0, 0, 0, 0, 0)), syscall.EPROTO},
		{"type 0x10", frames(protoBytes(0x10, 0, 0, 0, 0, 0)), syscall.EPROTO},
		{"type 0x80", frames(protoBytes(0x80, 0, 0, 0, 0, 0)), syscall.EPROTO},
		{"proto not last", frames(reqProto(0), []byte("trailer")), syscall.EPROTO},
		// ROUTE set but no delimiter before the PROTO → EPROTO.
		{"route no frames", frames(reqProto(FlagRoute)), syscall.EPROTO},
		{"route ids but no delimiter", frames([]byte("a"), []byte("b"), reqProto(FlagRoute)), syscall.EPROTO},
		{"route delimiter missing, topic present", frames([]byte("a.b"), reqProto(FlagRoute|FlagTopic)), syscall.EPROTO},
		// TOPIC or PAYLOAD set but frames run out → EPROTO.
		{"topic missing", frames(reqProto(FlagTopic)), syscall.EPROTO},
		{"payload missing", frames(reqProto(FlagPayload)), syscall.EPROTO},
		{"payload missing after topic", frames([]byte("t"), reqProto(FlagTopic|FlagPayload)), syscall.EPROTO},
		{"topic missing after delimiter", frames(nil, reqProto(FlagRoute|FlagTopic)), syscall.EPROTO},
		{"payload missing after route+topic", frames([]byte("r"), nil, []byte("t"), reqProto(FlagRoute|FlagTopic|FlagPayload)), syscall.EPROTO},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.in)
			wantErrno(t, err, tc.errno)
			if m != nil {
				t.Fatalf("got a message with the error: %+v", m)
			}
		})
	}
}

func TestDecodeSizeLimit(t *testing.T) {
	in := frames([]byte("topic"), reqProto(FlagTopic))
	if _, err := decode(in, len(in)); err != nil {
		t.Fatalf("input exactly at the limit: %v", err)
	}
	_, err := decode(in, len(in)-1)
	wantErrno(t, err, syscall.EMSGSIZE)
}

// TestDecodeAccepted covers the rows of wire.md §1.6 that decode.
func TestDecodeAccepted(t *testing.T) {
	t.Run("route delimiter only", func(t *testing.T) {
		m, err := Decode(frames(nil, reqProto(FlagRoute)))
		if err != nil {
			t.Fatal(err)
		}
		if !m.HasRoute() || len(m.Routes) != 0 {
			t.Fatalf("want enabled empty route stack, got flags %#x routes %q", m.Flags, m.Routes)
		}
		if s, err := RouteString(m); err != nil || s != "" {
			t.Fatalf("RouteString = %q, %v", s, err)
		}
	})
	t.Run("zero-length payload", func(t *testing.T) {
		m, err := Decode(frames(nil, reqProto(FlagPayload)))
		if err != nil {
			t.Fatal(err)
		}
		if !m.HasPayload() || m.Payload == nil || len(m.Payload) != 0 {
			t.Fatalf("want present empty payload, got flags %#x payload %#v", m.Flags, m.Payload)
		}
		_, _, err = m.String()
		wantErrno(t, err, syscall.EPROTO)
	})
	t.Run("extra frames ignored", func(t *testing.T) {
		m, err := Decode(frames([]byte("extra1"), []byte("extra2"), reqProto(0)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Flags != 0 || m.Topic != "" || m.Payload != nil || m.Routes != nil {
			t.Fatalf("extra frames leaked into %+v", m)
		}
		// Extra frames after the parts the flags account for, too.
		m, err = Decode(frames([]byte("r1"), nil, []byte("top"), []byte("pay"), []byte("extra"), reqProto(FlagRoute|FlagTopic|FlagPayload)))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Routes) != 1 || m.Routes[0] != "r1" || m.Topic != "top" || string(m.Payload) != "pay" {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("extra empty frames without route flag", func(t *testing.T) {
		m, err := Decode(frames(nil, nil, []byte("t"), reqProto(FlagTopic)))
		if err != nil {
			t.Fatal(err)
		}
		// Without ROUTE the first frame is the topic, even when empty.
		if m.Topic != "" || !m.HasTopic() {
			t.Fatalf("topic = %q flags %#x", m.Topic, m.Flags)
		}
	})
	t.Run("topic truncated at NUL", func(t *testing.T) {
		m, err := Decode(frames([]byte("attr.get\x00garbage"), reqProto(FlagTopic)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Topic != "attr.get" {
			t.Fatalf("topic = %q", m.Topic)
		}
	})
	t.Run("non-minimal length form", func(t *testing.T) {
		in := append([]byte{0xff, 0, 0, 0, 3}, "a.b"...)
		in = append(in, 0xff, 0, 0, 0, 0x14)
		in = append(in, reqProto(FlagTopic)...)
		m, err := Decode(in)
		if err != nil {
			t.Fatal(err)
		}
		if m.Topic != "a.b" || m.Aux2 != 7 {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("both noresponse and streaming", func(t *testing.T) {
		m, err := Decode(frames(reqProto(FlagNoResponse | FlagStreaming | FlagUser1)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Flags != FlagNoResponse|FlagStreaming|FlagUser1 {
			t.Fatalf("flags = %#x", m.Flags)
		}
	})
}

func TestDecodeFieldsAndRouteOrder(t *testing.T) {
	in := frames([]byte("hop3"), []byte("hop2"), []byte("origin"), nil, []byte("svc.m"), []byte{1, 2, 0},
		protoBytes(TypeResponse, FlagRoute|FlagTopic|FlagPayload|FlagStreaming, 1000, RoleUser|RoleLocal, 61, 0xdeadbeef))
	m, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	want := &Message{
		Type: TypeResponse, Flags: FlagRoute | FlagTopic | FlagPayload | FlagStreaming,
		Userid: 1000, Rolemask: RoleUser | RoleLocal, Aux1: 61, Aux2: 0xdeadbeef,
		Routes: []string{"origin", "hop2", "hop3"}, Topic: "svc.m", Payload: []byte{1, 2, 0},
	}
	if !m.Equal(want) {
		t.Fatalf("got %+v\nwant %+v", m, want)
	}
	if id, _ := m.PopRoute(); id != "hop3" {
		t.Fatalf("top of stack = %q, want the first wire frame", id)
	}
}

func TestDecodeDoesNotAliasInput(t *testing.T) {
	in := frames([]byte("route-id"), nil, []byte("topic"), []byte("payload"), reqProto(FlagRoute|FlagTopic|FlagPayload))
	m, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 'Z'
	}
	if m.Routes[0] != "route-id" || m.Topic != "topic" || string(m.Payload) != "payload" {
		t.Fatalf("decoded message changed with its input: %+v", m)
	}
}

func TestDecodePayloadAppendIsSafe(t *testing.T) {
	in := frames([]byte("r"), nil, []byte("topic"), []byte("pay"), reqProto(FlagRoute|FlagTopic|FlagPayload))
	m, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	if cap(m.Payload) != len(m.Payload) {
		t.Fatalf("payload cap %d exceeds len %d", cap(m.Payload), len(m.Payload))
	}
	m.Payload[0] = 'X'
	m.Payload = append(m.Payload, "more"...)
	if m.Routes[0] != "r" || m.Topic != "topic" {
		t.Fatalf("payload writes reached the strings: %+v", m)
	}
}

func TestDecodeAllocs(t *testing.T) {
	in := frames([]byte("8b5a95ce-53bc-4a0a-874c-03ebfcd78cc6"), []byte("c2c03bd4-06e2-482f-9b4d-27828053f40e"), nil,
		[]byte("capt.hello"), []byte("{\"x\": 1}\x00"), protoBytes(TypeEvent, 0x0b, 0, 5, 1, 0))
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Decode(in); err != nil {
			t.Fatal(err)
		}
	})
	// The Message (with its two route slots) and the shared byte buffer.
	if allocs > 2 {
		t.Fatalf("Decode allocated %v times, want at most 2", allocs)
	}
	three := frames([]byte("a"), []byte("b"), []byte("c"), nil, []byte("t"), reqProto(FlagRoute|FlagTopic))
	m, err := Decode(three)
	if err != nil || len(m.Routes) != 3 || m.Routes[0] != "c" || m.Routes[2] != "a" {
		t.Fatalf("three routes: %+v %v", m, err)
	}
	noRoutes := frames(nil, []byte("t"), reqProto(FlagRoute|FlagTopic))
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := Decode(noRoutes); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Fatalf("Decode without routes allocated %v times, want at most 2", allocs)
	}
}

func TestDecodeEncodeRoundTrip(t *testing.T) {
	m, _ := New(TypeRequest)
	m.EnableRoute()
	_ = m.PushRoute("a")
	_ = m.PushRoute("bb")
	m.SetTopic("x.y")
	m.SetPayload(bytes.Repeat([]byte{0xab}, 1000))
	m.Flags |= FlagUpstream | FlagUser1
	m.Aux1, m.Aux2 = 3, 99
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(m) {
		t.Fatalf("round trip: got %+v want %+v", got, m)
	}
}
