package runtime

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// pollReady reports whether fd is readable right now.
func pollReady(t *testing.T, fd int) bool {
	t.Helper()
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(pfd, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// As with flux-core, the pollfd wakes when sending stops being refused:
// after a full loop:// queue (message_count_limit 1) is read, PollEvents
// is PollOut alone and the pollfd was readable to say so.
func TestPollFDWakesOnPollOut(t *testing.T) {
	h := mustOpen(t, "loop://", 0)
	defer h.Close()
	if err := h.OptSet(OptMessageCountLimit, binary.NativeEndian.AppendUint32(nil, 1)); err != nil {
		t.Fatal(err)
	}
	fd, err := h.PollFD()
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := h.PollEvents(); ev != PollOut {
		t.Fatalf("initial PollEvents %#x, want PollOut", ev)
	}
	if pollReady(t, fd) {
		t.Fatal("pollfd ready before anything happened")
	}
	if err := h.Send(newEvent("a"), 0); err != nil {
		t.Fatal(err)
	}
	if !pollReady(t, fd) {
		t.Fatal("pollfd not ready after a send")
	}
	if ev, _ := h.PollEvents(); ev != PollIn {
		t.Fatalf("PollEvents with a full queue %#x, want PollIn", ev)
	}
	if pollReady(t, fd) {
		t.Fatal("pollfd still ready after PollEvents")
	}
	if _, err := h.Recv(Match{}, ONonblock); err != nil {
		t.Fatal(err)
	}
	if !pollReady(t, fd) {
		t.Fatal("pollfd not ready when sending became possible again")
	}
	if ev, _ := h.PollEvents(); ev != PollOut {
		t.Fatalf("PollEvents after the receive %#x, want PollOut", ev)
	}
}
