package runtime

import "syscall"

// RPCGetString returns the current response's payload as a string
// (flux_rpc_get): nil when the response has no payload; EPROTO when the
// payload is not a NUL-terminated string; EINVAL for a NORESPONSE RPC.
func (f *Future) RPCGetString() (*string, error) {
	m, err := f.RPCGet()
	if err != nil {
		return nil, err
	}
	s, ok, err := m.String()
	if err != nil {
		return nil, ErrnoError(syscall.EPROTO)
	}
	if !ok {
		return nil, nil
	}
	return &s, nil
}

// RPCGetRaw returns the current response's raw payload, nil when it has
// none (flux_rpc_get_raw).
func (f *Future) RPCGetRaw() ([]byte, error) {
	m, err := f.RPCGet()
	if err != nil {
		return nil, err
	}
	if !m.HasPayload() {
		return nil, nil
	}
	return m.Payload, nil
}
