// Package relay serves one Flux client over a byte stream (normally the
// standard input and output of a process started by the ssh:// connector)
// and relays its messages to a broker's local socket, as flux-core 0.88's
// `flux relay PATH` does.
//
// The client side speaks the local-socket protocol: the relay sends the
// auth byte 0 and then framed messages flow both ways. Towards the broker
// the relay behaves like flux-core's message router (librouter): every
// message from the client is stamped with the relay's userid and no roles
// (so the broker gives it the roles of the relay's own connection), a
// request gets the client's UUID pushed on its route stack, and responses
// coming back have it popped again. event.subscribe/unsubscribe and
// service.add/remove are handled by the relay itself, and requests for a
// service the client registered are passed to it. When the client goes
// away, the relay sends the disconnect notifications of the requests it
// forwarded and unregisters the client's services.
package relay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// Options adjusts a relay session. The zero value is what `flux relay`
// does.
type Options struct {
	// Userid is stamped on every message from the client; nil means the
	// process's real uid.
	Userid *uint32
}

// OpenError is returned by Run when local://PATH cannot be opened.
type OpenError struct {
	// URI is the local:// URI that was opened.
	URI string
	// Err is the error of the open.
	Err error
}

// Error reads "<uri>: <strerror>", the line flux relay prints.
func (e *OpenError) Error() string {
	return e.URI + ": " + fluxrt.StrError(fluxrt.ErrnoOf(e.Err))
}

// Unwrap returns the open error.
func (e *OpenError) Unwrap() error { return e.Err }

// BrokerError is returned by Run when the connection to the broker fails
// (for example, the broker went away).
type BrokerError struct {
	// Err is the error receiving from or sending to the broker.
	Err error
}

// Error reads "flux_reactor_run: <strerror>", the line flux relay prints.
func (e *BrokerError) Error() string {
	return "flux_reactor_run: " + fluxrt.StrError(fluxrt.ErrnoOf(e.Err))
}

// Unwrap returns the broker connection error.
func (e *BrokerError) Unwrap() error { return e.Err }

// ClientError is returned by Run when the client connection ended with an
// error other than a plain disconnect (a protocol error, a failed write).
// flux relay logs it and still exits successfully.
type ClientError struct {
	// Err is the client I/O error.
	Err error
}

// Error reads "client error: <strerror>".
func (e *ClientError) Error() string {
	return "client error: " + fluxrt.StrError(fluxrt.ErrnoOf(e.Err))
}

// Unwrap returns the client I/O error.
func (e *ClientError) Unwrap() error { return e.Err }

// Run opens local://path, sends the auth byte 0 on out and relays until
// the client disconnects (nil, or a *ClientError) or the broker connection
// fails (*BrokerError). An open failure is an *OpenError and nothing is
// written to out. If in has SetReadDeadline (a pipe or socket *os.File, a
// net.Conn), a pending read is interrupted when the broker side ends.
func Run(path string, in io.Reader, out io.Writer, opts Options) error {
	uri := "local://" + path
	h, err := fluxrt.Open(&uri, 0)
	if err != nil {
		return &OpenError{URI: uri, Err: err}
	}
	defer h.Close()
	uid := uint32(os.Getuid())
	if opts.Userid != nil {
		uid = *opts.Userid
	}
	return serve(h, in, out, uid)
}

// inbound is one message (or the terminating error) from a reader goroutine.
type inbound struct {
	m   *msg.Message
	err error
}

// service is one service the client registered (servhash entry).
type service struct {
	addReq    *msg.Message // the client's service.add request
	addDone   bool         // the broker answered service.add
	live      bool         // the broker accepted it
	removing  bool         // service.remove was sent to the broker
	removeReq *msg.Message
}

// session is the relay state; only the serve goroutine touches it.
type session struct {
	h      *fluxrt.Handle
	uuid   string
	userid uint32
	out    *stream.QueueWriter // frames to the client, never blocking
	failed chan error          // the first failed write to the client

	fromBroker <-chan inbound
	deferred   []*msg.Message // broker messages set aside by a blocking RPC

	subs     map[string]int          // the client's subscriptions, refcounted
	services map[string]*service     // by name
	pending  map[uint32]func(rc int) // relay RPCs by matchtag
	dconKeys []string                // disconnect keys in arming order
	dcon     map[string]*msg.Message // disconnect message by key
}

func serve(h *fluxrt.Handle, in io.Reader, out io.Writer, uid uint32) error {
	if err := stream.WriteAuth(out, 0); err != nil {
		return &ClientError{Err: err}
	}
	s := &session{
		h:        h,
		uuid:     uuid.NewString(),
		userid:   uid,
		failed:   make(chan error, 1),
		subs:     map[string]int{},
		services: map[string]*service{},
		pending:  map[uint32]func(int){},
		dcon:     map[string]*msg.Message{},
	}
	s.out = stream.NewQueueWriter(out, func(err error) { s.failed <- err })
	defer s.out.Close(flushWait)

	clientCh := make(chan inbound, 16)
	stopClient := make(chan struct{})
	clientDone := make(chan struct{})
	go func() {
		defer close(clientDone)
		r := stream.NewReader(in)
		for {
			m, err := r.ReadMessage()
			select {
			case clientCh <- inbound{m, err}:
			case <-stopClient:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		close(stopClient)
		if d, ok := in.(interface{ SetReadDeadline(time.Time) error }); ok {
			_ = d.SetReadDeadline(time.Unix(1, 0))
			<-clientDone
		}
	}()

	brokerCh := make(chan inbound, 16)
	stopBroker := make(chan struct{})
	go func() {
		for {
			m, err := h.Recv(fluxrt.Match{}, 0)
			select {
			case brokerCh <- inbound{m, err}:
			case <-stopBroker:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	// The receiving goroutine ends when it next delivers, or when the
	// caller closes h (Recv then fails).
	defer close(stopBroker)
	s.fromBroker = brokerCh

	for {
		for len(s.deferred) > 0 {
			m := s.deferred[0]
			s.deferred = s.deferred[1:]
			s.brokerMessage(m)
		}
		select {
		case c := <-clientCh:
			if c.err != nil {
				s.disconnect()
				if fluxrt.ErrnoOf(c.err) == syscall.ECONNRESET {
					return nil
				}
				return &ClientError{Err: c.err}
			}
			if err := s.clientMessage(c.m); err != nil {
				return err
			}
		case b := <-brokerCh:
			if b.err != nil {
				return &BrokerError{Err: b.err}
			}
			s.brokerMessage(b.m)
		case err := <-s.failed:
			s.disconnect()
			if errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
				return nil
			}
			return &ClientError{Err: err}
		}
	}
}

// toBroker sends m to the broker. As in flux-core, a failed send only
// loses the message: a broken connection ends the session through the
// receiving side.
func (s *session) toBroker(m *msg.Message) {
	_ = s.h.Send(m, 0)
}

// clientMessage handles one message from the client (router_entry_recv).
func (s *session) clientMessage(m *msg.Message) error {
	m.Userid, m.Rolemask = s.userid, msg.RoleNone
	if !m.HasTopic() {
		return nil
	}
	switch m.Type {
	case msg.TypeRequest:
		switch m.Topic {
		case "event.subscribe":
			return s.subscribe(m)
		case "event.unsubscribe":
			return s.unsubscribe(m)
		case "service.add":
			return s.serviceAdd(m)
		case "service.remove":
			return s.serviceRemove(m)
		}
		m.EnableRoute()
		_ = m.PushRoute(s.uuid)
		if s.armDisconnect(m) {
			s.toBroker(m)
		}
	case msg.TypeEvent, msg.TypeResponse:
		s.toBroker(m)
	}
	return nil
}

// respond answers a client request from the relay itself: no payload,
// rolemask OWNER, the request's topic and matchtag.
func (s *session) respond(req *msg.Message, errnum int) {
	r, _ := msg.New(msg.TypeResponse)
	r.SetTopic(req.Topic)
	r.EnableRoute()
	r.Aux1 = uint32(errnum)
	r.Aux2 = req.Matchtag()
	r.Rolemask = msg.RoleOwner
	_ = s.out.Send(r)
}

// requestString unpacks the string member key of a request's JSON object
// payload; anything else is EPROTO.
func requestString(m *msg.Message, key string) (string, bool) {
	p, ok, err := m.String()
	if err != nil || !ok {
		return "", false
	}
	var obj map[string]any
	if json.Unmarshal([]byte(p), &obj) != nil {
		return "", false
	}
	v, ok := obj[key].(string)
	return v, ok
}

func (s *session) subscribe(m *msg.Message) error {
	topic, ok := requestString(m, "topic")
	if !ok {
		s.respond(m, int(syscall.EPROTO))
		return nil
	}
	if s.subs[topic] == 0 {
		rc, err := s.rpcSync("event.subscribe", topic)
		if err != nil {
			return err
		}
		if rc != 0 {
			s.respond(m, rc)
			return nil
		}
	}
	s.subs[topic]++
	s.respond(m, 0)
	return nil
}

func (s *session) unsubscribe(m *msg.Message) error {
	topic, ok := requestString(m, "topic")
	if !ok {
		s.respond(m, int(syscall.EPROTO))
		return nil
	}
	n := s.subs[topic]
	if n == 0 {
		s.respond(m, int(syscall.ENOENT))
		return nil
	}
	if n == 1 {
		rc, err := s.rpcSync("event.unsubscribe", topic)
		if err != nil {
			return err
		}
		if rc != 0 {
			s.respond(m, rc)
			return nil
		}
		delete(s.subs, topic)
	} else {
		s.subs[topic] = n - 1
	}
	s.respond(m, 0)
	return nil
}

// rpcSync sends the relay's own event.(un)subscribe request and waits for
// its response, setting aside other broker messages until then. It
// returns the response's errnum; a broker connection failure is an error.
func (s *session) rpcSync(topic, subTopic string) (int, error) {
	req, _ := msg.New(msg.TypeRequest)
	req.SetTopic(topic)
	payload, _ := fluxrt.JSONPayload(map[string]string{"topic": subTopic})
	req.SetPayload(payload)
	tag := s.h.MatchtagAlloc()
	if tag == fluxrt.MatchtagNone {
		return int(syscall.EAGAIN), nil
	}
	defer s.h.MatchtagFree(tag)
	req.Aux2 = tag
	if err := s.h.Send(req, 0); err != nil {
		return 0, &BrokerError{Err: err}
	}
	for in := range s.fromBroker {
		if in.err != nil {
			return 0, &BrokerError{Err: in.err}
		}
		m := in.m
		if m.Type == msg.TypeResponse && len(m.Routes) == 0 && m.Matchtag() == tag {
			return int(m.Errnum()), nil
		}
		s.deferred = append(s.deferred, m)
	}
	return 0, &BrokerError{Err: syscall.ECONNRESET}
}

// rpcAsync sends req as the relay's own RPC and calls done with the
// response's errnum when it arrives.
func (s *session) rpcAsync(req *msg.Message, done func(rc int)) error {
	tag := s.h.MatchtagAlloc()
	if tag == fluxrt.MatchtagNone {
		return syscall.EAGAIN
	}
	req.Aux1 = msg.NodeIDAny
	req.Aux2 = tag
	if err := s.h.Send(req, 0); err != nil {
		s.h.MatchtagFree(tag)
		return err
	}
	if done != nil {
		s.pending[tag] = done
	}
	return nil
}

// clearRoutes copies a request with its route stack emptied.
func clearRoutes(m *msg.Message) *msg.Message {
	c := m.Copy(true)
	c.Routes = nil
	return c
}

func (s *session) serviceAdd(m *msg.Message) error {
	name, ok := requestString(m, "service")
	if !ok {
		s.respond(m, int(syscall.EPROTO))
		return nil
	}
	if _, dup := s.services[name]; dup {
		s.respond(m, int(syscall.EEXIST))
		return nil
	}
	sv := &service{addReq: m}
	err := s.rpcAsync(clearRoutes(m), func(rc int) {
		sv.addDone = true
		if rc == 0 {
			sv.live = true
		}
		s.respond(sv.addReq, rc)
		if rc != 0 {
			delete(s.services, name)
		}
	})
	if err != nil {
		s.respond(m, int(fluxrt.ErrnoOf(err)))
		return nil
	}
	s.services[name] = sv
	return nil
}

func (s *session) serviceRemove(m *msg.Message) error {
	name, ok := requestString(m, "service")
	if !ok {
		s.respond(m, int(syscall.EPROTO))
		return nil
	}
	sv := s.services[name]
	if sv == nil || sv.removing {
		s.respond(m, int(syscall.ENOENT))
		return nil
	}
	sv.removing, sv.removeReq = true, m
	err := s.rpcAsync(clearRoutes(m), func(rc int) {
		if rc == 0 {
			sv.live = false
		}
		s.respond(sv.removeReq, rc)
		delete(s.services, name)
	})
	if err != nil {
		delete(s.services, name)
		s.respond(m, int(fluxrt.ErrnoOf(err)))
	}
	return nil
}

// disconnectTopic is "<service>.disconnect" for a request topic (the part
// before its last '.'), or "disconnect" when it has no '.'.
func disconnectTopic(topic string) string {
	for i := len(topic) - 1; i >= 0; i-- {
		if topic[i] == '.' {
			return topic[:i] + ".disconnect"
		}
	}
	return "disconnect"
}

// maxDisconnectTopic is the longest disconnect topic flux-core's router
// can build; a request needing a longer one is dropped.
const maxDisconnectTopic = 255

// armDisconnect records the disconnect notification a request will need
// when the client goes away. It reports false when the request must be
// dropped (its disconnect topic is too long).
func (s *session) armDisconnect(m *msg.Message) bool {
	if m.HasFlag(msg.FlagNoResponse) {
		return true
	}
	dt := disconnectTopic(m.Topic)
	if len(dt) > maxDisconnectTopic {
		return false
	}
	up := 0
	if m.HasFlag(msg.FlagUpstream) {
		up = int(msg.FlagUpstream)
	}
	key := fmt.Sprintf("%s:%d:%d", dt, m.Nodeid(), up)
	if _, ok := s.dcon[key]; ok {
		return true
	}
	d := m.Copy(false)
	d.SetTopic(dt)
	d.Flags |= msg.FlagNoResponse
	s.dcon[key] = d
	s.dconKeys = append(s.dconKeys, key)
	return true
}

// disconnect sends the client's disconnect notifications and unregisters
// its services at the broker, without waiting for answers. Subscriptions
// are left to the broker, which drops them when the relay disconnects.
func (s *session) disconnect() {
	for _, k := range s.dconKeys {
		_ = s.h.Send(s.dcon[k], 0)
	}
	s.dconKeys, s.dcon = nil, map[string]*msg.Message{}
	for name, sv := range s.services {
		if (!sv.live && !sv.addDone) || (sv.live && !sv.removing) {
			r := clearRoutes(sv.addReq)
			r.SetTopic("service.remove")
			_ = s.rpcAsync(r, nil)
		}
		delete(s.services, name)
	}
}

// brokerMessage handles one message from the broker.
func (s *session) brokerMessage(m *msg.Message) {
	switch m.Type {
	case msg.TypeResponse:
		if len(m.Routes) == 0 {
			if done, ok := s.pending[m.Matchtag()]; ok {
				delete(s.pending, m.Matchtag())
				s.h.MatchtagFree(m.Matchtag())
				done(int(m.Errnum()))
			}
			return
		}
		if id, err := m.PopRoute(); err != nil || id != s.uuid {
			return
		}
		_ = s.out.Send(m)
	case msg.TypeEvent:
		if !m.HasTopic() {
			return
		}
		for prefix := range s.subs {
			if strings.HasPrefix(m.Topic, prefix) {
				_ = s.out.Send(m)
				return
			}
		}
	case msg.TypeRequest:
		// A client's service is the first word of the topic.
		if svc, _, _ := strings.Cut(m.Topic, "."); m.HasTopic() && s.services[svc] != nil {
			_ = s.out.Send(m)
			return
		}
		if r, err := fluxrt.ResponseDerive(m, int(syscall.ENOSYS)); err == nil {
			_ = s.h.Send(r, 0)
		}
	}
}

// flushWait bounds how long the end of a session waits for frames still
// queued for the client to be written.
const flushWait = 2 * time.Second
