package runtime

import (
	"encoding/binary"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// loopConn is the loop:// connector: everything sent is queued and
// received back by the same handle. Unset credentials are stamped with the
// connector's userid (default getuid()) and rolemask (default OWNER).
// It never blocks.
type loopConn struct {
	queue *msgDeque
	h     *Handle

	mu           sync.Mutex // guards the fields below
	userid       uint32
	rolemask     uint32
	attrRedirect bool
}

// openLoop opens loop:// (the path is ignored).
func openLoop(path string, hasPath bool, flags int) (connector, error) {
	return &loopConn{
		queue:    newMsgDeque(),
		userid:   uint32(os.Getuid()),
		rolemask: msg.RoleOwner,
	}, nil
}

// attach seeds the root's attribute cache with rank 0 and size 1.
func (l *loopConn) attach(h *Handle) {
	l.h = h
	zero, one := "0", "1"
	_ = h.AttrSetCacheonly("rank", &zero)
	_ = h.AttrSetCacheonly("size", &one)
}

func (l *loopConn) Send(m *msg.Message, flags int, w waiter) error {
	l.mu.Lock()
	redirect := l.attrRedirect
	uid, roles := l.userid, l.rolemask
	l.mu.Unlock()
	if redirect && (Match{TypeMask: int(msg.TypeRequest), TopicGlob: "attr.*"}).Matches(m) {
		return l.redirectAttr(m)
	}
	cpy := m.Copy(true)
	if cpy.Userid == msg.UseridUnknown {
		cpy.Userid = uid
	}
	if cpy.Rolemask == msg.RoleNone {
		cpy.Rolemask = roles
	}
	return l.queue.PushBack(cpy)
}

// respond queues a response to req the way flux_respond on the loop handle
// would: counted, traced, then stamped and queued. NORESPONSE requests get
// nothing.
func (l *loopConn) respond(req *msg.Message, errnum uint32) error {
	if req.HasFlag(msg.FlagNoResponse) {
		return nil
	}
	rep, err := deriveResponse(req, errnum)
	if err != nil {
		return err
	}
	if l.h != nil {
		c := l.h.core
		c.countTx(rep)
		c.traceMsg(c.root.FlagsGet(), rep)
	}
	return l.Send(rep, 0, waiter{})
}

// redirectAttr answers attr.get/set/rm requests locally (after the
// flux::attr_redirect option): attr.get → ENOENT, attr.set and attr.rm
// update the handle's attribute cache; other attr.* topics fail the send
// with ENOSYS.
func (l *loopConn) redirectAttr(req *msg.Message) error {
	switch req.Topic {
	case "attr.get":
		return l.respond(req, uint32(syscall.ENOENT))
	case "attr.set", "attr.rm":
		var body struct {
			Name  *string `json:"name"`
			Value *string `json:"value"`
		}
		if decodeJSONPayload(req.Payload, &body) != nil || body.Name == nil {
			return ErrnoError(syscall.EPROTO)
		}
		if req.Topic == "attr.set" {
			if body.Value == nil {
				return ErrnoError(syscall.EPROTO)
			}
			if l.h != nil {
				_ = l.h.AttrSetCacheonly(*body.Name, body.Value)
			}
		} else if l.h != nil {
			_ = l.h.AttrSetCacheonly(*body.Name, nil)
		}
		return l.respond(req, 0)
	}
	return ErrnoError(syscall.ENOSYS)
}

func (l *loopConn) Recv(flags int, w waiter) (*msg.Message, error) {
	if m := l.queue.PopFront(); m != nil {
		return m, nil
	}
	return nil, ErrnoError(syscall.EWOULDBLOCK)
}

func (l *loopConn) PollFD() (int, error) { return l.queue.FD() }

func (l *loopConn) PollOutFD() (int, error) { return l.queue.PollOutFD() }

func (l *loopConn) PollEvents() int { return l.queue.PollEvents() }

func (l *loopConn) Close() { l.queue.Close() }

func (l *loopConn) GetOpt(name string, size int) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var v uint32
	switch name {
	case OptTestingUserid:
		v = l.userid
	case OptTestingRolemask:
		v = l.rolemask
	case OptMessageCountLimit:
		v = uint32(int32(l.queue.Limit()))
	case OptPollfdEvents:
		v = uint32(unix.POLLIN)
	default:
		return nil, ErrnoError(syscall.EINVAL)
	}
	if size != 4 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return binary.NativeEndian.AppendUint32(nil, v), nil
}

func (l *loopConn) SetOpt(name string, val []byte) error {
	switch name {
	case OptTestingUserid, OptTestingRolemask, OptMessageCountLimit:
		if len(val) != 4 {
			return ErrnoError(syscall.EINVAL)
		}
		v := binary.NativeEndian.Uint32(val)
		l.mu.Lock()
		defer l.mu.Unlock()
		switch name {
		case OptTestingUserid:
			l.userid = v
		case OptTestingRolemask:
			l.rolemask = v
		default:
			return l.queue.SetLimit(int(int32(v)))
		}
		return nil
	case OptAttrRedirect:
		if len(val) != 0 {
			return ErrnoError(syscall.EINVAL)
		}
		l.mu.Lock()
		l.attrRedirect = true
		l.mu.Unlock()
		return nil
	}
	return ErrnoError(syscall.EINVAL)
}
