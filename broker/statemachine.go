package broker

import (
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Broker states as state-machine.monitor numbers them. The stand-in is
// always in stateRun.
const (
	stateRun  = 5
	stateExit = 11
)

// pendingMonitor is a streaming state-machine.monitor request waiting for
// a state the stand-in never reaches (it never shuts down by itself).
type pendingMonitor struct {
	req *msg.Message
}

// stateMachineMethods are the state-machine service's handlers.
var stateMachineMethods = map[string]method{
	"wait":       {fn: (*Broker).smWait, allow: msg.RoleUser},
	"get":        {fn: (*Broker).smGet, allow: msg.RoleUser},
	"monitor":    {fn: (*Broker).smMonitor},
	"disconnect": {fn: (*Broker).smDisconnect},
}

// smWait answers at once with an empty success: the broker is in RUN.
func (b *Broker) smWait(m *msg.Message) { b.respond(m, "", false) }

// smGet answers {"state":"run","duration":<seconds since start>}.
func (b *Broker) smGet(m *msg.Message) {
	d := time.Since(b.started).Seconds()
	b.respond(m, compact(jObj("state", jStr("run"), "duration", jFlt(d))), true)
}

// smMonitor reports the current state. {"final":N} (default: exit) bounds
// a streaming request: it ends with ENODATA once the state reaches final,
// or at once if the state is already past it. A non-streaming request gets
// a single state response.
func (b *Broker) smMonitor(m *msg.Message) {
	final := int64(stateExit)
	if o, errno := requestObject(m); errno == 0 {
		if f, ok := o.getInt("final"); ok {
			final = f
		}
	}
	if stateRun > final {
		b.respondError(m, syscall.ENODATA, "")
		return
	}
	b.respond(m, compact(jObj("state", jNum(stateRun))), true)
	if m.Flags&msg.FlagStreaming == 0 {
		return
	}
	if final == stateRun {
		b.respondError(m, syscall.ENODATA, "")
		return
	}
	b.monitors = append(b.monitors, &pendingMonitor{req: m})
}

// smDisconnect forgets the pending monitor requests of a departed client.
func (b *Broker) smDisconnect(m *msg.Message) {
	if len(m.Routes) == 0 {
		return
	}
	sender := m.Routes[0]
	kept := b.monitors[:0]
	for _, p := range b.monitors {
		if len(p.req.Routes) == 0 || p.req.Routes[0] != sender {
			kept = append(kept, p)
		}
	}
	b.monitors = kept
}
