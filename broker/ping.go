package broker

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// brokerMethods are the broker service's handlers. Only ping is provided.
var brokerMethods = map[string]method{
	"ping": {fn: func(b *Broker, m *msg.Message) { b.ping(m, b.uuid) }, allow: msg.RoleUser},
}

// routeString joins route ids originator first, each cut to 8 characters,
// with '!' (flux_msg_route_string).
func routeString(routes []string) string {
	s := ""
	for i, r := range routes {
		if i > 0 {
			s += "!"
		}
		if len(r) > 8 {
			r = r[:8]
		}
		s += r
	}
	return s
}

// ping answers a ping request: the request's JSON object with "route",
// "userid", "rolemask" and "rank" merged in, dumped with jansson's default
// (non-compact) separators. self is the identity appended to the route.
// No payload, or one that is not a JSON object or array, is EPROTO; an
// array is ENOMEM (the merge step fails), as in flux-core.
func (b *Broker) ping(m *msg.Message, self string) {
	s, ok, err := m.String()
	if err != nil || !ok {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	o, perr := parseJSON([]byte(s), false)
	if perr != nil {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	if o.kind != jObject {
		b.respondError(m, syscall.ENOMEM, "")
		return
	}
	route := routeString(m.Routes)
	if len(self) > 8 {
		self = self[:8]
	}
	route += "!" + self
	o.set("route", jStr(route))
	o.set("userid", jNum(int64(m.Userid)))
	o.set("rolemask", jNum(int64(m.Rolemask)))
	o.set("rank", jNum(0))
	b.respond(m, string(appendJSON(nil, o, true)), true)
}

// connectorMethods are the handlers of the (simulated) connector-local
// module's own service.
var connectorMethods = map[string]method{
	"ping":      {fn: func(b *Broker, m *msg.Message) { b.ping(m, b.modUUID) }, allow: msg.RoleUser},
	"stats-get": {fn: (*Broker).connectorStats, allow: msg.RoleUser},
}

// connectorUnmatched answers connector-local requests it has no method
// for: the module looks for a client service and, finding none, answers
// ENOSYS without text.
func connectorUnmatched(b *Broker, m *msg.Message) {
	b.respondError(m, syscall.ENOSYS, "")
}

// connectorStats answers connector-local.stats-get.
func (b *Broker) connectorStats(m *msg.Message) {
	clients := &jvalue{kind: jArray}
	for _, c := range b.order {
		clients.arr = append(clients.arr, jObj(
			"uuid", jStr(c.uuid),
			"userid", jNum(int64(c.userid)),
			"pid", jNum(int64(c.pid)),
			"txcount", jNum(int64(c.rxcount)),
			"rxcount", jNum(int64(c.txcount)),
			"rxbacklog", jNum(0)))
	}
	resp := jObj(
		"server", jObj("clients", clients, "connects", jNum(int64(b.connects))),
		"allow_guest_user", jBool(b.allowGuest),
		"allow_root_owner", jBool(false))
	b.respond(m, compact(resp), true)
}
