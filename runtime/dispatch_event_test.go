package runtime

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// An event a clone's own handler ran for is still not consumed: as with
// flux-core, DispatchRequeue hands it back, so the original handle sees it.
func TestCloneEventStillSeenByOriginal(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	c, _ := h.Clone()
	defer c.Close()
	seen := 0
	mh, err := c.MsgHandlerCreate(Match{TypeMask: int(msg.TypeEvent)}, func(h *Handle, _ *MsgHandler, _ *msg.Message) {
		seen++
	})
	if err != nil {
		t.Fatal(err)
	}
	defer mh.Destroy()
	mh.Start()
	if err := c.Send(newEvent("test"), 0); err != nil {
		t.Fatal(err)
	}
	rc, _ := c.GetReactor()
	mustRun(t, rc, ReactorNowait)
	if seen != 1 {
		t.Fatalf("clone's event handler ran %d times, want 1", seen)
	}
	if err := c.DispatchRequeue(); err != nil {
		t.Fatal(err)
	}
	m, err := h.Recv(Match{}, ONonblock)
	if err != nil || m.Type != msg.TypeEvent || m.Topic != "test" {
		t.Fatalf("original handle: %v %v, want the event", m, err)
	}
}
