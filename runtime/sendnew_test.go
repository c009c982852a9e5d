package runtime

import (
	"syscall"
	"testing"
)

func TestSendNewInterthreadHandsOverTheObject(t *testing.T) {
	clearHandleEnv(t)
	a := mustOpen(t, "interthread://sendnew", 0)
	b := mustOpen(t, "interthread://sendnew", 0)
	defer a.Close()
	defer b.Close()
	m := newRequest("give.away", 1, "p")
	handedOver, err := a.SendNew(m, 0)
	if err != nil || !handedOver {
		t.Fatalf("SendNew = %v, %v; want handed over", handedOver, err)
	}
	got, err := b.Recv(Match{}, ONonblock)
	if err != nil {
		t.Fatal(err)
	}
	if got != m {
		t.Fatal("the peer received a copy, not the message given away")
	}
	// Send still copies.
	m2 := newRequest("kept", 2, "p")
	if err := a.Send(m2, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Recv(Match{}, ONonblock); err != nil || got == m2 || got.Topic != "kept" {
		t.Fatalf("Send: got %p (sent %p), %v", got, m2, err)
	}
}

func TestSendNewCopyingConnectorSends(t *testing.T) {
	clearHandleEnv(t)
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	m := newRequest("looped", 1, "p")
	handedOver, err := h.SendNew(m, 0)
	if err != nil || handedOver {
		t.Fatalf("SendNew on loop:// = %v, %v; want sent, not handed over", handedOver, err)
	}
	if got, err := h.Recv(Match{}, ONonblock); err != nil || got.Topic != "looped" {
		t.Fatal(got, err)
	}
}

// Deliberately stricter than flux-core, whose flux_send_new passes
// unknown flags to a connector that can take the message (interthread://)
// unchecked: SendNew checks them as Send does, on every connector.
func TestSendNewRejectsUnknownFlags(t *testing.T) {
	clearHandleEnv(t)
	a := mustOpen(t, "interthread://sendnew-flags", 0)
	b := mustOpen(t, "interthread://sendnew-flags", 0)
	defer a.Close()
	defer b.Close()
	if _, err := a.SendNew(newRequest("x", 1, "p"), 0x100000); !isErrno(err, syscall.EINVAL) {
		t.Fatalf("SendNew with unknown flags: %v, want EINVAL", err)
	}
	if _, err := b.Recv(Match{}, ONonblock); !isErrno(err, syscall.EWOULDBLOCK) {
		t.Fatalf("nothing may arrive: %v", err)
	}
}
