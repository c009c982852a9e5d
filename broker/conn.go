package broker

import (
	"net"

	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// outItem is one unit of bytes queued for a client. closeAfter makes the
// writer hang up once the bytes are written (used by fault injection).
type outItem struct {
	data       []byte
	closeAfter bool
}

// conn is one authenticated client connection. Its fields are guarded by
// Broker.mu; out is safe on its own.
type conn struct {
	b        *Broker
	nc       *net.UnixConn
	uuid     string
	userid   uint32
	rolemask uint32
	pid      int32

	dead    bool
	subs    map[string]int          // subscription prefix -> refcount
	dcon    map[string]*msg.Message // disconnect key -> prepared message
	dorder  []string                // disconnect keys in arming order
	rxcount int                     // messages received from the client
	txcount int                     // messages sent to the client

	out *stream.QueueWriter
}

// newConn creates the state for an accepted connection and starts its
// writer.
func newConn(b *Broker, nc *net.UnixConn, id string, uid, rolemask uint32, pid int32) *conn {
	c := &conn{
		b:        b,
		nc:       nc,
		uuid:     id,
		userid:   uid,
		rolemask: rolemask,
		pid:      pid,
		subs:     make(map[string]int),
		dcon:     make(map[string]*msg.Message),
	}
	// A failed write, or a hang-up fault injection asked for, ends the
	// connection.
	c.out = stream.NewQueueWriter(nc, func(err error) {
		b.mu.Lock()
		b.dropLocked(c, err)
		b.mu.Unlock()
	})
	return c
}

// isOwner reports whether the connection has the OWNER role.
func (c *conn) isOwner() bool { return c.rolemask&msg.RoleOwner != 0 }

// start launches the reader (the writer runs from newConn on).
func (c *conn) start() {
	go c.readLoop()
}

// readLoop decodes messages from the client and hands them to the router.
// Any read or decode error ends the connection, as in connector-local.
func (c *conn) readLoop() {
	r := stream.NewReader(c.nc)
	for {
		m, err := r.ReadMessage()
		c.b.mu.Lock()
		if c.dead {
			c.b.mu.Unlock()
			return
		}
		if err != nil {
			c.b.dropLocked(c, err)
			c.b.mu.Unlock()
			return
		}
		c.b.fromClient(c, m)
		c.b.mu.Unlock()
	}
}

// enqueue queues bytes for the client; it never blocks.
func (c *conn) enqueue(it outItem) {
	c.out.Write(it.data, it.closeAfter)
}

// shutdown closes the socket and stops the writer, discarding anything
// still queued.
func (c *conn) shutdown() {
	c.out.Abort()
	c.nc.Close()
}

// sendLocked encodes m and queues it for the client, applying any
// response fault that matches. The caller holds Broker.mu.
func (c *conn) sendLocked(m *msg.Message) {
	if c.dead {
		return
	}
	if m.Type == msg.TypeEvent && !eventVisible(c, m) {
		return
	}
	if m.Type == msg.TypeResponse && c.b.faults.intercept(c, m) {
		return
	}
	buf, err := stream.AppendFrame(nil, m)
	if err != nil {
		c.b.debugf("client=%.5s: encode %s: %v", c.uuid, m.Topic, err)
		return
	}
	c.txcount++
	c.enqueue(outItem{data: buf})
}

// dropLocked ends a connection: the socket is closed, disconnect
// notifications go to the services the client used, its service
// registrations and subscriptions are removed. cause is the error that
// ended it (nil when the broker hung up). The caller holds Broker.mu.
func (b *Broker) dropLocked(c *conn, cause error) {
	if c.dead {
		return
	}
	c.dead = true
	if cause != nil && !isQuietError(cause) {
		b.debugf("client=%.5s userid=%d: %v", c.uuid, c.userid, cause)
	}
	c.shutdown()
	delete(b.conns, c.uuid)
	for i, o := range b.order {
		if o == c {
			b.order = append(b.order[:i], b.order[i+1:]...)
			break
		}
	}
	b.fireDisconnect(c)
	b.dropServices(c)
	c.subs = nil
}
