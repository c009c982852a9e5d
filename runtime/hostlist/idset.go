package hostlist

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DecodeIDSet parses an RFC 22 idset ("0-3,7", optionally in brackets)
// into its members, as flux-core reads one: ids and ranges in strictly
// ascending order, no leading zeros, a range's ends distinct. The empty
// string (or "[]") is the empty set.
func DecodeIDSet(s string) ([]uint32, error) {
	body := s
	if strings.HasPrefix(body, "[") {
		if !strings.HasSuffix(body, "]") {
			return nil, fmt.Errorf("idset %q: %w", s, ErrSyntax)
		}
		body = body[1 : len(body)-1]
	}
	if body == "" {
		return nil, nil
	}
	var ids []uint32
	for _, r := range strings.Split(body, ",") {
		lo, hi, _, err := parseRange(r)
		a, b, isRange := strings.Cut(r, "-")
		switch {
		case err != nil:
		case len(a) > 1 && a[0] == '0', isRange && len(b) > 1 && b[0] == '0':
			err = ErrSyntax // leading zeros
		case isRange && lo == hi:
			err = ErrSyntax
		case len(ids) > 0 && uint64(ids[len(ids)-1]) >= lo:
			err = ErrSyntax // not ascending
		}
		if err != nil {
			return nil, fmt.Errorf("idset %q: %w", s, err)
		}
		for n := lo; n <= hi; n++ {
			ids = append(ids, uint32(n))
		}
	}
	return ids, nil
}

// EncodeIDSet writes a set of ids with ranges, ascending: "0-3,7".
func EncodeIDSet(ids []uint32) string {
	s := append([]uint32(nil), ids...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] <= s[j]+1 {
			j++
		}
		if s[i] == s[j] {
			parts = append(parts, strconv.FormatUint(uint64(s[i]), 10))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", s[i], s[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
