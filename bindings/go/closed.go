package flux

import "errors"

// ErrClosed is the error of every call made on a Handle after its Close
// (and of an RPC still waiting on it when it is closed), wrapped in an
// *Error that names the call ("rpc broker.ping: flux handle is closed");
// Close itself returns it bare. Test for it with errors.Is. It is
// deliberately not an errno: ENOSYS means "no such service" and is worth
// retrying against another broker, a closed handle is not.
var ErrClosed = errors.New("flux handle is closed")

// usable reports why h cannot be used: errNilHandle for a nil handle,
// ErrClosed once Close has been called on it, nil otherwise.
func (h *Handle) usable() error {
	if h == nil || h.rt == nil {
		return errNilHandle
	}
	select {
	case <-h.done:
		return ErrClosed
	default:
		return nil
	}
}
