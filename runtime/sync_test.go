package runtime

import (
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func sendHeartbeat(t *testing.T, h *Handle, seq uint32) {
	t.Helper()
	m, err := msg.New(msg.TypeEvent)
	if err != nil {
		t.Fatal(err)
	}
	m.SetTopic(syncTopic)
	m.Aux1 = seq
	if err := h.Send(m, 0); err != nil {
		t.Fatal(err)
	}
}

func TestSyncCreate(t *testing.T) {
	if _, err := (*Handle)(nil).SyncCreate(0); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("nil handle: %v", err)
	}
	h, err := Open(strp("loop://"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	f, err := h.SyncCreate(0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if err := f.WaitFor(0.05); !errors.Is(err, syscall.ETIMEDOUT) {
		t.Fatalf("no heartbeat yet: %v, want ETIMEDOUT", err)
	}
	sendHeartbeat(t, h, 1)
	if err := f.WaitFor(5); err != nil {
		t.Fatalf("after heartbeat 1: %v", err)
	}
	f.Reset()
	// An old sequence number does not count.
	sendHeartbeat(t, h, 1)
	if err := f.WaitFor(0.05); !errors.Is(err, syscall.ETIMEDOUT) {
		t.Fatalf("repeated heartbeat 1: %v, want ETIMEDOUT", err)
	}
	sendHeartbeat(t, h, 2)
	if err := f.WaitFor(5); err != nil {
		t.Fatalf("after heartbeat 2: %v", err)
	}
}

func TestSyncMinimum(t *testing.T) {
	h, err := Open(strp("loop://"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	f, err := h.SyncCreate(60)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	sendHeartbeat(t, h, 1)
	if err := f.WaitFor(5); err != nil {
		t.Fatalf("first heartbeat: %v", err)
	}
	f.Reset()
	// A newer beat within the minimum interval is skipped.
	sendHeartbeat(t, h, 2)
	if err := f.WaitFor(0.1); !errors.Is(err, syscall.ETIMEDOUT) {
		t.Fatalf("heartbeat within the minimum: %v, want ETIMEDOUT", err)
	}
}
