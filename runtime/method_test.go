package runtime

import (
	"encoding/json"
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// moduleServer serves the default methods of service "mod" on one end of
// an interthread pair, its reactor running in a goroutine, and returns
// the client end.
func moduleServer(t *testing.T, name string) (client, server *Handle) {
	t.Helper()
	uri := "interthread://" + name
	server = mustOpen(t, uri, 0)
	client = mustOpen(t, uri, 0)
	rank := "0" // a module's handle knows its rank; interthread has no broker to ask
	if err := server.AttrSetCacheonly("rank", &rank); err != nil {
		t.Fatal(err)
	}
	uuid := "0123456789abcdef"
	key := "flux::uuid"
	if err := server.AuxSet(&key, uuid, nil); err != nil {
		t.Fatal(err)
	}
	hs, err := server.RegisterDefaultMethods("mod")
	if err != nil {
		t.Fatal(err)
	}
	r, _ := server.GetReactor()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = r.Run(0)
	}()
	t.Cleanup(func() {
		r.Stop()
		<-done
		MsgHandlerDelvec(hs)
		client.Close()
		server.Close()
	})
	return client, server
}

// call makes an RPC from client and decodes the JSON answer.
func call(t *testing.T, h *Handle, topic, payload string) (map[string]any, error) {
	t.Helper()
	var p []byte
	if payload != "" {
		p = append([]byte(payload), 0)
	}
	f, err := h.RPC(topic, p, msg.NodeIDAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	m, err := f.RPCGet()
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if m.HasPayload() {
		if err := json.Unmarshal(m.Payload[:len(m.Payload)-1], &out); err != nil {
			t.Fatal(err)
		}
	}
	return out, nil
}

func TestDefaultMethods(t *testing.T) {
	client, server := moduleServer(t, "defaultmethods")
	out, err := call(t, client, "mod.ping", `{"seq":7}`)
	if err != nil {
		t.Fatalf("ping: %v", err)
	}
	if out["seq"] != float64(7) || out["rank"] != float64(0) {
		t.Fatalf("ping answered %v", out)
	}
	if route, _ := out["route"].(string); len(route) < 9 || route[len(route)-9:] != "!01234567" {
		t.Fatalf("ping route %q does not end with the short uuid", out["route"])
	}
	out, err = call(t, client, "mod.stats-get", "")
	if err != nil {
		t.Fatalf("stats-get: %v", err)
	}
	rx, _ := out["rx"].(map[string]any)
	if rx == nil || rx["request"].(float64) < 2 {
		t.Fatalf("stats-get answered %v", out)
	}
	if _, err := call(t, client, "mod.stats-clear", ""); err != nil {
		t.Fatalf("stats-clear: %v", err)
	}
	if out, err = call(t, client, "mod.rusage", ""); err != nil || out["maxrss"] == nil {
		t.Fatalf("rusage: %v %v", out, err)
	}
	if _, err := call(t, client, "mod.rusage", `{"who":"nobody"}`); !errors.Is(err, syscall.EINVAL) || err.Error() != "nobody is unsupported" {
		t.Fatalf("rusage who=nobody: %v", err)
	}

	// debug flags: set by the debug method, tested by the module.
	if server.ModuleDebugTest(4, false) {
		t.Fatal("debug flag set before any debug request")
	}
	if out, err = call(t, client, "mod.debug", `{"op":"setbit","flags":6}`); err != nil || out["flags"] != float64(6) {
		t.Fatalf("debug setbit: %v %v", out, err)
	}
	if !server.ModuleDebugTest(4, true) || server.ModuleDebugTest(4, false) || !server.ModuleDebugTest(2, false) {
		t.Fatal("ModuleDebugTest did not see (and clear) flag 4")
	}
	if _, err := call(t, client, "mod.debug", `{"op":"frob","flags":1}`); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("debug op=frob: %v", err)
	}

	// config-reload replaces the module's configuration.
	if _, err := call(t, client, "mod.config-reload", `{"a":{"b":1}}`); err != nil {
		t.Fatalf("config-reload: %v", err)
	}
	conf, err := server.GetConf()
	if err != nil || conf.Object()["a"] == nil {
		t.Fatalf("configuration after reload: %v %v", conf.Object(), err)
	}
	if _, err := call(t, client, "mod.config-reload", `[1]`); !errors.Is(err, syscall.EPROTO) || err.Error() != "Failed to parse mod.config-reload request" {
		t.Fatalf("config-reload of a non-object: %v", err)
	}
}

func TestModuleSetRunning(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if err := h.ModuleSetRunning(); err != nil {
		t.Fatal(err)
	}
	m, err := h.Recv(Match{TypeMask: int(msg.TypeRequest)}, ONonblock)
	if err != nil {
		t.Fatal(err)
	}
	if m.Topic != "module.status" || !m.HasFlag(msg.FlagNoResponse) || string(m.Payload) != "{\"status\":1}\x00" {
		t.Fatalf("sent %s %q flags %#x", m.Topic, m.Payload, m.Flags)
	}
	var nilHandle *Handle
	if nilHandle.ModuleDebugTest(1, false) {
		t.Fatal("nil handle has debug flags")
	}
}
