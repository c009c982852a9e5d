package broker

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// event builds a raw event as flux_event_encode does.
func event(topic, payload string) *msg.Message {
	m, _ := msg.New(msg.TypeEvent)
	m.SetTopic(topic)
	m.EnableRoute()
	if payload != "" {
		m.SetString(payload)
	}
	return m
}

// expectResponse checks a response's topic and errnum.
func expectResponse(t *testing.T, r *msg.Message, topic string, errnum syscall.Errno) {
	t.Helper()
	if r.Type != msg.TypeResponse || r.Topic != topic || r.Aux1 != uint32(errnum) {
		t.Fatalf("got %s %q errnum %d, want response %q errnum %d",
			msg.TypeString(r.Type), r.Topic, r.Aux1, topic, errnum)
	}
}

func TestEvents(t *testing.T) {
	b := startBroker(t, Options{})
	sub := dial(t, b)
	other := dial(t, b)
	pub := dial(t, b)
	expectResponse(t, sub.rpc(request("event.subscribe", `{"topic":"cap."}`)), "event.subscribe", 0)
	expectResponse(t, sub.rpc(request("event.subscribe", `{"topic":"cap."}`)), "event.subscribe", 0)
	expectResponse(t, other.rpc(request("event.subscribe", `{"topic":"zzz"}`)), "event.subscribe", 0)

	// event.publish: the event (1 leftover route) comes before the response.
	p := request("event.publish", `{"topic":"cap.pub","flags":0,"payload":"eyJhIjoxfQA="}`)
	p.Aux1 = 0
	pub.send(p)
	ev := sub.recv()
	if ev.Type != msg.TypeEvent || ev.Topic != "cap.pub" || ev.Aux1 != 1 || ev.Flags != 0x0b ||
		payloadString(ev) != `{"a":1}` || len(ev.Routes) != 1 || ev.Userid != ownerUID() || ev.Rolemask != 5 {
		t.Fatalf("published event: %+v", ev)
	}
	r := pub.recv()
	expectResponse(t, r, "event.publish", 0)
	if payloadString(r) != `{"seq":1}` {
		t.Fatalf("publish response %q", r.Payload)
	}

	// raw event from a client: 2 leftover routes, seq shared with publish,
	// credentials stamped, flags kept; a prefix that does not match gets
	// nothing.
	pub.send(event("cap.raw", `{"b":2}`))
	ev = sub.recv()
	if ev.Topic != "cap.raw" || ev.Aux1 != 2 || len(ev.Routes) != 2 || ev.Userid != ownerUID() || ev.Flags != 0x0b {
		t.Fatalf("raw event: %+v", ev)
	}
	if ev.Routes[1] != b.UUID() {
		t.Fatalf("raw event routes %v: last hop should be the broker %s", ev.Routes, b.UUID())
	}
	other.expectNothing()

	// private event: owner connections see it.
	p = request("event.publish", `{"topic":"cap.priv","flags":32}`)
	p.Aux1 = 0
	pub.send(p)
	ev = sub.recv()
	if ev.Flags != 0x29 || ev.Aux1 != 3 || ev.HasPayload() {
		t.Fatalf("private event: %+v", ev)
	}
	expectResponse(t, pub.recv(), "event.publish", 0)

	// two subscriptions need two unsubscribes.
	expectResponse(t, sub.rpc(request("event.unsubscribe", `{"topic":"cap."}`)), "event.unsubscribe", 0)
	pub.send(event("cap.still", ""))
	if ev := sub.recv(); ev.Topic != "cap.still" {
		t.Fatalf("got %q", ev.Topic)
	}
	expectResponse(t, sub.rpc(request("event.unsubscribe", `{"topic":"cap."}`)), "event.unsubscribe", 0)
	expectResponse(t, sub.rpc(request("event.unsubscribe", `{"topic":"cap."}`)), "event.unsubscribe", syscall.ENOENT)
	pub.send(event("cap.gone", ""))
	sub.expectNothing()

	// "" matches everything.
	expectResponse(t, other.rpc(request("event.subscribe", `{"topic":""}`)), "event.subscribe", 0)
	pub.send(event("anything", ""))
	if ev := other.recv(); ev.Topic != "anything" || ev.Aux1 != 6 {
		t.Fatalf("got %q seq %d", ev.Topic, ev.Aux1)
	}
}

func TestPrivateEventsAndGuests(t *testing.T) {
	owner := ownerUID()
	b := startBroker(t, Options{Owner: Uid(owner + 1000), AllowGuest: true})
	guest := dial(t, b)
	expectResponse(t, guest.rpc(request("event.subscribe", `{"topic":"p."}`)), "event.subscribe", 0)
	// A guest's own private event reaches it (its userid is stamped).
	p := request("event.publish", `{"topic":"p.mine","flags":32}`)
	p.Aux1 = 0
	guest.send(p)
	if ev := guest.recv(); ev.Topic != "p.mine" || ev.Userid != owner || ev.Rolemask != 6 {
		t.Fatalf("own private event: %+v", ev)
	}
	expectResponse(t, guest.recv(), "event.publish", 0)
	// A guest cannot impersonate: the stamped credentials win.
	e := event("p.fake", "")
	e.Flags |= msg.FlagPrivate
	e.Userid, e.Rolemask = 4242, msg.RoleOwner
	guest.send(e)
	if ev := guest.recv(); ev.Userid != owner || ev.Rolemask != 6 {
		t.Fatalf("guest creds not overwritten: %d/%d", ev.Userid, ev.Rolemask)
	}
	// Someone else's private event is not delivered to the guest.
	b.mu.Lock()
	ev, _ := msg.New(msg.TypeEvent)
	ev.SetTopic("p.other")
	ev.Flags |= msg.FlagPrivate
	ev.Userid, ev.Rolemask = owner+1, msg.RoleUser
	b.publish(ev)
	b.mu.Unlock()
	guest.expectNothing()
	infos := b.Connections()
	if len(infos) != 1 || infos[0].Userid != owner || infos[0].Rolemask != 6 {
		t.Fatalf("Connections: %+v", infos)
	}
}

func TestAuthRefusedWithoutRole(t *testing.T) {
	b := startBroker(t, Options{Owner: Uid(ownerUID() + 1000)})
	nc := dialRaw(t, b)
	err := stream.ReadAuth(nc)
	var re *stream.RefusedError
	if !errors.As(err, &re) || re.Errno != syscall.EPERM {
		t.Fatalf("auth: %v, want refusal with EPERM", err)
	}
	if n := len(b.Connections()); n != 0 {
		t.Fatalf("%d connections registered", n)
	}
}

func TestOwnerImpersonation(t *testing.T) {
	b := startBroker(t, Options{})
	c := dial(t, b)
	m := request("attr.set", `{"name":"test.foo","value":"bar"}`)
	m.Userid, m.Rolemask = 1000, msg.RoleUser
	r := c.rpc(m)
	expectResponse(t, r, "attr.set", syscall.EPERM)
	if payloadString(r) != "Request requires owner credentials" {
		t.Fatalf("text %q", r.Payload)
	}
	// only the unset half is filled in
	m = request("broker.ping", `{}`)
	m.Rolemask = msg.RoleUser
	r = c.rpc(m)
	want := fmt.Sprintf(`"userid": %d, "rolemask": 2,`, ownerUID())
	if !contains(payloadString(r), want) {
		t.Fatalf("ping %q lacks %s", r.Payload, want)
	}
}

// contains is strings.Contains without the import noise.
func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestClientServiceRouting(t *testing.T) {
	b := startBroker(t, Options{})
	svc := dial(t, b)
	caller := dial(t, b)
	expectResponse(t, svc.rpc(request("service.add", `{"service":"capsvc"}`)), "service.add", 0)
	expectResponse(t, caller.rpc(request("service.add", `{"service":"capsvc"}`)), "service.add", syscall.EEXIST)
	expectResponse(t, caller.rpc(request("service.remove", `{"service":"capsvc"}`)), "service.remove", syscall.ENOENT)

	callerID := b.Connections()[1].UUID
	caller.send(request("capsvc.echo", `{"hello":"world"}`))
	req := svc.recv()
	if req.Type != msg.TypeRequest || req.Topic != "capsvc.echo" || len(req.Routes) != 3 ||
		req.Routes[0] != callerID || req.Routes[2] != b.UUID() || req.Userid != ownerUID() || req.Rolemask != 5 {
		t.Fatalf("request at service: %+v", req)
	}
	resp := req.Copy(false)
	resp.SetType(msg.TypeResponse)
	resp.Aux2 = req.Aux2
	resp.Userid, resp.Rolemask = msg.UseridUnknown, 0
	resp.SetString(`{"echo":1}`)
	svc.send(resp)
	r := caller.recv()
	expectResponse(t, r, "capsvc.echo", 0)
	if len(r.Routes) != 0 || r.Flags != 0x0b || payloadString(r) != `{"echo":1}` || r.Userid != ownerUID() || r.Rolemask != 5 {
		t.Fatalf("response at caller: %+v", r)
	}
	// bare service name: connector-local finds no "<name>.*" match
	expectResponse(t, caller.rpc(request("capsvc", "")), "capsvc", syscall.ENOSYS)

	// a streaming request, then the caller leaves: one disconnect, a copy of
	// the first request with NORESPONSE.
	s := request("capsvc.hang", "")
	s.Flags |= msg.FlagStreaming
	s.Aux2 = 7
	caller.send(s)
	if got := svc.recv(); got.Flags != 0x49 {
		t.Fatalf("streaming request flags %#x", got.Flags)
	}
	caller.send(request("capsvc.other", ""))
	svc.recv()
	caller.nc.Close()
	d := svc.recv()
	if d.Topic != "capsvc.disconnect" || d.Flags != 0x0d || d.Aux2 != 1 || len(d.Routes) != 3 || d.Routes[0] != callerID {
		t.Fatalf("disconnect: flags %#x matchtag %d routes %v topic %q", d.Flags, d.Aux2, d.Routes, d.Topic)
	}
	svc.expectNothing()

	// the service client leaves: its registration goes with it.
	svc.nc.Close()
	c3 := dial(t, b)
	r = c3.rpc(request("capsvc.echo", ""))
	expectResponse(t, r, "capsvc.echo", syscall.ENOSYS)
	if payloadString(r) != "No service matching capsvc.echo is registered" {
		t.Fatalf("text %q", r.Payload)
	}
	expectResponse(t, c3.rpc(request("service.add", `{"service":"capsvc"}`)), "service.add", 0)
	expectResponse(t, c3.rpc(request("service.remove", `{"service":"capsvc"}`)), "service.remove", 0)
}

func TestStreamingMonitor(t *testing.T) {
	b := startBroker(t, Options{})
	c := dial(t, b)
	m := request("state-machine.monitor", `{"final":5}`)
	m.Flags |= msg.FlagStreaming
	c.send(m)
	r := c.recv()
	if r.Flags != 0x4b || payloadString(r) != `{"state":5}` {
		t.Fatalf("first: flags %#x %q", r.Flags, r.Payload)
	}
	r = c.recv()
	if r.Flags != 0x49 || r.Aux1 != uint32(syscall.ENODATA) {
		t.Fatalf("end: flags %#x errnum %d", r.Flags, r.Aux1)
	}
	// without final the request stays pending until the client leaves
	m = request("state-machine.monitor", "")
	m.Flags |= msg.FlagStreaming
	c.send(m)
	if r := c.recv(); payloadString(r) != `{"state":5}` {
		t.Fatalf("got %q", r.Payload)
	}
	c.expectNothing()
	b.mu.Lock()
	n := len(b.monitors)
	b.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d pending monitors", n)
	}
	c.nc.Close()
	waitFor(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.monitors) == 0
	})
}

func TestDroppedMessages(t *testing.T) {
	b := startBroker(t, Options{})
	c := dial(t, b)
	// no topic: dropped
	m, _ := msg.New(msg.TypeRequest)
	m.EnableRoute()
	m.Aux2 = 1
	c.send(m)
	// control message: dropped
	ctl, _ := msg.New(msg.TypeControl)
	ctl.SetTopic("x")
	c.send(ctl)
	// response with a foreign route: dropped
	resp, _ := msg.New(msg.TypeResponse)
	resp.SetTopic("x.y")
	resp.EnableRoute()
	resp.Routes = []string{"a", "b", "c"}
	c.send(resp)
	c.expectNothing()
	// the connection still works
	expectResponse(t, c.rpc(request("state-machine.wait", "")), "state-machine.wait", 0)
	// a body that does not decode ends the connection
	c.sendBytes([]byte{0x12, 0x00, 0xee, 0xff, 0, 0, 0, 1, 0})
	if _, err := c.recvErr(ioTimeout); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("after bad frame: %v", err)
	}
	var _ net.Conn
}
