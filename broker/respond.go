package broker

import (
	"errors"
	"io"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// structural is the set of flags that follow the message parts.
const structural = msg.FlagTopic | msg.FlagPayload | msg.FlagRoute

// brokerRolemask is the rolemask the broker stamps on messages it creates
// itself (OWNER|LOCAL), as observed on every broker response.
const brokerRolemask = msg.RoleOwner | msg.RoleLocal

// derive builds a response to req the way flux_response_derive does: the
// request's flags (STREAMING, UPSTREAM, ...), topic, route stack and
// matchtag are kept, the payload dropped. Credentials are the broker's.
func (b *Broker) derive(req *msg.Message, errnum syscall.Errno) *msg.Message {
	r := req.Copy(false)
	r.SetType(msg.TypeResponse)
	r.Aux1 = uint32(errnum)
	r.Aux2 = req.Aux2
	r.Userid = b.owner
	r.Rolemask = brokerRolemask
	return r
}

// respond answers a request that reached a broker-resident service: a
// success with an optional JSON/string payload. NORESPONSE requests get
// nothing, as with flux_respond.
func (b *Broker) respond(req *msg.Message, payload string, hasPayload bool) {
	if req.Flags&msg.FlagNoResponse != 0 {
		return
	}
	r := b.derive(req, 0)
	if hasPayload {
		r.SetString(payload)
	}
	b.brokerResponse(r)
}

// respondError answers with errnum and an optional error text (empty
// means none). NORESPONSE requests get nothing.
func (b *Broker) respondError(req *msg.Message, errnum syscall.Errno, text string) {
	if req.Flags&msg.FlagNoResponse != 0 {
		return
	}
	if errnum == 0 {
		errnum = syscall.EINVAL
	}
	r := b.derive(req, errnum)
	if text != "" {
		r.SetString(text)
	}
	b.brokerResponse(r)
}

// moduleRespond is how connector-local answers the requests it handles
// itself (event.subscribe/unsubscribe, service.add/remove): a fresh
// response with the request's topic and matchtag, flags TOPIC|ROUTE,
// userid unknown and rolemask OWNER, no payload. It is sent even when the
// request asked for no response.
func (b *Broker) moduleRespond(c *conn, req *msg.Message, errnum syscall.Errno) {
	r, _ := msg.New(msg.TypeResponse)
	r.SetTopic(req.Topic)
	r.EnableRoute()
	r.Rolemask = msg.RoleOwner
	r.Aux1 = uint32(errnum)
	r.Aux2 = req.Aux2
	c.sendLocked(r)
}

// isQuietError reports errors connector-local does not log when a client
// goes away.
func isQuietError(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.EPROTO) || errors.Is(err, io.EOF)
}
