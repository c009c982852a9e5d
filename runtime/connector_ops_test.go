package runtime

import (
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// queueOps is an Ops table backed by a slice: what is sent is received.
func queueOps(destroyed *int) *Ops {
	var q []*msg.Message
	return &Ops{
		Send: func(m *msg.Message, flags int) error {
			q = append(q, m.Copy(true))
			return nil
		},
		Recv: func(flags int) (*msg.Message, error) {
			if len(q) == 0 {
				return nil, ErrnoError(syscall.EWOULDBLOCK)
			}
			m := q[0]
			q = q[1:]
			return m, nil
		},
		GetOpt: func(name string, size int) ([]byte, error) {
			if name != "test::len" || size != 4 {
				return nil, ErrnoError(syscall.EINVAL)
			}
			return uint32Bytes(uint32(len(q))), nil
		},
		Destroy: func() { *destroyed++ },
	}
}

func TestNewHandleSendRecv(t *testing.T) {
	destroyed := 0
	h, err := NewHandle(queueOps(&destroyed), 0)
	if err != nil {
		t.Fatalf("NewHandle: %v", err)
	}
	if err := h.Send(newEvent("ops.one"), 0); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if b, err := h.OptGet("test::len", 4); err != nil || b[0] != 1 {
		t.Fatalf("OptGet test::len = %v, %v; want 1", b, err)
	}
	m, err := h.Recv(Match{}, ONonblock)
	if err != nil || m.Topic != "ops.one" {
		t.Fatalf("Recv = %v, %v; want ops.one", m, err)
	}
	if _, err := h.Recv(Match{}, ONonblock); !errors.Is(err, syscall.EWOULDBLOCK) {
		t.Fatalf("Recv on empty queue: %v, want EWOULDBLOCK", err)
	}
	c, err := h.Clone()
	if err != nil {
		t.Fatalf("Clone: %v", err)
	}
	if err := c.Send(newEvent("ops.two"), 0); err != nil {
		t.Fatalf("clone Send: %v", err)
	}
	if m, err := h.Recv(Match{}, ONonblock); err != nil || m.Topic != "ops.two" {
		t.Fatalf("Recv after clone send = %v, %v", m, err)
	}
	c.Close()
	if destroyed != 0 {
		t.Fatalf("Destroy ran while the root is alive")
	}
	h.Close()
	if destroyed != 1 {
		t.Fatalf("Destroy ran %d times, want 1", destroyed)
	}
}

func TestNewHandleAbsentOps(t *testing.T) {
	h, err := NewHandle(&Ops{}, 0)
	if err != nil {
		t.Fatalf("NewHandle: %v", err)
	}
	defer h.Close()
	for _, tc := range []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"Send", h.Send(newEvent("x"), 0), syscall.ENOSYS},
		{"Recv", func() error { _, err := h.Recv(Match{}, ONonblock); return err }(), syscall.ENOSYS},
		{"OptSet", h.OptSet(OptTestingUserid, uint32Bytes(1)), syscall.EINVAL},
		{"OptGet", func() error { _, err := h.OptGet(OptTestingUserid, 4); return err }(), syscall.EINVAL},
		{"Reconnect", h.Reconnect(), syscall.ENOSYS},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s without its op: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if _, err := h.PollFD(); err != nil {
		t.Errorf("PollFD without a pollfd op: %v", err)
	}
}

func TestNewHandleBadFlags(t *testing.T) {
	destroyed := 0
	if _, err := NewHandle(queueOps(&destroyed), 1<<30); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NewHandle with bad flags: %v, want EINVAL", err)
	}
	if destroyed != 1 {
		t.Fatalf("Destroy ran %d times on failure, want 1", destroyed)
	}
	if _, err := NewHandle(nil, 0); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NewHandle(nil): %v, want EINVAL", err)
	}
}

func TestConnectorLoader(t *testing.T) {
	defer SetConnectorLoader(nil)
	uri := "nosuch://x"
	if _, err := Open(&uri, 0); !errors.Is(err, syscall.ENOENT) || ErrorText(err) != "Unable to find connector name 'nosuch'" {
		t.Fatalf("Open without a loader: %v", err)
	}
	var gotScheme string
	var gotPath *string
	SetConnectorLoader(func(scheme string, path *string, flags int) (*Handle, error) {
		gotScheme, gotPath = scheme, path
		if scheme == "bad" {
			return nil, Errorf(syscall.EHOSTUNREACH, "bad: no")
		}
		destroyed := 0
		return NewHandle(queueOps(&destroyed), flags)
	})
	uri = "mine://a/b \t"
	h, err := Open(&uri, 0)
	if err != nil {
		t.Fatalf("Open with a loader: %v", err)
	}
	h.Close()
	if gotScheme != "mine" || gotPath == nil || *gotPath != "a/b" {
		t.Fatalf("loader got %q %v, want mine a/b", gotScheme, gotPath)
	}
	uri = "mine"
	if h, err = Open(&uri, 0); err != nil || gotPath != nil {
		t.Fatalf("Open mine: %v, path %v; want a nil path", err, gotPath)
	}
	h.Close()
	uri = "bad://"
	if _, err := Open(&uri, 0); !errors.Is(err, syscall.EHOSTUNREACH) || ErrorText(err) != "bad: no" {
		t.Fatalf("Open bad: %v", err)
	}
	if _, err := Open(&uri, 1<<30); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("Open with bad flags: %v", err)
	}
	if _, err := Open(&uri, 0); err == nil {
		t.Fatal("loader error ignored")
	}
}
