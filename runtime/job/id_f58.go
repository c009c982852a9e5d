package job

import (
	"os"
	"strings"
)

// f58Alphabet is the base58 digit set (no 0, O, I or l).
const f58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// f58MaxDigits is the longest base58 part f58 decoding accepts.
const f58MaxDigits = 12

// F58 prefixes: the Unicode one (U+0192) and its ASCII stand-in.
const (
	F58Prefix      = "ƒ"
	F58PrefixASCII = "f"
)

// F58Encode encodes id in base58 after the "ƒ" prefix, or "f" when
// unicode is false.
func F58Encode(id ID, unicode bool) string {
	prefix := F58PrefixASCII
	if unicode {
		prefix = F58Prefix
	}
	var buf [16]byte
	i := len(buf)
	for {
		i--
		buf[i] = f58Alphabet[id%58]
		id /= 58
		if id == 0 {
			break
		}
	}
	return prefix + string(buf[i:])
}

// F58Unicode reports whether "f58" should use the Unicode prefix: the
// locale's character set is UTF-8 and FLUX_F58_FORCE_ASCII is unset.
// The locale is the first of LC_ALL, LC_CTYPE and LANG that is set, as
// setlocale(LC_ALL, "") picks it.
func F58Unicode() bool {
	if _, ok := os.LookupEnv("FLUX_F58_FORCE_ASCII"); ok {
		return false
	}
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if s := os.Getenv(v); s != "" {
			loc = s
			break
		}
	}
	loc = strings.ToLower(loc)
	return strings.Contains(loc, "utf-8") || strings.Contains(loc, "utf8")
}

// f58PrefixLen is the length of the f58 prefix s starts with, 0 for none.
func f58PrefixLen(s string) int {
	switch {
	case strings.HasPrefix(s, F58Prefix):
		return len(F58Prefix)
	case strings.HasPrefix(s, F58PrefixASCII):
		return len(F58PrefixASCII)
	}
	return 0
}

// f58Decode decodes a prefixed base58 id: 1 to 12 base58 digits, nothing
// else (values past 64 bits wrap, as in flux-core).
func f58Decode(s string) (ID, bool) {
	digits := s[f58PrefixLen(s):]
	if len(digits) == 0 || len(digits) > f58MaxDigits {
		return 0, false
	}
	var id ID
	for i := 0; i < len(digits); i++ {
		d := strings.IndexByte(f58Alphabet, digits[i])
		if d < 0 {
			return 0, false
		}
		id = id*58 + ID(d)
	}
	return id, true
}
