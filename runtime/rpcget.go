package runtime

// RPCGetString returns the current response's payload as a string
// (flux_rpc_get): nil when the response has no payload; EPROTO when the
// payload is not a NUL-terminated string; EINVAL for a NORESPONSE RPC.
func (f *Future) RPCGetString() (*string, error) {
	m, err := f.RPCGet()
	if err != nil {
		return nil, err
	}
	return MsgGetString(m)
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
