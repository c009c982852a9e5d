package broker

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// The path of a message through the stand-in mirrors the real one:
//
//	client --> connector-local (stamps creds; handles subscribe/unsubscribe
//	and service add/remove; pushes the client UUID on requests)
//	       --> broker (pushes nothing visible on requests to its own
//	           services; routes by nodeid and service name; pushes its UUID
//	           when handing a request to a client-provided service)
//
// Requests seen by broker services carry the route stack
// [client UUID, module UUID]; a request handed to a service client carries
// [caller UUID, module UUID, broker UUID] (3 route frames). Responses
// retrace those hops by popping.

// method is one request handler of a broker-resident service.
type method struct {
	fn    func(b *Broker, m *msg.Message)
	allow uint32 // roles besides OWNER that may call it (0: owner only)
}

// builtinService is a service name the broker itself provides.
type builtinService struct {
	methods map[string]method
	// unmatched, when set, answers requests with no method instead of
	// the dispatcher's "Unknown service method" error.
	unmatched func(b *Broker, m *msg.Message)
}

// builtins maps service names to their handlers. Names without methods
// exist so that they are taken (service.add gets EEXIST) and answer like
// a real broker's service with no such method.
var builtins map[string]*builtinService

func init() {
	builtins = map[string]*builtinService{
		"attr":            {methods: attrMethods},
		"broker":          {methods: brokerMethods},
		"state-machine":   {methods: stateMachineMethods},
		"event":           {methods: eventMethods},
		"service":         {methods: map[string]method{}},
		"log":             {methods: logMethods},
		"connector-local": {methods: connectorMethods, unmatched: connectorUnmatched},
	}
	for _, name := range []string{"overlay", "module", "rexec", "groups", "runat", "config", "shutdown"} {
		builtins[name] = &builtinService{methods: map[string]method{}}
	}
}

// fromClient handles one message received from client c (Broker.mu held).
func (b *Broker) fromClient(c *conn, m *msg.Message) {
	c.rxcount++
	stampCred(c, m)
	if !m.HasTopic() {
		return // connector-local drops messages without a topic
	}
	switch m.Type {
	case msg.TypeRequest:
		switch m.Topic {
		case "event.subscribe":
			b.subscribe(c, m)
			return
		case "event.unsubscribe":
			b.unsubscribe(c, m)
			return
		case "service.add":
			b.serviceAdd(c, m)
			return
		case "service.remove":
			b.serviceRemove(c, m)
			return
		}
		m.EnableRoute()
		m.PushRoute(c.uuid)
		if !c.armDisconnect(m) {
			return // topic too long to arm: silently dropped, as in flux-core
		}
		m.PushRoute(b.modUUID)
		b.routeRequest(m)
	case msg.TypeEvent:
		m.EnableRoute()
		m.PushRoute(b.modUUID)
		m.PushRoute(b.uuid)
		b.publish(m)
	case msg.TypeResponse:
		m.EnableRoute()
		if id, _ := m.PopRoute(); id != b.uuid {
			b.debugf("client=%.5s: response %s with foreign route dropped", c.uuid, m.Topic)
			return
		}
		b.brokerResponse(m)
	}
	// control messages are dropped
}

// routeRequest routes a request that reached the broker (rank 0 of a
// size-1 instance): by nodeid and UPSTREAM flag, then by service name.
func (b *Broker) routeRequest(m *msg.Message) {
	upstream := m.Flags&msg.FlagUpstream != 0
	nodeid := m.Aux1
	switch {
	case upstream && nodeid == 0:
		// rank 0 has no parent
		b.respondError(m, syscall.EHOSTUNREACH, "")
	case upstream || nodeid == msg.NodeIDAny || nodeid == 0:
		b.serviceSend(m)
	default:
		// no such rank in a size-1 instance
		b.respondError(m, syscall.EHOSTUNREACH, "")
	}
}

// serviceName is the topic up to its first '.'.
func serviceName(topic string) string {
	if i := strings.IndexByte(topic, '.'); i >= 0 {
		return topic[:i]
	}
	return topic
}

// noServiceText is the broker's ENOSYS text, cut to 63 bytes like the
// 64-byte buffer it is formatted into.
func noServiceText(topic string) string {
	s := "No service matching " + topic + " is registered"
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}

// serviceSend delivers a request to the service named by its topic.
func (b *Broker) serviceSend(m *msg.Message) {
	name := serviceName(m.Topic)
	if svc, ok := builtins[name]; ok {
		b.callBuiltin(svc, m)
		return
	}
	if cs, ok := b.services[name]; ok {
		b.toClientService(cs, m)
		return
	}
	b.respondError(m, syscall.ENOSYS, noServiceText(m.Topic))
}

// callBuiltin runs the handler for m's method, enforcing its roles the way
// flux-core's message dispatcher does.
func (b *Broker) callBuiltin(svc *builtinService, m *msg.Message) {
	meth, ok := svc.methods[strings.TrimPrefix(m.Topic[len(serviceName(m.Topic)):], ".")]
	if !ok || !strings.Contains(m.Topic, ".") {
		if svc.unmatched != nil {
			svc.unmatched(b, m)
			return
		}
		b.respondError(m, syscall.ENOSYS, fmt.Sprintf("Unknown service method '%s'", m.Topic))
		return
	}
	if m.Rolemask&(meth.allow|msg.RoleOwner) == 0 {
		text := "Request rejected due to insufficient privilege"
		if meth.allow == 0 || meth.allow == msg.RoleOwner {
			text = "Request requires owner credentials"
		}
		b.respondError(m, syscall.EPERM, text)
		return
	}
	meth.fn(b, m)
}

// brokerResponse routes a response whose stack ends with
// [client UUID, module UUID] back to that client.
func (b *Broker) brokerResponse(r *msg.Message) {
	if id, _ := r.PopRoute(); id != b.modUUID {
		return
	}
	id, _ := r.PopRoute()
	c, ok := b.conns[id]
	if !ok {
		return // client gone: dropped
	}
	c.sendLocked(r)
}

// disconnectTopicMax is the size of the buffer flux-core formats a
// disconnect topic into; topics that do not fit cannot be armed.
const disconnectTopicMax = 256

// disconnectTopic turns "a.b.c" into "a.b.disconnect" and "a" into
// "disconnect"; ok is false when the result does not fit.
func disconnectTopic(topic string) (string, bool) {
	var s string
	if i := strings.LastIndexByte(topic, '.'); i >= 0 {
		s = topic[:i] + ".disconnect"
	} else {
		s = "disconnect"
	}
	return s, len(s) < disconnectTopicMax
}

// armDisconnect records, once per (disconnect topic, nodeid, UPSTREAM)
// combination, the request to send when this client goes away. It returns
// false for a request that must be dropped because its disconnect topic
// is too long. NORESPONSE requests are not tracked.
func (c *conn) armDisconnect(m *msg.Message) bool {
	if m.Flags&msg.FlagNoResponse != 0 {
		return true
	}
	dt, ok := disconnectTopic(m.Topic)
	if !ok {
		return false
	}
	key := dt + ":" + strconv.FormatUint(uint64(m.Aux1), 10) + ":" +
		strconv.Itoa(int(m.Flags&msg.FlagUpstream))
	if _, ok := c.dcon[key]; ok {
		return true
	}
	d := m.Copy(false)
	d.SetTopic(dt)
	d.Flags = d.Flags&^msg.FlagStreaming | msg.FlagNoResponse
	c.dcon[key] = d
	c.dorder = append(c.dorder, key)
	return true
}

// fireDisconnect sends the armed disconnect requests of a departed client.
func (b *Broker) fireDisconnect(c *conn) {
	for _, key := range c.dorder {
		d := c.dcon[key]
		d.PushRoute(b.modUUID)
		b.routeRequest(d)
	}
	c.dcon, c.dorder = nil, nil
}
