package job

import "encoding/binary"

// The mnemonic encoding turns each 4-byte group of the id (little-endian,
// as flux-core encodes the in-memory uint64 on x86) into three base-1626
// words; the six words are joined as "w-w-w--w-w-w".
const (
	mnBase       = 1626
	mnWords      = mnBase + 7 // with the 24-bit remainder words
	mnWordBufLen = 25         // longest word compared, plus one
)

// wordsEncode returns the mnemonic encoding of id.
func wordsEncode(id ID) string {
	var src [8]byte
	binary.LittleEndian.PutUint64(src[:], id)
	b := make([]byte, 0, 64)
	for n := 0; n < 6; n++ {
		switch n {
		case 1, 2, 4, 5:
			b = append(b, '-')
		case 3:
			b = append(b, "--"...)
		}
		x := binary.LittleEndian.Uint32(src[(n/3)*4:])
		switch n % 3 {
		case 1:
			x /= mnBase
		case 2:
			x /= mnBase * mnBase
		}
		b = append(b, mnWordList[x%mnBase]...)
	}
	return string(b)
}

// wordIndex maps a word to its 1-based index.
var wordIndex = func() map[string]int {
	m := make(map[string]int, len(mnWordList))
	for i, w := range mnWordList {
		m[w] = i + 1
	}
	return m
}()

// nextWord returns the 1-based index of the next word in s and the rest
// after it and its separators; 0 at the end or at an unknown word, which
// ends decoding as in flux-core. Letters are compared in lower case and
// only the first 24 of a word count.
func nextWord(s string) (int, string) {
	isAlpha := func(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
	for len(s) > 0 && !isAlpha(s[0]) {
		s = s[1:]
	}
	var w []byte
	for len(s) > 0 && isAlpha(s[0]) {
		c := s[0]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if len(w) < mnWordBufLen-1 {
			w = append(w, c)
		}
		s = s[1:]
	}
	for len(s) > 0 && !isAlpha(s[0]) {
		s = s[1:]
	}
	if len(w) == 0 {
		return 0, s
	}
	return wordIndex[string(w)], s
}

// wordsDecode decodes a mnemonic id; it must yield exactly 8 bytes.
func wordsDecode(s string) (ID, bool) {
	var dest [8]byte
	offset := 0
	for {
		idx, rest := nextWord(s)
		if idx == 0 {
			break
		}
		s = rest
		offset = mnDecodeWord(idx, dest[:], offset)
	}
	offset = mnDecodeEOF(dest[:], offset)
	if offset != len(dest) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(dest[:]), true
}

// mnGroup assembles the 4-byte little-endian group containing offset.
func mnGroup(dest []byte, offset int) (uint64, int) {
	g := offset &^ 3
	var x uint64
	for i := 0; i < 4; i++ {
		if g+i < len(dest) {
			x |= uint64(dest[g+i]) << (8 * i)
		}
	}
	return x, g
}

// mnDecodeWord adds the word with 1-based index idx at byte offset and
// returns the new offset; a negative offset is a sticky error.
func mnDecodeWord(idx int, dest []byte, offset int) int {
	const (
		errOverrun   = -2
		errOverrun24 = -3
		errIndex     = -4
		errIndex24   = -5
		errEncoding  = -6
	)
	if offset < 0 {
		return offset
	}
	if idx > mnWords {
		return errIndex
	}
	if offset > len(dest) {
		return errOverrun
	}
	if idx > mnBase && offset%4 != 2 {
		return errIndex24
	}
	x, g := mnGroup(dest, offset)
	if offset == len(dest) {
		return errOverrun
	}
	i := uint64(idx - 1)
	switch offset % 4 {
	case 3:
		return errOverrun24
	case 2:
		if i >= mnBase {
			x += (i - mnBase) * mnBase * mnBase
			offset++
		} else {
			if i >= 1625 || (i == 1624 && x > 1312671) {
				return errEncoding
			}
			x += i * mnBase * mnBase
			offset += 2
		}
	case 1:
		x += i * mnBase
		offset++
	case 0:
		x = i
		offset++
	}
	for k := 0; k < 4; k++ {
		if g+k < len(dest) {
			dest[g+k] = byte(x)
			x >>= 8
		}
	}
	return offset
}

// mnDecodeEOF checks the last group is complete and returns the final
// offset (the number of bytes decoded) or a negative error.
func mnDecodeEOF(dest []byte, offset int) int {
	const errRem = -1
	if offset < 0 {
		return offset
	}
	x, _ := mnGroup(dest, offset)
	switch offset % 4 {
	case 2:
		if x > 0xffff {
			return errRem
		}
	case 1:
		if x > 0xff {
			return errRem
		}
	}
	return offset
}
