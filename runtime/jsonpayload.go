package runtime

import (
	"bytes"
	"encoding/json"
	"syscall"
)

// JSONPayload encodes v as compact JSON without HTML escaping, as jansson
// does, and adds the terminating NUL of a Flux string payload. A value
// JSON cannot encode is EINVAL with encoding/json's text.
func JSONPayload(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, Errorf(syscall.EINVAL, "%s", err.Error())
	}
	out := bytes.TrimRight(b.Bytes(), "\n")
	return append(out, 0), nil
}

// decodeJSONPayload unmarshals a NUL-terminated JSON payload into v;
// anything else is EPROTO.
func decodeJSONPayload(p []byte, v any) error {
	if len(p) == 0 || p[len(p)-1] != 0 {
		return ErrnoError(syscall.EPROTO)
	}
	if json.Unmarshal(p[:len(p)-1], v) != nil {
		return ErrnoError(syscall.EPROTO)
	}
	return nil
}
