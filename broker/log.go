package broker

import (
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// maxLogs bounds the log.append payloads kept for LogMessages.
const maxLogs = 1024

// logMethods are the log service's handlers. Only append is provided; like
// the real one it admits the owner only.
var logMethods = map[string]method{
	"append": {fn: (*Broker).logAppend},
}

// logAppend stores a log.append payload (raw RFC 5424-style text). It is
// answered only when the request has a matchtag, as flux_log sends none.
func (b *Broker) logAppend(m *msg.Message) {
	line := string(m.Payload)
	b.logs = append(b.logs, line)
	if len(b.logs) > maxLogs {
		b.logs = b.logs[len(b.logs)-maxLogs:]
	}
	b.debugf("log: %s", line)
	if m.Aux2 != msg.MatchtagNone {
		b.respond(m, "", false)
	}
}
