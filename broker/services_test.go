package broker

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// TestServices sends one request per case on a fresh connection and checks
// the single response (or that none comes).
func TestServices(t *testing.T) {
	owner := ownerUID()
	longSvc := "a.very.long.service.name.that.exceeds.the.buffer.method"
	tooLong := "nosvc." + strings.Repeat("a", 242) + ".a" // last '.' at index 248
	type want struct {
		none     bool // no response at all
		errnum   syscall.Errno
		flags    uint8  // 0: 0x09 without payload, 0x0b with
		payload  string // exact, unless re is set
		re       string
		userid   uint32 // 0: the owner
		rolemask uint32 // 0: OWNER|LOCAL
	}
	guestOpts := Options{Owner: Uid(owner + 1000), AllowGuest: true}
	cases := []struct {
		name   string
		guest  bool
		topic  string
		body   string
		flags  uint8 // extra request flags
		nodeid uint32
		tag    uint32
		noTag  bool
		want   want
	}{
		{name: "attr.get rank", topic: "attr.get", body: `{"name":"rank"}`, want: want{payload: `{"value":"0","flags":1}`}},
		{name: "attr.get size", topic: "attr.get", body: `{"name":"size"}`, want: want{payload: `{"value":"1","flags":1}`}},
		{name: "attr.get instance-level", topic: "attr.get", body: `{"name":"instance-level"}`, want: want{payload: `{"value":"0","flags":1}`}},
		{name: "attr.get local-uri", topic: "attr.get", body: `{"name":"local-uri"}`, want: want{re: `^\{"value":"local://.*/local-0","flags":1\}$`}},
		{name: "attr.get version", topic: "attr.get", body: `{"name":"version"}`, want: want{payload: `{"value":"0.88.0","flags":0}`}},
		{name: "attr.get rundir", topic: "attr.get", body: `{"name":"rundir"}`, want: want{re: `^\{"value":"/.+","flags":0\}$`}},
		{name: "attr.get broker.pid", topic: "attr.get", body: `{"name":"broker.pid"}`, want: want{re: `^\{"value":"[0-9]+","flags":1\}$`}},
		{name: "attr.get broker.uuid", topic: "attr.get", body: `{"name":"broker.uuid"}`, want: want{re: `^\{"value":"[0-9a-f-]{36}","flags":1\}$`}},
		{name: "attr.get hostname", topic: "attr.get", body: `{"name":"hostname"}`, want: want{re: `^\{"value":".+","flags":1\}$`}},
		{name: "attr.get hostlist", topic: "attr.get", body: `{"name":"hostlist"}`, want: want{re: `^\{"value":".+","flags":1\}$`}},
		{name: "attr.get unknown", topic: "attr.get", body: `{"name":"nosuch-attr"}`, want: want{errnum: syscall.ENOENT}},
		{name: "attr.get valueless", topic: "attr.get", body: `{"name":"parent-uri"}`, want: want{errnum: syscall.ENOENT}},
		{name: "attr.get not json", topic: "attr.get", body: `not json`, want: want{errnum: syscall.EPROTO}},
		{name: "attr.get no payload", topic: "attr.get", want: want{errnum: syscall.EPROTO}},
		{name: "attr.get guest", guest: true, topic: "attr.get", body: `{"name":"rank"}`, want: want{payload: `{"value":"0","flags":1}`, userid: owner + 1000}},
		{name: "attr.set immutable", topic: "attr.set", body: `{"name":"rank","value":"3"}`, want: want{errnum: syscall.EINVAL, payload: "attribute may not be updated"}},
		{name: "attr.set immutable forced", topic: "attr.set", body: `{"name":"rank","value":"3","force":true}`, want: want{errnum: syscall.EPERM}},
		{name: "attr.set unknown", topic: "attr.set", body: `{"name":"nosuch","value":"3"}`, want: want{errnum: syscall.ENOENT, payload: "unknown attribute"}},
		{name: "attr.set test", topic: "attr.set", body: `{"name":"test.x","value":"3"}`, want: want{}},
		{name: "attr.set no value", topic: "attr.set", body: `{"name":"test.x"}`, want: want{errnum: syscall.EPROTO}},
		{name: "attr.set guest", guest: true, topic: "attr.set", body: `{"name":"test.x","value":"3"}`, want: want{errnum: syscall.EPERM, payload: "Request requires owner credentials", userid: owner + 1000}},
		{name: "attr.rm immutable", topic: "attr.rm", body: `{"name":"rank"}`, want: want{errnum: syscall.EPERM}},
		{name: "attr.rm absent", topic: "attr.rm", body: `{"name":"test.nothing"}`, want: want{}},
		{name: "attr.list", topic: "attr.list", want: want{re: `^\{"names":\["rank","size",.*"local-uri".*\]\}$`}},
		{name: "attr method unknown", topic: "attr.nosuch", body: `{}`, want: want{errnum: syscall.ENOSYS, payload: "Unknown service method 'attr.nosuch'"}},
		{name: "ping", topic: "broker.ping", body: `{"seq":0,"pad":""}`, want: want{re: fmt.Sprintf(`^\{"seq": 0, "pad": "", "route": "[0-9a-f]{8}![0-9a-f]{8}![0-9a-f]{8}", "userid": %d, "rolemask": 5, "rank": 0\}$`, owner)}},
		{name: "ping impersonated", topic: "broker.ping", body: `{}`, want: want{re: `"userid": 1000, "rolemask": 2, "rank": 0\}$`}},
		{name: "ping guest", guest: true, topic: "broker.ping", body: `{}`, want: want{re: fmt.Sprintf(`"userid": %d, "rolemask": 6, "rank": 0\}$`, owner), userid: owner + 1000}},
		{name: "ping array", topic: "broker.ping", body: `[1]`, want: want{errnum: syscall.ENOMEM}},
		{name: "ping no payload", topic: "broker.ping", want: want{errnum: syscall.EPROTO}},
		{name: "ping noresponse", topic: "broker.ping", body: `{}`, flags: msg.FlagNoResponse, noTag: true, want: want{none: true}},
		{name: "ping rank 5", topic: "broker.ping", body: `{}`, nodeid: 5, want: want{errnum: syscall.EHOSTUNREACH}},
		{name: "ping rank 0", topic: "broker.ping", body: `{}`, nodeid: 0, want: want{re: `"rank": 0\}$`}},
		{name: "ping upstream", topic: "broker.ping", body: `{}`, nodeid: 0, flags: msg.FlagUpstream, want: want{errnum: syscall.EHOSTUNREACH, flags: 0x19}},
		{name: "sm wait", topic: "state-machine.wait", body: `{}`, want: want{}},
		{name: "sm wait guest", guest: true, topic: "state-machine.wait", want: want{userid: owner + 1000}},
		{name: "sm get", topic: "state-machine.get", want: want{re: `^\{"state":"run","duration":[0-9.e-]+\}$`}},
		{name: "sm monitor", topic: "state-machine.monitor", body: `{"final":5}`, want: want{payload: `{"state":5}`}},
		{name: "sm monitor past final", topic: "state-machine.monitor", body: `{"final":3}`, flags: msg.FlagStreaming, want: want{errnum: syscall.ENODATA, flags: 0x49}},
		{name: "sm monitor guest", guest: true, topic: "state-machine.monitor", body: `{"final":5}`, want: want{errnum: syscall.EPERM, payload: "Request requires owner credentials", userid: owner + 1000}},
		{name: "unsubscribe unknown", topic: "event.unsubscribe", body: `{"topic":"never"}`, want: want{errnum: syscall.ENOENT, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "subscribe bad", topic: "event.subscribe", body: `{"topic":1}`, want: want{errnum: syscall.EPROTO, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "subscribe noresponse", topic: "event.subscribe", body: `{"topic":"x"}`, flags: msg.FlagNoResponse, noTag: true, want: want{userid: msg.UseridUnknown, rolemask: 1}},
		{name: "subscribe streaming", topic: "event.subscribe", body: `{"topic":"x"}`, flags: msg.FlagStreaming, want: want{userid: msg.UseridUnknown, rolemask: 1}},
		{name: "publish bad flags", topic: "event.publish", body: `{"topic":"x","flags":1}`, nodeid: 0, want: want{errnum: syscall.EPROTO}},
		{name: "publish bad base64", topic: "event.publish", body: `{"topic":"x","flags":0,"payload":"!!"}`, nodeid: 0, want: want{errnum: syscall.EPROTO}},
		{name: "publish", topic: "event.publish", body: `{"topic":"x","flags":32}`, nodeid: 0, want: want{payload: `{"seq":1}`}},
		{name: "service.add dot", topic: "service.add", body: `{"service":"a.b"}`, want: want{errnum: syscall.EINVAL, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "service.add builtin", topic: "service.add", body: `{"service":"attr"}`, want: want{errnum: syscall.EEXIST, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "service.add missing", topic: "service.add", body: `{}`, want: want{errnum: syscall.EPROTO, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "service.add guest", guest: true, topic: "service.add", body: `{"service":"gsvc"}`, want: want{errnum: syscall.EPERM, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "service.add guest prefix", guest: true, topic: "service.add", body: fmt.Sprintf(`{"service":"%d-svc"}`, owner), want: want{userid: msg.UseridUnknown, rolemask: 1}},
		{name: "service.remove unknown", topic: "service.remove", body: `{"service":"notreg"}`, want: want{errnum: syscall.ENOENT, userid: msg.UseridUnknown, rolemask: 1}},
		{name: "no service", topic: "nosuch.method", body: `{}`, want: want{errnum: syscall.ENOSYS, payload: "No service matching nosuch.method is registered"}},
		{name: "no service truncated", topic: longSvc, want: want{errnum: syscall.ENOSYS, payload: "No service matching a.very.long.service.name.that.exceeds.the.b"}},
		{name: "no service streaming", topic: "nosvc", flags: msg.FlagStreaming, want: want{errnum: syscall.ENOSYS, flags: 0x4b, payload: "No service matching nosvc is registered"}},
		{name: "connector-local unknown", topic: "connector-local.nosuch", want: want{errnum: syscall.ENOSYS}},
		{name: "connector-local stats", topic: "connector-local.stats-get", want: want{re: `^\{"server":\{"clients":\[\{"uuid":"[0-9a-f-]{36}","userid":[0-9]+,.*\],"connects":1\},"allow_guest_user":false,"allow_root_owner":false\}$`}},
		{name: "log.append", topic: "log.append", body: "<48>1 x", noTag: true, want: want{none: true}},
		{name: "log.append tagged", topic: "log.append", body: "<48>1 x", want: want{}},
		{name: "log.append guest", guest: true, topic: "log.append", body: "<48>1 x", noTag: true, want: want{errnum: syscall.EPERM, payload: "Request requires owner credentials", userid: owner + 1000}},
		{name: "topic too long", topic: tooLong, want: want{none: true}},
		{name: "topic too long noresponse", topic: tooLong, flags: msg.FlagNoResponse, noTag: true, want: want{none: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{}
			if tc.guest {
				opts = guestOpts
			}
			b := startBroker(t, opts)
			c := dial(t, b)
			m := request(tc.topic, tc.body)
			if tc.topic == "log.append" {
				m.SetPayload([]byte(tc.body)) // raw, no NUL
			}
			m.Flags |= tc.flags
			if tc.nodeid != 0 || tc.name == "ping rank 0" || tc.name == "ping upstream" || strings.HasPrefix(tc.name, "publish") {
				m.Aux1 = tc.nodeid
			}
			if tc.noTag {
				m.Aux2 = 0
			}
			if tc.name == "ping impersonated" {
				m.Userid, m.Rolemask = 1000, msg.RoleUser
			}
			c.send(m)
			if tc.want.none {
				c.expectNothing()
				return
			}
			r := c.recv()
			w := tc.want
			wflags := w.flags
			if wflags == 0 {
				wflags = 0x09
				if w.payload != "" || w.re != "" {
					wflags = 0x0b
				}
			}
			wuser, wrole := w.userid, w.rolemask
			if wuser == 0 {
				wuser = owner
			}
			if wrole == 0 {
				wrole = msg.RoleOwner | msg.RoleLocal
			}
			if r.Type != msg.TypeResponse || r.Topic != tc.topic || r.Aux2 != m.Aux2 || len(r.Routes) != 0 {
				t.Fatalf("got type %d topic %q matchtag %d routes %v", r.Type, r.Topic, r.Aux2, r.Routes)
			}
			if r.Aux1 != uint32(w.errnum) || r.Flags != wflags || r.Userid != wuser || r.Rolemask != wrole {
				t.Errorf("got errnum %d flags %#x userid %d rolemask %d, want %d %#x %d %d",
					r.Aux1, r.Flags, r.Userid, r.Rolemask, w.errnum, wflags, wuser, wrole)
			}
			got := payloadString(r)
			if w.re != "" {
				if !regexp.MustCompile(w.re).MatchString(got) {
					t.Errorf("payload %q does not match %s", got, w.re)
				}
			} else if got != w.payload {
				t.Errorf("payload %q, want %q", got, w.payload)
			}
			c.expectNothing()
		})
	}
}
