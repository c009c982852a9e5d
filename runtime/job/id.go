package job

import (
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// ID is a job id (flux_jobid_t): a FLUID, 40 bits of timestamp, 14 of
// generator id and 10 of sequence.
type ID = uint64

// IDAny is FLUX_JOBID_ANY, the id that matches any job.
const IDAny ID = ^ID(0)

// Encoding names accepted by IDEncode (compared without regard to case).
const (
	EncodingDec      = "dec"      // decimal, the default
	EncodingHex      = "hex"      // 0x-prefixed lower-case hexadecimal
	EncodingKVS      = "kvs"      // "job." + dothex, the job's KVS directory
	EncodingDotHex   = "dothex"   // four dot-separated groups of 4 hex digits
	EncodingWords    = "words"    // mnemonic words
	EncodingF58      = "f58"      // base58 with the "ƒ" prefix ("f" outside UTF-8 locales)
	EncodingF58Plain = "f58plain" // base58 with the ASCII "f" prefix
	EncodingEmoji    = "emoji"    // base576 emoji
)

// IDParse parses a job id in any encoding (flux_job_id_parse): leading
// white space and a "job." prefix are skipped; a string containing '.' is
// dothex, one containing '-' words, one starting with "ƒ" or "f" f58, one
// of 4-byte emoji digits emoji; otherwise it is a decimal or 0x-prefixed
// hexadecimal integer, which may be followed by white space. A malformed id
// is EINVAL, an integer out of range ERANGE.
func IDParse(s string) (ID, error) {
	if s == "" {
		return 0, runtime.ErrnoError(syscall.EINVAL)
	}
	p := skipSpace(s)
	p = strings.TrimPrefix(p, "job.")
	p = skipSpace(p)
	if p == "" {
		return 0, runtime.ErrnoError(syscall.EINVAL)
	}
	var (
		id ID
		ok bool
	)
	switch {
	case strings.Contains(p, "."):
		id, ok = dothexDecode(p)
	case strings.Contains(p, "-"):
		id, ok = wordsDecode(p)
	case f58PrefixLen(p) > 0:
		id, ok = f58Decode(p)
	case isEmojiString(p):
		id, ok = emojiDecode(p)
	default:
		return integerDecode(p)
	}
	if !ok {
		return 0, runtime.ErrnoError(syscall.EINVAL)
	}
	return id, nil
}

// IDEncode encodes id in the named encoding (flux_job_id_encode); an empty
// encoding is "dec". An unknown encoding is EPROTO. The "f58" prefix
// follows the process locale as flux-core's does: "ƒ" when the locale's
// character set is UTF-8 (LC_ALL, else LC_CTYPE, else LANG) and
// FLUX_F58_FORCE_ASCII is unset, else "f".
func IDEncode(id ID, encoding string) (string, error) {
	switch strings.ToLower(encoding) {
	case "", EncodingDec:
		return formatUint(id, 10, ""), nil
	case EncodingHex:
		return formatUint(id, 16, "0x"), nil
	case EncodingKVS:
		return "job." + dothexEncode(id), nil
	case EncodingDotHex:
		return dothexEncode(id), nil
	case EncodingWords:
		return wordsEncode(id), nil
	case EncodingF58:
		return F58Encode(id, F58Unicode()), nil
	case EncodingF58Plain:
		return F58Encode(id, false), nil
	case EncodingEmoji:
		return emojiEncode(id), nil
	}
	return "", runtime.ErrnoError(syscall.EPROTO)
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// skipSpace drops leading white space.
func skipSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// formatUint formats v in base 10 or 16 (lower case) after prefix.
func formatUint(v uint64, base uint64, prefix string) string {
	const digits = "0123456789abcdef"
	var buf [24]byte
	i := len(buf)
	for {
		i--
		buf[i] = digits[v%base]
		v /= base
		if v == 0 {
			break
		}
	}
	return prefix + string(buf[i:])
}

// integerDecode parses a decimal, or 0x-prefixed hexadecimal, integer as
// strtoull does (an optional sign, a negative value wrapping around),
// allowing only white space after it.
func integerDecode(s string) (ID, error) {
	base := uint64(10)
	if strings.HasPrefix(s, "0x") {
		base = 16
	}
	p := s
	neg := false
	if base == 10 && len(p) > 0 && (p[0] == '+' || p[0] == '-') {
		neg = p[0] == '-'
		p = p[1:]
	}
	if base == 16 {
		p = p[2:]
		if len(p) == 0 || digitValue(p[0]) >= 16 {
			// strtoull reads just the "0"; the "x" is left over.
			return 0, runtime.ErrnoError(syscall.EINVAL)
		}
	}
	var v uint64
	n := 0
	overflow := false
	for n < len(p) {
		d := digitValue(p[n])
		if d >= base {
			break
		}
		if v > (^uint64(0)-d)/base {
			overflow = true
		}
		v = v*base + d
		n++
	}
	if overflow {
		return 0, runtime.ErrnoError(syscall.ERANGE)
	}
	if n == 0 || skipSpace(p[n:]) != "" {
		return 0, runtime.ErrnoError(syscall.EINVAL)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// digitValue is the value of a hexadecimal digit, 99 for anything else.
func digitValue(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 99
}
