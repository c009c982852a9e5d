package msg

import (
	"fmt"
	"strings"
	"syscall"
)

// typeNames lists the message types in the order their bits are tested by
// TypeString and by the trace prefix.
var typeNames = [...]struct {
	typ    uint8
	name   string
	prefix byte
}{
	{TypeRequest, "request", '>'},
	{TypeResponse, "response", '<'},
	{TypeEvent, "event", 'e'},
	{TypeControl, "control", 'c'},
}

// TypeString names a message type the way flux_msg_typestr does: the bits
// are tested in the order request, response, event, control and the first
// one set wins ("request" for TypeAny), "unknown" when none is set.
func TypeString(t uint8) string {
	for _, e := range typeNames {
		if t&e.typ != 0 {
			return e.name
		}
	}
	return "unknown"
}

// typePrefix is the one-character trace prefix for t, chosen by the same
// bit test as TypeString, '?' when no type bit is set.
func typePrefix(t uint8) byte {
	for _, e := range typeNames {
		if t&e.typ != 0 {
			return e.prefix
		}
	}
	return '?'
}

// routeIDMax is how many bytes of each id RouteString keeps.
const routeIDMax = 8

// shortRouteID is a route id as RouteString shows it: up to its first NUL
// (ids are C strings in flux-core) and at most routeIDMax bytes.
func shortRouteID(id string) string {
	if i := strings.IndexByte(id, 0); i >= 0 {
		id = id[:i]
	}
	if len(id) > routeIDMax {
		id = id[:routeIDMax]
	}
	return id
}

// appendRouteString appends the flux_msg_route_string form of routes.
func appendRouteString(dst []byte, routes []string) []byte {
	for i, id := range routes {
		if i > 0 {
			dst = append(dst, '!')
		}
		dst = append(dst, shortRouteID(id)...)
	}
	return dst
}

// RouteString renders the route stack as flux_msg_route_string does:
// originator first, each id cut to its first 8 bytes, joined with '!'.
// An enabled but empty stack gives ""; a message without FlagRoute (or a
// nil message) is an EPROTO error.
func RouteString(m *Message) (string, error) {
	if m == nil || !m.HasRoute() {
		return "", fmt.Errorf("msg: message has no route stack: %w", syscall.EPROTO)
	}
	if len(m.Routes) == 0 {
		return "", nil
	}
	return string(appendRouteString(nil, m.Routes)), nil
}
