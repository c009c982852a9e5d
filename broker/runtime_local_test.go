package broker

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestRuntimeLocalConnector talks to the stand-in through the runtime's
// own local:// connector, including a reconnect after Restart.
func TestRuntimeLocalConnector(t *testing.T) {
	b := startBroker(t, Options{})
	uri := b.URI()
	h, err := runtime.Open(&uri, 0)
	if err != nil {
		t.Fatalf("Open(%s): %v", uri, err)
	}
	defer h.Close()
	rpc := func(topic, payload string) *msg.Message {
		t.Helper()
		m := request(topic, payload)
		if err := h.Send(m, 0); err != nil {
			t.Fatalf("Send: %v", err)
		}
		r, err := h.Recv(runtime.Match{TypeMask: int(msg.TypeResponse), TopicGlob: topic}, 0)
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		return r
	}
	r := rpc("attr.get", `{"name":"size"}`)
	if payloadString(r) != `{"value":"1","flags":1}` || r.Userid != ownerUID() || r.Rolemask != 5 {
		t.Fatalf("attr.get size: %+v", r)
	}
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := h.Reconnect(); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	if r := rpc("state-machine.wait", ""); r.Aux1 != 0 || r.Flags != 0x09 {
		t.Fatalf("state-machine.wait after reconnect: %+v", r)
	}
}
