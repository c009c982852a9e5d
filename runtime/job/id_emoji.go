package job

// emojiDigitLen is the UTF-8 length of every emoji digit.
const emojiDigitLen = 4

// emojiMaxLen is the longest emoji id string (7 digits).
const emojiMaxLen = 28

// emojiEncode writes id in base 576 with emojiDigits, most significant
// digit first.
func emojiEncode(id ID) string {
	var digits []string
	for {
		digits = append(digits, emojiDigits[id%576])
		id /= 576
		if id == 0 {
			break
		}
	}
	b := make([]byte, 0, len(digits)*emojiDigitLen)
	for i := len(digits) - 1; i >= 0; i-- {
		b = append(b, digits[i]...)
	}
	return string(b)
}

// isEmojiString is flux-core's quick test for an emoji id: a whole number
// of 4-byte digits, at most 7 of them, starting with the bytes F0 9F.
func isEmojiString(s string) bool {
	n := len(s)
	return n >= emojiDigitLen && n <= emojiMaxLen && n%emojiDigitLen == 0 &&
		s[0] == 0xf0 && s[1] == 0x9f
}

// emojiIndex maps an emoji digit to its value.
var emojiIndex = func() map[string]ID {
	m := make(map[string]ID, len(emojiDigits))
	for i, e := range emojiDigits {
		m[e] = ID(i)
	}
	return m
}()

// emojiDecode decodes an emoji id.
func emojiDecode(s string) (ID, bool) {
	if !isEmojiString(s) {
		return 0, false
	}
	var id ID
	for i := 0; i < len(s); i += emojiDigitLen {
		d, ok := emojiIndex[s[i:i+emojiDigitLen]]
		if !ok {
			return 0, false
		}
		id = id*576 + d
	}
	return id, true
}
