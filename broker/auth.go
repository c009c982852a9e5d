package broker

import (
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
	"github.com/google/uuid"
	"golang.org/x/sys/unix"
)

// authWriteTimeout bounds the write of the auth byte to a new client.
const authWriteTimeout = 5 * time.Second

// acceptLoop accepts connections until ln is closed.
func (b *Broker) acceptLoop(ln *net.UnixListener) {
	defer b.acceptWG.Done()
	for {
		nc, err := ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			b.debugf("accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		b.authenticate(nc)
	}
}

// peerCred reads the peer's uid and pid with SO_PEERCRED.
func peerCred(nc *net.UnixConn) (*unix.Ucred, error) {
	rc, err := nc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var cred *unix.Ucred
	var cerr error
	err = rc.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil {
		return nil, err
	}
	return cred, cerr
}

// roles computes the rolemask of a peer uid the way connector-local does:
// the owner gets OWNER, other users USER when guests are allowed, nobody
// else gets in. LOCAL is added to every accepted connection.
func (b *Broker) roles(uid uint32) (uint32, bool) {
	switch {
	case uid == b.owner:
		return msg.RoleOwner | msg.RoleLocal, true
	case b.allowGuest:
		return msg.RoleUser | msg.RoleLocal, true
	}
	return 0, false
}

// authenticate sends the auth byte and, when the peer is accepted,
// registers the connection and starts its I/O.
func (b *Broker) authenticate(nc *net.UnixConn) {
	cred, err := peerCred(nc)
	if err != nil {
		b.debugf("SO_PEERCRED: %v", err)
		nc.Close()
		return
	}
	b.mu.Lock()
	refuse := b.faults.refuseAuth
	b.mu.Unlock()
	rolemask, ok := b.roles(cred.Uid)
	if refuse == 0 && !ok {
		b.debugf("client_authenticate: uid=%d no assigned roles", cred.Uid)
		refuse = byte(syscall.EPERM)
	}
	nc.SetWriteDeadline(time.Now().Add(authWriteTimeout))
	if refuse != 0 {
		stream.WriteAuth(nc, refuse)
		nc.Close()
		return
	}
	if err := stream.WriteAuth(nc, 0); err != nil {
		nc.Close()
		return
	}
	nc.SetWriteDeadline(time.Time{})

	c := newConn(b, nc, uuid.NewString(), cred.Uid, rolemask, cred.Pid)
	b.mu.Lock()
	if b.closed || b.ln == nil {
		b.mu.Unlock()
		c.shutdown()
		return
	}
	b.conns[c.uuid] = c
	b.order = append(b.order, c)
	b.connects++
	b.mu.Unlock()
	c.start()
}
