package job

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// The "none" signing mechanism (RFC 42) that flux-core uses when built
// without flux-security: J is HEADER.PAYLOAD.none, HEADER the base64 of
// the NUL-separated fields "version", "i1", "userid", "i<uid>",
// "mechanism", "snone" (each NUL-terminated) and PAYLOAD the base64 of the
// jobspec, both in standard padded base64. Only the instance owner may
// submit such a J; guests need a real mechanism (munge, curve) provided by
// flux-security, so that the IMP can check who signed it.

// SignNone wraps payload in J with the "none" mechanism, claiming userid.
func SignNone(payload []byte, userid uint32) string {
	header := fmt.Sprintf("version\x00i1\x00userid\x00i%d\x00mechanism\x00snone\x00", userid)
	enc := base64.StdEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(payload) + ".none"
}

// UnwrapNone undoes SignNone, returning the payload and the signing
// userid; a J that is not a well-formed "none" J is EINVAL.
func UnwrapNone(J string) ([]byte, uint32, error) {
	inval := runtime.ErrnoError(syscall.EINVAL)
	h, rest, ok := strings.Cut(J, ".")
	if !ok {
		return nil, 0, inval
	}
	uid, ok := decodeNoneHeader(h)
	if !ok {
		return nil, 0, inval
	}
	p, mech, ok := strings.Cut(rest, ".")
	if !ok || mech != "none" {
		return nil, 0, inval
	}
	payload, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, 0, inval
	}
	return payload, uid, nil
}

// decodeNoneHeader checks a "none" header: exactly the keys version (i1),
// mechanism (snone) and userid (i followed by decimal digits).
func decodeNoneHeader(h string) (uint32, bool) {
	raw, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return 0, false
	}
	raw = bytes.TrimSuffix(raw, []byte{0})
	fields := strings.Split(string(raw), "\x00")
	if len(fields)%2 != 0 {
		return 0, false
	}
	var version, mech, userid string
	for i := 0; i < len(fields); i += 2 {
		switch fields[i] {
		case "version":
			version = fields[i+1]
		case "userid":
			userid = fields[i+1]
		case "mechanism":
			mech = fields[i+1]
		default:
			return 0, false
		}
	}
	if version != "i1" || mech != "snone" || len(userid) < 2 || userid[0] != 'i' ||
		userid[1] < '0' || userid[1] > '9' {
		return 0, false
	}
	uid, err := strconv.ParseUint(userid[1:], 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(uid), true
}

// UnwrapString returns the payload of a signed J as a string and its
// signer (flux_unwrap_string); only the "none" mechanism is understood.
// With verify the signer must be the calling user. Failures are texts as
// in flux-core: "sign-none-unwrap failed: ..." and "sign-none-unwrap:
// signing userid X != current Y".
func UnwrapString(J string, verify bool) (string, uint32, error) {
	payload, uid, err := UnwrapNone(J)
	if err != nil {
		return "", 0, runtime.Errorf(runtime.ErrnoOf(err), "sign-none-unwrap failed: %s", runtime.StrError(runtime.ErrnoOf(err)))
	}
	if cur := uint32(os.Getuid()); verify && uid != cur {
		return "", 0, runtime.Errorf(syscall.EPERM, "sign-none-unwrap: signing userid %d != current %d", uid, cur)
	}
	return string(payload), uid, nil
}
