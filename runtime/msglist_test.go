package runtime

import (
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

func TestMsgListCursor(t *testing.T) {
	var dropped []int
	l := NewMsgList(func(i int) { dropped = append(dropped, i) })
	if _, ok := l.First(); ok || l.Count() != 0 {
		t.Fatal("empty list has a first item")
	}
	l.Append(2)
	l.Append(3)
	l.Push(1)
	var seen []int
	for it, ok := l.First(); ok; it, ok = l.Next() {
		seen = append(seen, it)
	}
	if len(seen) != 3 || seen[0] != 1 || seen[2] != 3 {
		t.Fatalf("iteration %v, want [1 2 3]", seen)
	}
	// Past the end, Next starts over at the first item.
	if it, ok := l.Next(); !ok || it != 1 {
		t.Fatalf("Next after the end = %d %v, want 1", it, ok)
	}
	// Deleting while iterating: the cursor moves back, Next continues.
	for it, ok := l.First(); ok; it, ok = l.Next() {
		if it%2 == 1 {
			l.Delete()
		}
	}
	if l.Count() != 1 || len(dropped) != 2 || dropped[0] != 1 || dropped[1] != 3 {
		t.Fatalf("after deleting odd items: count %d, dropped %v", l.Count(), dropped)
	}
	if it, ok := l.Last(); !ok || it != 2 {
		t.Fatalf("Last = %d %v", it, ok)
	}
	// Pop takes the item at the cursor, without dropping it.
	l.Append(4)
	if it, ok := l.Pop(); !ok || it != 2 || len(dropped) != 2 {
		t.Fatalf("Pop at cursor = %d %v, dropped %v", it, ok, dropped)
	}
	// With the cursor on no item, Pop takes the first.
	l.Append(5)
	if it, ok := l.Pop(); !ok || it != 4 {
		t.Fatalf("Pop without cursor = %d %v, want 4", it, ok)
	}
	l.Destroy()
	if l.Count() != 0 || len(dropped) != 3 || dropped[2] != 5 {
		t.Fatalf("Destroy dropped %v", dropped)
	}
}

// request makes a request from client sender (first route hop) with the
// given credentials.
func request(t *testing.T, sender string, userid, rolemask, tag uint32, payload string) *msg.Message {
	t.Helper()
	m, err := RequestEncode("svc.op", nil)
	if err != nil {
		t.Fatal(err)
	}
	MsgRouteEnable(m)
	if err := MsgRoutePush(m, sender); err != nil {
		t.Fatal(err)
	}
	m.Userid, m.Rolemask, m.Aux2 = userid, rolemask, tag
	if payload != "" {
		m.SetPayload(append([]byte(payload), 0))
	}
	return m
}

func TestDisconnectCancelMatch(t *testing.T) {
	req := request(t, "client1", 100, msg.RoleUser, 7, "")
	if !DisconnectMatch(request(t, "client1", 100, msg.RoleUser, 0, ""), req) {
		t.Error("same sender and user: no match")
	}
	if DisconnectMatch(request(t, "client2", 100, msg.RoleUser, 0, ""), req) {
		t.Error("another sender matched")
	}
	if DisconnectMatch(request(t, "client1", 200, msg.RoleUser, 0, ""), req) {
		t.Error("another user matched")
	}
	if !DisconnectMatch(request(t, "client1", 200, msg.RoleOwner, 0, ""), req) {
		t.Error("the owner may disconnect anyone's requests")
	}
	if !CancelMatch(request(t, "client1", 100, msg.RoleUser, 0, `{"matchtag":7}`), req) {
		t.Error("cancel naming the matchtag: no match")
	}
	if CancelMatch(request(t, "client1", 100, msg.RoleUser, 0, `{"matchtag":8}`), req) {
		t.Error("cancel naming another matchtag matched")
	}
	if CancelMatch(request(t, "client1", 100, msg.RoleUser, 0, `{"matchtag":"7"}`), req) {
		t.Error("a non-integer matchtag matched")
	}

	l := NewMsgList[*msg.Message](nil)
	for i, s := range []string{"client1", "client2", "client1"} {
		l.Append(request(t, s, 100, msg.RoleUser, uint32(i), ""))
	}
	if n := MsgListDisconnect(l, request(t, "client1", 100, msg.RoleUser, 0, ""), func(m *msg.Message) *msg.Message { return m }); n != 2 || l.Count() != 1 {
		t.Fatalf("disconnect removed %d, %d left", n, l.Count())
	}
}

func TestControl(t *testing.T) {
	m, err := ControlEncode(3, -1)
	if err != nil {
		t.Fatal(err)
	}
	typ, status, err := ControlDecode(m)
	if err != nil || typ != 3 || status != -1 {
		t.Fatalf("ControlDecode = %d %d %v", typ, status, err)
	}
	req, _ := RequestEncode("a", nil)
	if _, _, err := ControlDecode(req); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("decoding a request: %v, want EPROTO", err)
	}
	if err := MsgSetControl(req, 1, 1); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("set_control on a request: %v, want EINVAL", err)
	}
}
