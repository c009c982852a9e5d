package runtime

import "syscall"

// OptSet sets a connector option on the root (flux_opt_set). Values are
// the bytes of the C value (a uint32 option is 4 native-endian bytes). A
// connector without options, an unknown name or a wrongly sized value give
// EINVAL.
func (h *Handle) OptSet(name string, val []byte) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	c := h.core
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return destroyedErr()
	}
	s, ok := c.conn.(optSetter)
	if !ok {
		return ErrnoError(syscall.EINVAL)
	}
	return s.SetOpt(name, val)
}

// OptGet reads a connector option of the root (flux_opt_get) as size
// bytes of its C value. A connector without options, an unknown name or a
// size that does not match the option give EINVAL.
func (h *Handle) OptGet(name string, size int) ([]byte, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	c := h.core
	c.connMu.RLock()
	defer c.connMu.RUnlock()
	if c.connClosed {
		return nil, destroyedErr()
	}
	g, ok := c.conn.(optGetter)
	if !ok {
		return nil, ErrnoError(syscall.EINVAL)
	}
	return g.GetOpt(name, size)
}
