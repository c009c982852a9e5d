package broker

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Attribute flags. Only attrImmutable is visible to clients (attr.get's
// "flags"); attrRuntime allows attr.set to update an existing value.
const (
	attrImmutable = 0x1
	attrRuntime   = 0x4
)

// registeredAttrs lists the attribute names a flux-core 0.88 broker knows
// and which of them are immutable or runtime-updatable. A trailing ".*"
// matches any suffix. Names that are not here cannot be set.
var registeredAttrs = []struct {
	name  string
	flags int
}{
	{"rank", attrImmutable}, {"size", attrImmutable}, {"version", 0},
	{"rundir", 0}, {"rundir-cleanup", attrImmutable}, {"statedir", 0},
	{"statedir-cleanup", attrImmutable}, {"security.owner", attrImmutable},
	{"local-uri", attrImmutable}, {"parent-uri", attrImmutable},
	{"instance-level", attrImmutable}, {"jobid", attrImmutable},
	{"jobid-path", attrImmutable}, {"parent-kvs-namespace", attrImmutable},
	{"hostlist", attrImmutable}, {"hostname", attrImmutable},
	{"broker.mapping", attrImmutable}, {"broker.critical-ranks", attrImmutable},
	{"broker.boot-method", attrImmutable}, {"broker.pid", attrImmutable},
	{"broker.quorum", attrImmutable}, {"broker.quorum-warn", attrImmutable},
	{"broker.shutdown-warn", attrImmutable}, {"broker.shutdown-timeout", attrImmutable},
	{"broker.cleanup-timeout", 0}, {"broker.unload-builtins-timeout", 0},
	{"broker.rc1_path", 0}, {"broker.rc3_path", 0}, {"broker.rc2_none", 0},
	{"broker.rc2_pgrp", 0}, {"broker.exit-restart", attrRuntime},
	{"broker.module-nopanic", attrRuntime}, {"broker.starttime", attrImmutable},
	{"broker.sd-notify", 0}, {"broker.sd-stop-timeout", attrImmutable},
	{"broker.exit-norestart", 0}, {"broker.recovery-mode", 0},
	{"broker.uuid", attrImmutable}, {"conf.shell_initrc", attrRuntime},
	{"conf.shell_pluginpath", attrRuntime}, {"config.path", attrImmutable},
	{"tbon.topo", 0}, {"tbon.descendants", 0}, {"tbon.level", 0},
	{"tbon.maxlevel", 0}, {"tbon.endpoint", 0}, {"tbon.parent-endpoint", 0},
	{"tbon.zmqdebug", 0}, {"tbon.zmq_io_threads", 0}, {"tbon.child_rcvhwm", 0},
	{"tbon.prefertcp", 0}, {"tbon.interface-hint", attrRuntime | attrImmutable},
	{"tbon.torpid_min", 0}, {"tbon.torpid_max", 0}, {"tbon.tcp_user_timeout", 0},
	{"tbon.connect_timeout", 0},
	{"log-ring-size", attrImmutable}, {"log-forward-level", attrImmutable},
	{"log-critical-level", attrImmutable}, {"log-filename", 0},
	{"log-syslog-enable", attrImmutable}, {"log-syslog-level", attrImmutable},
	{"log-stderr-mode", attrImmutable}, {"log-stderr-level", attrRuntime},
	{"log-level", attrImmutable},
	{"content.backing-module", 0}, {"content.hash", attrImmutable},
	{"content.dump", attrRuntime}, {"content.restore", attrRuntime},
	{"cron.directory", 0},
	{"test.*", attrRuntime}, {"test-ro.*", 0}, {"test-nr.*", 0},
	{"test-im.*", attrImmutable}, {"test-rd.*", attrRuntime},
	{"vendor.*", attrRuntime | attrImmutable}, {"tbon.fanout", 0},
}

// lookupRegistered returns the flags of a registered name or pattern.
func lookupRegistered(name string) (int, bool) {
	for _, r := range registeredAttrs {
		if p, ok := strings.CutSuffix(r.name, "*"); ok {
			if strings.HasPrefix(name, p) {
				return r.flags, true
			}
		} else if r.name == name {
			return r.flags, true
		}
	}
	return 0, false
}

// attrEntry is one attribute present in the table; a nil value is listed
// by attr.list but attr.get reports ENOENT for it.
type attrEntry struct {
	value *string
	flags int
}

// attrTable holds the broker attributes in insertion order.
type attrTable struct {
	names   []string
	entries map[string]*attrEntry
	extra   map[string]int // names registered by Options.Attrs
}

// newAttrTable fills the table with the values a freshly started one-rank
// 0.88 broker reports, then applies overrides.
func newAttrTable(b *Broker, host string, overrides map[string]string) *attrTable {
	t := &attrTable{entries: make(map[string]*attrEntry), extra: make(map[string]int)}
	for name := range overrides {
		if _, ok := lookupRegistered(name); !ok {
			t.extra[name] = attrRuntime
		}
	}
	cleanup := "0"
	if b.ownRundir {
		cleanup = "1"
	}
	defaults := [][2]string{
		{"rank", "0"}, {"size", "1"}, {"version", "0.88.0"},
		{"rundir", b.rundir}, {"rundir-cleanup", cleanup},
		{"security.owner", strconv.FormatUint(uint64(b.owner), 10)},
		{"local-uri", b.URI()}, {"instance-level", "0"}, {"jobid-path", "/"},
		{"hostlist", host}, {"hostname", host},
		{"broker.mapping", "[[0,1,1,1]]"}, {"broker.critical-ranks", "0"},
		{"broker.boot-method", "single"}, {"broker.pid", strconv.Itoa(os.Getpid())},
		{"broker.quorum", "1"}, {"broker.quorum-warn", "1m"},
		{"broker.shutdown-warn", "1m"}, {"broker.shutdown-timeout", "none"},
		{"broker.cleanup-timeout", "none"}, {"broker.unload-builtins-timeout", "1m"},
		{"broker.rc1_path", ""}, {"broker.rc3_path", ""},
		{"broker.starttime", fmt.Sprintf("%.2f", float64(b.started.UnixNano())/1e9)},
		{"broker.sd-stop-timeout", "none"}, {"broker.uuid", b.uuid},
		{"tbon.topo", "kary:32"}, {"tbon.descendants", "0"}, {"tbon.level", "0"},
		{"tbon.maxlevel", "0"}, {"tbon.zmqdebug", "0"}, {"tbon.zmq_io_threads", "1"},
		{"tbon.child_rcvhwm", "0"}, {"tbon.prefertcp", "0"},
		{"tbon.interface-hint", "default-route"}, {"tbon.torpid_min", "5s"},
		{"tbon.torpid_max", "30s"}, {"tbon.tcp_user_timeout", "20s"},
		{"tbon.connect_timeout", "30s"},
		{"log-ring-size", "1024"}, {"log-forward-level", "3"},
		{"log-critical-level", "2"}, {"log-syslog-enable", "0"},
		{"log-syslog-level", "3"}, {"log-stderr-mode", "leader"},
		{"log-stderr-level", "3"}, {"log-level", "7"},
	}
	for _, kv := range defaults {
		v := kv[1]
		if o, ok := overrides[kv[0]]; ok {
			v = o
		}
		t.put(kv[0], &v)
	}
	t.put("parent-uri", nil) // present without a value in a top-level instance
	for name, v := range overrides {
		if _, ok := t.entries[name]; !ok {
			v := v
			t.put(name, &v)
		}
	}
	return t
}

// flagsOf returns the registered flags of name.
func (t *attrTable) flagsOf(name string) (int, bool) {
	if f, ok := t.extra[name]; ok {
		return f, true
	}
	return lookupRegistered(name)
}

// put inserts or replaces an entry without any checks.
func (t *attrTable) put(name string, v *string) {
	if e, ok := t.entries[name]; ok {
		e.value = v
		return
	}
	f, _ := t.flagsOf(name)
	t.entries[name] = &attrEntry{value: v, flags: f}
	t.names = append(t.names, name)
}

// remove deletes an entry.
func (t *attrTable) remove(name string) {
	delete(t.entries, name)
	for i, n := range t.names {
		if n == name {
			t.names = append(t.names[:i], t.names[i+1:]...)
			return
		}
	}
}

// attrMethods are the attr service's handlers: get and list for everyone,
// set and rm for the owner.
var attrMethods = map[string]method{
	"get":  {fn: (*Broker).attrGet, allow: msg.RoleAll},
	"list": {fn: (*Broker).attrList, allow: msg.RoleAll},
	"set":  {fn: (*Broker).attrSet},
	"rm":   {fn: (*Broker).attrRm},
}

// attrGet answers {"name":s} with {"value":s,"flags":i}.
func (b *Broker) attrGet(m *msg.Message) {
	o, errno := requestObject(m)
	if errno != 0 {
		b.respondError(m, errno, "")
		return
	}
	name, ok := o.getString("name")
	if !ok {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	e, ok := b.attrs.entries[name]
	if !ok || e.value == nil {
		b.respondError(m, syscall.ENOENT, "")
		return
	}
	b.respond(m, compact(jObj("value", jStr(*e.value), "flags", jNum(int64(e.flags&attrImmutable)))), true)
}

// attrList answers with {"names":[...]}.
func (b *Broker) attrList(m *msg.Message) {
	arr := &jvalue{kind: jArray}
	for _, n := range b.attrs.names {
		arr.arr = append(arr.arr, jStr(n))
	}
	b.respond(m, compact(jObj("names", arr)), true)
}

// attrSet handles {"name":s,"value":s[,"force":b]}.
func (b *Broker) attrSet(m *msg.Message) {
	o, errno := requestObject(m)
	if errno != 0 {
		b.respondError(m, errno, "")
		return
	}
	name, ok1 := o.getString("name")
	value, ok2 := o.getString("value")
	force, ok3 := o.optBool("force")
	if !ok1 || !ok2 || !ok3 {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	flags, ok := b.attrs.flagsOf(name)
	if !ok {
		b.respondError(m, syscall.ENOENT, "unknown attribute")
		return
	}
	if e, ok := b.attrs.entries[name]; ok {
		if !force && flags&attrRuntime == 0 {
			b.respondError(m, syscall.EINVAL, "attribute may not be updated")
			return
		}
		if e.flags&attrImmutable != 0 {
			b.respondError(m, syscall.EPERM, "")
			return
		}
	}
	b.attrs.put(name, &value)
	b.respond(m, "", false)
}

// attrRm handles {"name":s}: immutable attributes cannot be removed,
// removing an absent one succeeds.
func (b *Broker) attrRm(m *msg.Message) {
	o, errno := requestObject(m)
	if errno != 0 {
		b.respondError(m, errno, "")
		return
	}
	name, ok := o.getString("name")
	if !ok {
		b.respondError(m, syscall.EPROTO, "")
		return
	}
	if e, ok := b.attrs.entries[name]; ok {
		if e.flags&attrImmutable != 0 {
			b.respondError(m, syscall.EPERM, "")
			return
		}
		b.attrs.remove(name)
	}
	b.respond(m, "", false)
}
