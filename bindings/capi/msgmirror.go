package main

import (
	"unsafe"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A compatibility mirror of the message header inside each flux_msg_t
// token. flux_msg_t is opaque, but some C code written for flux-core
// (flux-core's own unit tests among it) reads the header fields straight
// out of flux-core's private struct flux_msg, whose "proto" member sits at
// byte 48 on LP64 targets. Message tokens are therefore big enough to hold
// those bytes, and the export layer keeps a read-only copy of the header
// there: written when the token is made, refreshed after every C call that
// may change the message (the generated exports defer refreshMsgMirror for
// each non-const flux_msg_t * parameter). Writing to the mirror changes
// nothing; it is only ever overwritten. The rest of the token is zero.
const (
	mirrorType     = 48 // uint8: FLUX_MSGTYPE_*
	mirrorFlags    = 49 // uint8: FLUX_MSGFLAG_*
	mirrorUserid   = 52 // uint32
	mirrorRolemask = 56 // uint32
	mirrorAux1     = 60 // uint32: nodeid, errnum, sequence or control type
	mirrorAux2     = 64 // uint32: matchtag or control status

	// msgTokenSize is the size of a message token: the mirror, rounded up
	// to cover the struct's pointer-aligned remainder.
	msgTokenSize = 96
)

// writeMsgMirror copies m's header into the mirror of token tok.
func writeMsgMirror(tok unsafe.Pointer, m *msg.Message) {
	if tok == nil || m == nil {
		return
	}
	*(*uint8)(unsafe.Add(tok, mirrorType)) = m.Type
	*(*uint8)(unsafe.Add(tok, mirrorFlags)) = m.Flags
	*(*uint32)(unsafe.Add(tok, mirrorUserid)) = m.Userid
	*(*uint32)(unsafe.Add(tok, mirrorRolemask)) = m.Rolemask
	*(*uint32)(unsafe.Add(tok, mirrorAux1)) = m.Aux1
	*(*uint32)(unsafe.Add(tok, mirrorAux2)) = m.Aux2
}

// refreshMsgMirror rewrites the mirror of the live message token tok from
// its message; anything else is ignored.
func refreshMsgMirror(tok unsafe.Pointer) {
	if m, err := lookupMsg(tok); err == nil {
		writeMsgMirror(tok, m)
	}
}
