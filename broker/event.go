package broker

import (
	"encoding/base64"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// eventMethods are the event service's handlers (subscribe and
// unsubscribe never get here: connector-local answers them).
var eventMethods = map[string]method{
	"publish": {fn: (*Broker).eventPublish, allow: msg.RoleUser},
}

// subscribe handles event.subscribe {"topic":s} for c: subscriptions are
// prefix strings with a reference count per connection.
func (b *Broker) subscribe(c *conn, m *msg.Message) {
	topic, errno := requestString(m, "topic")
	if errno != 0 {
		b.moduleRespond(c, m, errno)
		return
	}
	c.subs[topic]++
	b.moduleRespond(c, m, 0)
}

// unsubscribe handles event.unsubscribe {"topic":s}; a topic the
// connection does not hold is ENOENT.
func (b *Broker) unsubscribe(c *conn, m *msg.Message) {
	topic, errno := requestString(m, "topic")
	if errno != 0 {
		b.moduleRespond(c, m, errno)
		return
	}
	n, ok := c.subs[topic]
	if !ok {
		b.moduleRespond(c, m, syscall.ENOENT)
		return
	}
	if n <= 1 {
		delete(c.subs, topic)
	} else {
		c.subs[topic] = n - 1
	}
	b.moduleRespond(c, m, 0)
}

// subscribed reports whether any of c's subscriptions is a prefix of topic.
func (c *conn) subscribed(topic string) bool {
	for p := range c.subs {
		if strings.HasPrefix(topic, p) {
			return true
		}
	}
	return false
}

// publish gives ev the next sequence number (shared by raw events and
// event.publish, starting at 1) and delivers it to every subscribed
// connection allowed to see it. It returns the sequence number.
func (b *Broker) publish(ev *msg.Message) uint32 {
	b.seq++
	ev.Aux1 = b.seq
	ev.Aux2 = 0
	for _, c := range b.order {
		if c.subscribed(ev.Topic) {
			c.sendLocked(ev.Copy(true))
		}
	}
	return b.seq
}

// decodeBase64 accepts padded or unpadded standard base64.
func decodeBase64(s string) ([]byte, bool) {
	if d, err := base64.StdEncoding.DecodeString(s); err == nil {
		return d, true
	}
	if d, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return d, true
	}
	return nil, false
}

// eventPublish handles event.publish {"topic":s,"flags":i[,"payload":s]}:
// flags may be 0 or PRIVATE, the payload is base64. The event carries the
// requester's credentials and reaches subscribers before the {"seq":N}
// response.
func (b *Broker) eventPublish(m *msg.Message) {
	o, errno := requestObject(m)
	if errno != 0 {
		b.respondError(m, errno, "")
		return
	}
	topic, ok1 := o.getString("topic")
	flags, ok2 := o.getInt("flags")
	payload, hasPayload := o.getString("payload")
	if _, present := o.vals["payload"]; present && !hasPayload {
		ok2 = false
	}
	if !ok1 || !ok2 || flags&^int64(msg.FlagPrivate) != 0 {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	ev, _ := msg.New(msg.TypeEvent)
	ev.SetTopic(topic)
	ev.Userid, ev.Rolemask = m.Userid, m.Rolemask
	if flags != 0 {
		ev.Flags |= msg.FlagPrivate
	}
	if hasPayload {
		data, ok := decodeBase64(payload)
		if !ok {
			b.respondError(m, syscall.EPROTO, "")
			return
		}
		ev.SetPayload(data)
	}
	ev.EnableRoute()
	ev.PushRoute(b.uuid)
	seq := b.publish(ev)
	b.respond(m, compact(jObj("seq", jNum(int64(seq)))), true)
}
