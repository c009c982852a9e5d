package main

/*
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"sync"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A flux_future_t * handed to C names a runtime future for as long as it
// lives (see objectNames): C's references are the future's own, so
// flux_future_destroy drops one and the future's last reference retires
// the pointer, and with it the message token that flux_future_get handed
// out for its result. A future the runtime hands back (a composite's
// child, the future in a continuation) is the pointer C already has.
var futures = newObjectNames("flux_future_t", func(f *fluxrt.Future, retire func()) {
	key := capiTokenKey
	_ = f.AuxSet(&key, unsafe.Pointer(&key), func(any) { retire() })
})

func init() { futures.onRetire = dropResultToken }

// registerFuture returns the C pointer of a future.
func registerFuture(f *fluxrt.Future) unsafe.Pointer { return futures.token(f) }

// lookupFuture returns the future behind a C flux_future_t *. Every
// future call from C passes here, so it also keeps the scheduler tick of
// the calling thread moving (schedtick.go).
func lookupFuture(p unsafe.Pointer) (*fluxrt.Future, error) {
	keepSchedTick()
	return futures.lookup(p)
}

// releaseFuture drops one reference to a future (flux_future_destroy);
// NULL and pointers that are not live futures are ignored.
func releaseFuture(p unsafe.Pointer) {
	if f, err := futures.lookup(p); err == nil {
		f.Destroy()
	}
}

// resultTokens holds, per owner (a future token), the message token of the
// result flux_future_get returned last: the message stays valid while the
// future lives, as in flux-core.
var resultTokens = struct {
	sync.Mutex
	byOwner map[unsafe.Pointer]unsafe.Pointer
}{byOwner: map[unsafe.Pointer]unsafe.Pointer{}}

// resultToC turns a future's result into the pointer flux_future_get
// returns: a message becomes a flux_msg_t * owned by the future; a C
// pointer fulfilled by C comes back as it went in; nothing is NULL.
func resultToC(owner unsafe.Pointer, v any) unsafe.Pointer {
	switch r := v.(type) {
	case *msg.Message:
		resultTokens.Lock()
		old := resultTokens.byOwner[owner]
		if old != nil {
			if m, err := lookupMsg(old); err == nil && m == r {
				resultTokens.Unlock()
				return old
			}
		}
		tok := registerMsg(r)
		resultTokens.byOwner[owner] = tok
		resultTokens.Unlock()
		releaseMsg(old)
		return tok
	case unsafe.Pointer:
		return r
	}
	return nil
}

// dropResultToken releases the result message token kept for owner.
func dropResultToken(owner unsafe.Pointer) {
	resultTokens.Lock()
	tok := resultTokens.byOwner[owner]
	delete(resultTokens.byOwner, owner)
	resultTokens.Unlock()
	releaseMsg(tok)
}

// stringPayload turns a C string into a Flux string payload: its bytes and
// the terminating NUL; NULL is no payload.
func stringPayload(s *C.char) []byte {
	if s == nil {
		return nil
	}
	n := C.strlen(s)
	return C.GoBytes(unsafe.Pointer(s), C.int(n+1))
}
