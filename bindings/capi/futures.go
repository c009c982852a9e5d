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

// A flux_future_t * handed to C is a token of the futures table. When C
// drops its last reference the runtime future is destroyed, and so is
// the message token that flux_future_get handed out for its result.
var futures = newTokenTable[fluxrt.Future]("flux_future_t", func(tok unsafe.Pointer, f *fluxrt.Future) {
	f.Destroy()
	dropResultToken(tok)
})

// registerFuture hands C a new future.
func registerFuture(f *fluxrt.Future) unsafe.Pointer { return futures.add(f) }

// lookupFuture returns the future behind a C flux_future_t *.
func lookupFuture(p unsafe.Pointer) (*fluxrt.Future, error) { return futures.get(p) }

// releaseFuture drops one reference to a future token.
func releaseFuture(p unsafe.Pointer) { futures.release(p) }

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
