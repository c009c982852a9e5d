// Package broker is a stand-in for a one-rank flux-core 0.88 broker, as
// seen through its local:// socket. It exists for tests, CI and demos of
// this module: it speaks the same wire protocol, authenticates connections
// the way flux-core's connector-local module does, and answers the handful
// of broker services a client library exercises (attr.*, broker.ping,
// state-machine.*, event.*, service.*, log.append), with the payloads,
// flags, credentials and error texts a real 0.88 broker produces.
//
// It is not a broker. There is no overlay, no modules, no KVS, no job
// manager and no configuration; anything beyond the services above gets the
// errors a real broker gives for services that are missing. Production use
// is always against flux-core's own broker (flux start, or a system
// instance); nothing in this package is meant to replace it.
//
// Besides the protocol, a Broker offers fault injection for tests: dropping
// connections, restarting the listener, holding or corrupting responses,
// refusing authentication and writing raw bytes to a client.
package broker
