package runtime

import (
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// This file is flux-core's message accessor API (flux_msg_*) with its
// checks and errno values: getters on the wrong message type fail with
// EPROTO, setters with EINVAL, and a nil message is EINVAL.

func invalidMsg() error { return Errorf(syscall.EINVAL, "invalid message") }

func wrongType(op string) error {
	return Errorf(syscall.EPROTO, "%s: wrong message type", op)
}

// MsgCreate makes a message of the given type (flux_msg_create).
func MsgCreate(typ int) (*msg.Message, error) {
	if typ < 0 || typ > 0xff || !msg.IsValidType(uint8(typ)) {
		return nil, Errorf(syscall.EINVAL, "invalid message type %d", typ)
	}
	return msg.New(uint8(typ))
}

// MsgCopy returns a copy of m, without its payload unless payload is set.
func MsgCopy(m *msg.Message, payload bool) (*msg.Message, error) {
	if m == nil {
		return nil, invalidMsg()
	}
	return m.Copy(payload), nil
}

// MsgGetType returns the message type.
func MsgGetType(m *msg.Message) (int, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	return int(m.Type), nil
}

// MsgSetType changes the type, resetting the per-type fields.
func MsgSetType(m *msg.Message, typ int) error {
	if m == nil || typ < 0 || typ > 0xff || !msg.IsValidType(uint8(typ)) {
		return invalidMsg()
	}
	m.SetType(uint8(typ))
	return nil
}

// MsgSetTopic sets the topic; nil removes it. Control messages have none.
func MsgSetTopic(m *msg.Message, topic *string) error {
	if m == nil || m.Type == msg.TypeControl {
		return invalidMsg()
	}
	if topic == nil {
		m.ClearTopic()
		return nil
	}
	m.SetTopic(*topic)
	return nil
}

// MsgGetTopic returns the topic; EPROTO when there is none.
func MsgGetTopic(m *msg.Message) (string, error) {
	if m == nil {
		return "", invalidMsg()
	}
	if !m.HasTopic() {
		return "", Errorf(syscall.EPROTO, "message has no topic")
	}
	return m.Topic, nil
}

// MsgSetString sets a NUL-terminated string payload; nil removes the
// payload.
func MsgSetString(m *msg.Message, s *string) error {
	if m == nil {
		return invalidMsg()
	}
	if s == nil {
		m.SetPayload(nil)
		return nil
	}
	m.SetString(*s)
	return nil
}

// MsgGetString returns the string payload, nil when there is none; a
// payload that is not a NUL-terminated string is EPROTO.
func MsgGetString(m *msg.Message) (*string, error) {
	if m == nil {
		return nil, invalidMsg()
	}
	s, ok, err := m.String()
	if err != nil {
		return nil, ErrnoError(syscall.EPROTO)
	}
	if !ok {
		return nil, nil
	}
	return &s, nil
}

// MsgSetPayload stores a copy of data as the payload; empty data removes it.
func MsgSetPayload(m *msg.Message, data []byte) error {
	if m == nil {
		return invalidMsg()
	}
	m.SetPayload(append([]byte(nil), data...))
	return nil
}

// MsgHasPayload reports whether m carries a payload (false for nil).
func MsgHasPayload(m *msg.Message) bool { return m != nil && m.HasPayload() }

// MsgSetMatchtag sets the matchtag of a request or response.
func MsgSetMatchtag(m *msg.Message, tag uint32) error {
	if m == nil || (m.Type != msg.TypeRequest && m.Type != msg.TypeResponse) {
		return invalidMsg()
	}
	m.Aux2 = tag
	return nil
}

// MsgGetMatchtag returns the matchtag of a request or response.
func MsgGetMatchtag(m *msg.Message) (uint32, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	if m.Type != msg.TypeRequest && m.Type != msg.TypeResponse {
		return 0, wrongType("get_matchtag")
	}
	return m.Aux2, nil
}

// MsgSetNodeid sets a request's destination; FLUX_NODEID_UPSTREAM is only
// for the RPC layer and is refused.
func MsgSetNodeid(m *msg.Message, nodeid uint32) error {
	if m == nil || m.Type != msg.TypeRequest || nodeid == msg.NodeIDUpstream {
		return invalidMsg()
	}
	m.Aux1 = nodeid
	return nil
}

// MsgGetNodeid returns a request's destination.
func MsgGetNodeid(m *msg.Message) (uint32, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	if m.Type != msg.TypeRequest {
		return 0, wrongType("get_nodeid")
	}
	return m.Aux1, nil
}

// MsgSetErrnum sets a response's error number.
func MsgSetErrnum(m *msg.Message, errnum int) error {
	if m == nil || m.Type != msg.TypeResponse {
		return invalidMsg()
	}
	m.Aux1 = uint32(errnum)
	return nil
}

// MsgGetErrnum returns a response's error number.
func MsgGetErrnum(m *msg.Message) (int, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	if m.Type != msg.TypeResponse {
		return 0, wrongType("get_errnum")
	}
	return int(m.Aux1), nil
}

// MsgSetSeq sets an event's sequence number.
func MsgSetSeq(m *msg.Message, seq uint32) error {
	if m == nil || m.Type != msg.TypeEvent {
		return invalidMsg()
	}
	m.Aux1 = seq
	return nil
}

// MsgGetSeq returns an event's sequence number.
func MsgGetSeq(m *msg.Message) (uint32, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	if m.Type != msg.TypeEvent {
		return 0, wrongType("get_seq")
	}
	return m.Aux1, nil
}

// MsgSetUserid sets the userid credential.
func MsgSetUserid(m *msg.Message, userid uint32) error {
	if m == nil {
		return invalidMsg()
	}
	m.Userid = userid
	return nil
}

// MsgGetUserid returns the userid credential.
func MsgGetUserid(m *msg.Message) (uint32, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	return m.Userid, nil
}

// MsgSetRolemask sets the rolemask credential.
func MsgSetRolemask(m *msg.Message, rolemask uint32) error {
	if m == nil {
		return invalidMsg()
	}
	m.Rolemask = rolemask
	return nil
}

// MsgGetRolemask returns the rolemask credential.
func MsgGetRolemask(m *msg.Message) (uint32, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	return m.Rolemask, nil
}

// MsgSetFlag sets flag bits; bits above 0xff, or NORESPONSE together with
// STREAMING, are EINVAL.
func MsgSetFlag(m *msg.Message, flag int) error {
	if err := checkFlagArg(m, flag); err != nil {
		return err
	}
	m.Flags |= uint8(flag)
	return nil
}

// MsgClearFlag clears flag bits, with MsgSetFlag's checks.
func MsgClearFlag(m *msg.Message, flag int) error {
	if err := checkFlagArg(m, flag); err != nil {
		return err
	}
	m.Flags &^= uint8(flag)
	return nil
}

// MsgHasFlag reports whether every bit of flag is set (false for nil).
func MsgHasFlag(m *msg.Message, flag int) bool {
	return m != nil && flag >= 0 && flag <= 0xff && m.Flags&uint8(flag) == uint8(flag)
}

func checkFlagArg(m *msg.Message, flag int) error {
	both := int(msg.FlagNoResponse | msg.FlagStreaming)
	if m == nil || flag < 0 || flag > 0xff || flag&both == both {
		return invalidMsg()
	}
	return nil
}

// MsgRouteEnable turns routing on (nil is ignored).
func MsgRouteEnable(m *msg.Message) {
	if m != nil {
		m.EnableRoute()
	}
}

// MsgRouteDisable drops the route stack and turns routing off.
func MsgRouteDisable(m *msg.Message) {
	if m != nil {
		m.DisableRoute()
	}
}

// MsgRoutePush pushes id on the route stack; EPROTO without routing.
func MsgRoutePush(m *msg.Message, id string) error {
	if m == nil {
		return invalidMsg()
	}
	if err := m.PushRoute(id); err != nil {
		return ErrnoError(syscall.EPROTO)
	}
	return nil
}

// MsgRouteCount returns the number of routes; EPROTO without routing.
func MsgRouteCount(m *msg.Message) (int, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	if !m.HasRoute() {
		return 0, ErrnoError(syscall.EPROTO)
	}
	return len(m.Routes), nil
}

// MsgEncode returns the RFC 3 encoding of m, which must fit in size bytes.
func MsgEncode(m *msg.Message, size int) ([]byte, error) {
	if m == nil {
		return nil, invalidMsg()
	}
	b, err := msg.Encode(m)
	if err != nil {
		return nil, ErrnoError(ErrnoOf(err))
	}
	if len(b) > size {
		return nil, Errorf(syscall.EINVAL, "buffer too small")
	}
	return b, nil
}

// MsgEncodeTo encodes m into buf (flux_msg_encode without a copy) and
// returns the encoded size; EINVAL when buf is too small.
func MsgEncodeTo(m *msg.Message, buf []byte) (int, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	n := msg.EncodedSize(m)
	if n > len(buf) {
		if _, err := msg.AppendEncode(nil, m); err != nil {
			return 0, ErrnoError(ErrnoOf(err))
		}
		return 0, Errorf(syscall.EINVAL, "buffer too small")
	}
	if _, err := msg.AppendEncode(buf[:0:n], m); err != nil {
		return 0, ErrnoError(ErrnoOf(err))
	}
	return n, nil
}

// MsgEncodeSize returns the size of m's encoding.
func MsgEncodeSize(m *msg.Message) (int, error) {
	if m == nil {
		return 0, invalidMsg()
	}
	return msg.EncodedSize(m), nil
}

// MsgDecode decodes an RFC 3 message.
func MsgDecode(b []byte) (*msg.Message, error) {
	m, err := msg.Decode(b)
	if err != nil {
		return nil, Errorf(ErrnoOf(err), "%s", err.Error())
	}
	return m, nil
}

// MsgCmp reports whether m meets the match criteria (flux_msg_cmp).
func MsgCmp(m *msg.Message, match Match) bool {
	return m != nil && match.Matches(m)
}

// MsgGetPayload returns the payload bytes; EPROTO when there is none.
func MsgGetPayload(m *msg.Message) ([]byte, error) {
	if m == nil {
		return nil, invalidMsg()
	}
	if !m.HasPayload() {
		return nil, Errorf(syscall.EPROTO, "message has no payload")
	}
	if m.Payload == nil {
		return []byte{}, nil
	}
	return m.Payload, nil
}

// MsgSetPrivate marks an event private.
func MsgSetPrivate(m *msg.Message) error {
	if m == nil {
		return invalidMsg()
	}
	m.Flags |= msg.FlagPrivate
	return nil
}

// MsgIsPrivate reports the PRIVATE flag; an invalid message reads as
// private, as in flux-core (the safe answer).
func MsgIsPrivate(m *msg.Message) bool { return m == nil || m.Flags&msg.FlagPrivate != 0 }

// MsgSetStreaming sets STREAMING and clears NORESPONSE.
func MsgSetStreaming(m *msg.Message) error {
	if m == nil {
		return invalidMsg()
	}
	m.Flags = m.Flags&^msg.FlagNoResponse | msg.FlagStreaming
	return nil
}

// MsgIsStreaming reports the STREAMING flag (true for an invalid message).
func MsgIsStreaming(m *msg.Message) bool { return m == nil || m.Flags&msg.FlagStreaming != 0 }

// MsgSetNoresponse sets NORESPONSE and clears STREAMING.
func MsgSetNoresponse(m *msg.Message) error {
	if m == nil {
		return invalidMsg()
	}
	m.Flags = m.Flags&^msg.FlagStreaming | msg.FlagNoResponse
	return nil
}

// MsgIsNoresponse reports the NORESPONSE flag (true for an invalid
// message).
func MsgIsNoresponse(m *msg.Message) bool { return m == nil || m.Flags&msg.FlagNoResponse != 0 }

// MsgIsLocal reports whether the credentials carry FLUX_ROLE_LOCAL.
func MsgIsLocal(m *msg.Message) bool { return m != nil && m.Rolemask&msg.RoleLocal != 0 }

// MsgCmpMatchtag reports whether m is a request or response with that
// matchtag and no routes (a routed message's matchtag belongs to another
// sender).
func MsgCmpMatchtag(m *msg.Message, tag uint32) bool {
	if m == nil || (m.Type != msg.TypeRequest && m.Type != msg.TypeResponse) {
		return false
	}
	return len(m.Routes) == 0 && m.Aux2 == tag
}

// MsgTypestr names a message type: the first of request, response, event,
// control whose bit is set, else "unknown".
func MsgTypestr(typ int) string {
	if typ < 0 || typ > 0xff {
		return "unknown"
	}
	return msg.TypeString(uint8(typ))
}

// MsgRouteClear empties the route stack, keeping routing on.
func MsgRouteClear(m *msg.Message) {
	if m != nil {
		m.Routes = nil
	}
}

// MsgRouteDeleteLast pops the most recent hop; an empty stack is not an
// error; EPROTO when routing is off.
func MsgRouteDeleteLast(m *msg.Message) error {
	if m == nil {
		return invalidMsg()
	}
	if _, err := m.PopRoute(); err != nil {
		return ErrnoError(syscall.EPROTO)
	}
	return nil
}

// MsgRouteFirst returns the originator's route, nil when there is none.
func MsgRouteFirst(m *msg.Message) *string {
	if m == nil || !m.HasRoute() || len(m.Routes) == 0 {
		return nil
	}
	return &m.Routes[0]
}

// MsgRouteLast returns the most recent hop, nil when there is none.
func MsgRouteLast(m *msg.Message) *string {
	if m == nil || !m.HasRoute() || len(m.Routes) == 0 {
		return nil
	}
	return &m.Routes[len(m.Routes)-1]
}

// MsgRouteString joins the routes originator first, each cut to 8
// characters, with '!'; EPROTO when routing is off.
func MsgRouteString(m *msg.Message) (string, error) {
	if m == nil {
		return "", invalidMsg()
	}
	s, err := msg.RouteString(m)
	if err != nil {
		return "", ErrnoError(syscall.EPROTO)
	}
	return s, nil
}

// MsgRouteMatchFirst reports whether two messages have the same
// originator (or both have none).
func MsgRouteMatchFirst(m1, m2 *msg.Message) bool {
	a, b := MsgRouteFirst(m1), MsgRouteFirst(m2)
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// CredAuthorize allows the owner, or a guest whose known userid is
// target; anything else is EPERM (flux_msg_cred_authorize).
func CredAuthorize(userid, rolemask, target uint32) error {
	if rolemask&msg.RoleOwner != 0 {
		return nil
	}
	if rolemask&msg.RoleUser != 0 && userid != msg.UseridUnknown && userid == target {
		return nil
	}
	return ErrnoError(syscall.EPERM)
}

// MsgAuthorize applies CredAuthorize to m's credentials.
func MsgAuthorize(m *msg.Message, target uint32) error {
	if m == nil {
		return invalidMsg()
	}
	return CredAuthorize(m.Userid, m.Rolemask, target)
}

// MsgSprintTS returns what flux_msg_fprint_ts prints for m: the trace
// layout, without a timestamp line when ts < 0.
func MsgSprintTS(m *msg.Message, ts float64) string {
	var b strings.Builder
	msg.FprintTS(&b, m, ts)
	return b.String()
}

// StrErrorText is strerror(errnum) (flux_strerror).
func StrErrorText(errnum int) string { return StrError(syscall.Errno(errnum)) }
