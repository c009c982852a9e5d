package flux

import (
	"encoding/json"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// Payload is the body of a message as it was on the wire. String and JSON
// payloads end with a NUL byte, which Text and Decode drop.
type Payload []byte

// Text returns the payload as a string, without its terminating NUL.
func (p Payload) Text() string {
	if n := len(p); n > 0 && p[n-1] == 0 {
		return string(p[:n-1])
	}
	return string(p)
}

// Decode unmarshals a JSON payload into v; a payload that is missing or
// does not decode into v is EPROTO, an *Error wrapping the decoder's
// error (errors.As reaches a *json.UnmarshalTypeError or
// *json.SyntaxError).
func (p Payload) Decode(v any) error {
	if len(p) == 0 {
		return opErr("payload decode", "", fluxrt.Errorf(syscall.EPROTO, "no payload"))
	}
	if err := json.Unmarshal([]byte(p.Text()), v); err != nil {
		return opErr("payload decode", "", &decodeError{cause: err})
	}
	return nil
}

// encodePayload turns a payload argument into wire bytes: nil → none,
// []byte and Payload as is, string and json.RawMessage with a NUL added,
// anything else as JSON with a NUL added (compact, without HTML escaping,
// as the C library and flux-core encode it).
func encodePayload(v any) ([]byte, error) {
	switch p := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		return p, nil
	case Payload:
		return p, nil
	case string:
		return append([]byte(p), 0), nil
	case json.RawMessage:
		return append([]byte(p), 0), nil
	}
	return fluxrt.JSONPayload(v)
}
