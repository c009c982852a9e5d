package flux

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// TestBadInput calls the binding with bad arguments of every kind and
// checks each error's errno and text; afterwards the handles used, and one
// opened before, still work. The broker rows also hold against flux-core's
// broker (FLUXGO_INTEROP=1).
func TestBadInput(t *testing.T) {
	tb := startBroker(t)
	bystander := tb.open(t)
	h := tb.open(t)
	var nilH *Handle

	dir := t.TempDir()
	regular := filepath.Join(dir, "file")
	if err := os.WriteFile(regular, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0")
	longTopic := strings.Repeat("a", 245) + ".ping"

	// ctx bounds one call; short because some rows wait for a deadline.
	call := func(f func(ctx context.Context) error) error {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		return f(ctx)
	}
	open := func(uri string, opts ...Option) func(context.Context) error {
		return func(context.Context) error {
			h, err := Open(uri, opts...)
			if err == nil {
				h.Close()
			}
			return err
		}
	}
	rpc := func(h *Handle, topic string, payload any, opts ...RPCOption) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := h.RPC(ctx, topic, payload, opts...)
			return err
		}
	}

	const any = "" // only the errno is checked
	rows := []struct {
		name  string
		f     func(ctx context.Context) error
		errno syscall.Errno
		text  string // exact error text
	}{
		// nil handles (closed ones: closed_test.go)
		{"nil RPC", rpc(nilH, "broker.ping", nil), syscall.EINVAL, "nil flux handle"},
		{"nil RPCAsync", func(context.Context) error { _, err := nilH.RPCAsync("x", nil); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil Rank", func(context.Context) error { _, err := nilH.Rank(); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil Size", func(context.Context) error { _, err := nilH.Size(); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil Publish", func(ctx context.Context) error { _, err := nilH.Publish(ctx, "x", nil); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil PublishRaw", func(context.Context) error { return nilH.PublishRaw("x", nil) }, syscall.EINVAL, "nil flux handle"},
		{"nil Subscribe", func(ctx context.Context) error { _, err := nilH.Subscribe(ctx, "x"); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil Future.Get", func(ctx context.Context) error { _, err := (*Future)(nil).Get(ctx); return err }, syscall.EINVAL, "nil flux handle"},
		{"nil Future.Then", func(context.Context) error { return (*Future)(nil).Then(nil) }, syscall.EINVAL, "Invalid argument"},
		{"nil Unsubscribe", func(ctx context.Context) error { return (*Subscription)(nil).Unsubscribe(ctx) }, syscall.EINVAL, "nil flux handle"},

		// bad flags
		{"open flag", open(tb.uri, OpenFlag(1<<20)), syscall.EINVAL, "invalid flags specified"},
		{"RPC flag", rpc(h, "broker.ping", nil, RPCFlag(0x100)), syscall.EINVAL, "Invalid argument"},
		{"Publish flag", func(ctx context.Context) error { _, err := h.Publish(ctx, "x", nil, MsgFlag(0x40)); return err }, syscall.EINVAL, "Invalid argument"},
		{"PublishRaw flag", func(context.Context) error { return h.PublishRaw("x", nil, MsgFlag(0x40)) }, syscall.EINVAL, "Invalid argument"},

		// bad URIs (reference/handle.md §2.1)
		{"unknown scheme", open("foo://bar"), syscall.ENOENT, "Unable to find connector name 'foo'"},
		{"no scheme", open("local"), syscall.EINVAL, "Invalid argument"},
		{"local no path", open("local://"), syscall.EINVAL, "Invalid argument"},
		{"local blank path", open("local://   "), syscall.EINVAL, "Invalid argument"},
		{"leading space", open(" local:///x"), syscall.ENOENT, "Unable to find connector name ' local'"},
		{"missing socket", open("local://" + filepath.Join(dir, "nosock")), syscall.ENOENT, "broker socket " + filepath.Join(dir, "nosock") + " was not found"},
		{"regular file", open("local://" + regular), syscall.ECONNREFUSED, "Connection refused"},
		{"path > sun_path", open("local:///" + strings.Repeat("x", 120)), syscall.EINVAL, "Invalid argument"},
		{"fd no path", open("fd://"), syscall.EINVAL, "URI path is not set"},
		{"fd abc", open("fd://abc"), syscall.EINVAL, "error parsing file descriptor"},
		{"fd -1", open("fd://-1"), syscall.EINVAL, "error parsing file descriptor"},
		{"interthread no name", open("interthread://"), syscall.EINVAL, "Invalid argument"},
		{"ssh no path", open("ssh://host"), syscall.EINVAL, "Invalid argument"},
		{"ssh query", open("ssh://host/p?x=1"), syscall.EINVAL, "Invalid argument"},
		{"ssh fragment", open("ssh://host/p#f"), syscall.EINVAL, "Invalid argument"},

		// bad topics: empty is an unknown service; a topic whose part
		// before the last '.' is 245+ bytes is dropped by the broker, so
		// only the context ends the wait.
		{"empty topic", rpc(h, "", nil), syscall.ENOSYS, "No service matching  is registered"},
		{"unknown service", rpc(h, "nosuch.method", nil), syscall.ENOSYS, any},
		{"topic 245+", rpc(h, longTopic, nil), syscall.ETIMEDOUT, "context deadline exceeded"},

		// bad nodeids
		{"rank 5 of 1", rpc(h, "broker.ping", "{}", ToRank(5)), syscall.EHOSTUNREACH, "No route to host"},
		{"upstream of rank 0", rpc(h, "broker.ping", "{}", Upstream()), syscall.EHOSTUNREACH, "No route to host"},

		// payloads that are not JSON where JSON is expected
		{"attr.get string", rpc(h, "attr.get", "notjson"), syscall.EPROTO, "Protocol error"},
		{"attr.get bytes", rpc(h, "attr.get", []byte("notjson")), syscall.EPROTO, "Protocol error"},
		{"attr.get none", rpc(h, "attr.get", nil), syscall.EPROTO, "Protocol error"},
		{"unencodable", rpc(h, "attr.get", func() {}), syscall.EINVAL, "json: unsupported type: func()"},
		{"unencodable publish", func(ctx context.Context) error { _, err := h.Publish(ctx, "x", make(chan int)); return err }, syscall.EINVAL, "json: unsupported type: chan int"},
		{"attr empty name", func(ctx context.Context) error { _, err := h.Attr(ctx, ""); return err }, syscall.ENOENT, "No such file or directory"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if interop() && strings.HasPrefix(r.name, "ssh") {
				t.Skip("ssh rows need no broker")
			}
			err := call(r.f)
			if err == nil {
				t.Fatalf("no error, want %v", r.errno)
			}
			if !errors.Is(err, r.errno) || fluxrt.ErrnoOf(err) != r.errno {
				t.Fatalf("error %v (errno %d), want errno %d (%v)", err, fluxrt.ErrnoOf(err), r.errno, r.errno)
			}
			if r.text != any && causeText(err) != r.text {
				t.Fatalf("text %q, want %q", causeText(err), r.text)
			}
		})
	}

	// Nothing else was affected: both handles still work.
	for _, hh := range []*Handle{bystander, h} {
		if err := call(func(ctx context.Context) error {
			_, err := hh.RPC(ctx, "broker.ping", map[string]int{"seq": 1})
			return err
		}); err != nil {
			t.Fatalf("handle broken after bad input: %v", err)
		}
	}
}
