// Package hostlist reads and writes RFC 29 hostlists ("node[0-3],login1"):
// compact lists of host names, as brokers publish in the "hostlist"
// attribute, in flux-core's libhostlist format, and RFC 22 idsets
// ("0-3,7"), the sets of ranks they map to.
package hostlist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSyntax is the error for a malformed hostlist or idset.
var ErrSyntax = errors.New("invalid syntax")

// List is an ordered list of host names; duplicates are allowed.
type List []string

// Decode expands a hostlist expression. Entries are separated by commas
// or white space; an entry is a name, or a prefix, a bracketed list of
// numbers and number ranges ("[01-03,7]", the width of each range's first
// number giving the zero padding) and an optional suffix taken as it is.
// The empty string is the empty list.
func Decode(s string) (List, error) {
	var out List
	for _, entry := range splitTop(s) {
		open := strings.IndexByte(entry, '[')
		if open < 0 {
			if strings.ContainsRune(entry, ']') {
				return nil, fmt.Errorf("hostlist %q: %w", s, ErrSyntax)
			}
			out = append(out, entry)
			continue
		}
		close := strings.IndexByte(entry[open:], ']')
		if close < 0 {
			return nil, fmt.Errorf("hostlist %q: %w", s, ErrSyntax)
		}
		close += open
		prefix, body, suffix := entry[:open], entry[open+1:close], entry[close+1:]
		if body == "" {
			return nil, fmt.Errorf("hostlist %q: %w", s, ErrSyntax)
		}
		for _, r := range strings.Split(body, ",") {
			lo, hi, width, err := parseRange(r)
			if err != nil {
				return nil, fmt.Errorf("hostlist %q: %w", s, err)
			}
			for n := lo; n <= hi; n++ {
				out = append(out, fmt.Sprintf("%s%0*d%s", prefix, width, n, suffix))
			}
		}
	}
	return out, nil
}

// splitTop splits s at commas and white space outside brackets, dropping
// empty entries.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	flush := func(end int) {
		if end > start {
			out = append(out, s[start:end])
		}
		start = end + 1
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth <= 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n'):
			flush(i)
		}
	}
	flush(len(s))
	return out
}

// parseRange parses "N" or "N-M" (N <= M); width is the digit count of N.
func parseRange(r string) (lo, hi uint64, width int, err error) {
	a, b, isRange := strings.Cut(r, "-")
	if lo, err = parseNum(a); err != nil {
		return 0, 0, 0, err
	}
	hi = lo
	if isRange {
		if hi, err = parseNum(b); err != nil {
			return 0, 0, 0, err
		}
	}
	if hi < lo || hi-lo > 1<<24 {
		return 0, 0, 0, ErrSyntax
	}
	return lo, hi, len(a), nil
}

func parseNum(s string) (uint64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, ErrSyntax
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, ErrSyntax
	}
	return n, nil
}

// Nth returns the host at index n.
func (l List) Nth(n int) (string, bool) {
	if n < 0 || n >= len(l) {
		return "", false
	}
	return l[n], true
}

// Find returns the index of the first occurrence of host, or -1.
func (l List) Find(host string) int {
	for i, h := range l {
		if h == host {
			return i
		}
	}
	return -1
}

// hostRange is a run of hosts prefix<lo..hi>, or one name without a
// number (num false).
type hostRange struct {
	prefix string
	lo, hi uint64
	width  int
	num    bool
}

// splitName splits a host name into its prefix and trailing number.
func splitName(h string) hostRange {
	i := len(h)
	for i > 0 && h[i-1] >= '0' && h[i-1] <= '9' {
		i--
	}
	if i == len(h) || len(h)-i > 9 {
		return hostRange{prefix: h}
	}
	n, _ := strconv.ParseUint(h[i:], 10, 64)
	return hostRange{prefix: h[:i], lo: n, hi: n, width: len(h) - i, num: true}
}

// natural reports whether n written at width has no leading zeros.
func natural(n uint64, width int) bool { return len(strconv.FormatUint(n, 10)) == width }

// extends reports whether host h continues range r: the same prefix, the
// next number, and a compatible width (equal, or both unpadded).
func (r *hostRange) extends(h hostRange) bool {
	if !r.num || !h.num || r.prefix != h.prefix || h.lo != r.hi+1 {
		return false
	}
	return r.width == h.width || (natural(r.hi, r.width) && natural(h.lo, h.width))
}

// Encode writes l in compact form: runs of consecutive numbers become
// ranges, and neighbouring runs with the same prefix share one bracket
// ("foo[1-3,7],bar"). Order and duplicates are kept.
func (l List) Encode() string {
	var ranges []hostRange
	for _, h := range l {
		hr := splitName(h)
		if n := len(ranges); n > 0 && ranges[n-1].extends(hr) {
			ranges[n-1].hi = hr.lo
			continue
		}
		ranges = append(ranges, hr)
	}
	var parts []string
	for i := 0; i < len(ranges); {
		r := ranges[i]
		if !r.num {
			parts = append(parts, r.prefix)
			i++
			continue
		}
		j := i + 1
		for j < len(ranges) && ranges[j].num && ranges[j].prefix == r.prefix {
			j++
		}
		if j == i+1 && r.lo == r.hi {
			parts = append(parts, fmt.Sprintf("%s%0*d", r.prefix, r.width, r.lo))
			i = j
			continue
		}
		var items []string
		for _, g := range ranges[i:j] {
			if g.lo == g.hi {
				items = append(items, fmt.Sprintf("%0*d", g.width, g.lo))
			} else {
				items = append(items, fmt.Sprintf("%0*d-%0*d", g.width, g.lo, g.width, g.hi))
			}
		}
		parts = append(parts, r.prefix+"["+strings.Join(items, ",")+"]")
		i = j
	}
	return strings.Join(parts, ",")
}
