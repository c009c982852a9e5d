package kvs

import (
	"encoding/json"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// responseJSON waits for f's current response and decodes its JSON
// payload into v: the response's error as is, EPROTO for a missing or
// malformed payload.
func responseJSON(f *runtime.Future, v any) error {
	if f == nil {
		return inval()
	}
	m, err := f.Get()
	if err != nil {
		return err
	}
	if m == nil || !m.HasPayload() {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	p := m.Payload
	if p[len(p)-1] != 0 || json.Unmarshal(p[:len(p)-1], v) != nil {
		return runtime.ErrnoError(syscall.EPROTO)
	}
	return nil
}

// rootResponse is the part of commit, getroot and wait-version responses
// that names a root.
type rootResponse struct {
	Rootref *string `json:"rootref"`
	Rootseq *int    `json:"rootseq"`
	Owner   *int64  `json:"owner"`
	Flags   *int    `json:"flags"`
}

// decodeRoot decodes a root response; rootref and rootseq are required,
// and owner and flags too when full. Missing members are EPROTO.
func decodeRoot(f *runtime.Future, full bool) (rootResponse, error) {
	var r rootResponse
	if err := responseJSON(f, &r); err != nil {
		return r, err
	}
	if r.Rootref == nil || r.Rootseq == nil || full && (r.Owner == nil || r.Flags == nil) {
		return r, runtime.ErrnoError(syscall.EPROTO)
	}
	return r, nil
}

// requestJSON encodes a request payload (compact JSON plus the
// terminating NUL).
func requestJSON(v any) ([]byte, error) {
	return runtime.JSONPayload(v)
}

// markFuture stores val on f under name, the mark of the function that
// made f (its Get functions look for it); on failure f is destroyed.
func markFuture(f *runtime.Future, name string, val any) error {
	n := name
	if err := f.AuxSet(&n, val, nil); err != nil {
		f.Destroy()
		return err
	}
	return nil
}

// dirrefText returns the encoded dirref tree object for rootref.
func dirrefText(rootref string) (string, error) {
	if ValidateBlobref(rootref) != nil {
		return "", runtime.ErrnoError(syscall.EPROTO)
	}
	return NewDirref(rootref).Encode(), nil
}
