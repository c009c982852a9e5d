package broker

import "github.com/fluxgo/fluxgo/runtime/msg"

// stampCred applies connector-local's credential rules to a message
// received from c. A guest connection always gets its own userid and
// rolemask written over whatever the client sent. An owner connection only
// fills in what the client left unset (userid unknown, rolemask none), so
// an owner may impersonate another user, as FLUX_HANDLE_USERID and
// FLUX_HANDLE_ROLEMASK do.
func stampCred(c *conn, m *msg.Message) {
	if !c.isOwner() {
		m.Userid = c.userid
		m.Rolemask = c.rolemask
		return
	}
	if m.Userid == msg.UseridUnknown {
		m.Userid = c.userid
	}
	if m.Rolemask == msg.RoleNone {
		m.Rolemask = c.rolemask
	}
}

// eventVisible reports whether event m may be delivered to c: private
// events reach owner connections and the connection of the user who
// published them only.
func eventVisible(c *conn, m *msg.Message) bool {
	if m.Flags&msg.FlagPrivate == 0 {
		return true
	}
	return c.isOwner() || c.userid == m.Userid
}
