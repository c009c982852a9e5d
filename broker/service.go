package broker

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// clientService is a service registered by a client with service.add.
type clientService struct {
	name  string
	owner *conn
}

// serviceAdd handles service.add {"service":s} for c. connector-local
// refuses a name any of its clients holds (EEXIST); the broker then checks
// that a guest uses its "<uid>-" prefix (EPERM), that the name has no '.'
// (EINVAL) and is not one of its own services (EEXIST). The answer comes
// from connector-local: errno only, no text.
func (b *Broker) serviceAdd(c *conn, m *msg.Message) {
	name, errno := requestString(m, "service")
	if errno != 0 {
		b.moduleRespond(c, m, errno)
		return
	}
	if _, taken := b.services[name]; taken {
		b.moduleRespond(c, m, syscall.EEXIST)
		return
	}
	if errno := b.serviceAllow(m, name); errno != 0 {
		b.moduleRespond(c, m, errno)
		return
	}
	if strings.Contains(name, ".") {
		b.moduleRespond(c, m, syscall.EINVAL)
		return
	}
	if _, builtin := builtins[name]; builtin {
		b.moduleRespond(c, m, syscall.EEXIST)
		return
	}
	b.services[name] = &clientService{name: name, owner: c}
	b.moduleRespond(c, m, 0)
}

// serviceAllow is the broker's check on service.add/remove credentials:
// the service handler admits OWNER and USER roles, and a non-owner may only
// use names starting with "<userid>-".
func (b *Broker) serviceAllow(m *msg.Message, name string) syscall.Errno {
	if m.Rolemask&(msg.RoleOwner|msg.RoleUser) == 0 {
		return syscall.EPERM
	}
	if m.Rolemask&msg.RoleOwner != 0 {
		return 0
	}
	if strings.HasPrefix(name, strconv.FormatUint(uint64(m.Userid), 10)+"-") {
		return 0
	}
	return syscall.EPERM
}

// serviceRemove handles service.remove {"service":s}: only the connection
// that registered a name may remove it (else ENOENT). The registration is
// dropped even when the broker's credential check fails, as in flux-core.
func (b *Broker) serviceRemove(c *conn, m *msg.Message) {
	name, errno := requestString(m, "service")
	if errno != 0 {
		b.moduleRespond(c, m, errno)
		return
	}
	s, ok := b.services[name]
	if !ok || s.owner != c {
		b.moduleRespond(c, m, syscall.ENOENT)
		return
	}
	delete(b.services, name)
	b.moduleRespond(c, m, b.serviceAllow(m, name))
}

// dropServices removes every registration of a departed connection.
func (b *Broker) dropServices(c *conn) {
	for name, s := range b.services {
		if s.owner == c {
			delete(b.services, name)
		}
	}
}

// toClientService hands a request to the client providing the service.
// connector-local only matches "<name>.<anything>"; a bare "<name>" topic
// gets ENOSYS without text.
func (b *Broker) toClientService(s *clientService, m *msg.Message) {
	if !strings.HasPrefix(m.Topic, s.name+".") {
		b.respondError(m, syscall.ENOSYS, "")
		return
	}
	m.PushRoute(b.uuid)
	s.owner.sendLocked(m)
}
