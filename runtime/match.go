package runtime

import (
	"strings"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Match selects messages in Recv (struct flux_match). The zero value is
// FLUX_MATCH_ANY. TypeMask 0 matches any type, else the message type's bit
// must be set; a non-zero Matchtag must equal the message's matchtag and
// the message must have no route frames; TopicGlob "" or "*" matches any
// topic, a glob with '*', '?' or '[' is an fnmatch(3) pattern, anything
// else must equal the topic.
type Match struct {
	TypeMask  int
	Matchtag  uint32
	TopicGlob string
}

// Matches reports whether m satisfies the match (flux_msg_cmp).
func (mt Match) Matches(m *msg.Message) bool {
	if m == nil {
		return false
	}
	if mt.TypeMask != 0 && mt.TypeMask&int(m.Type) == 0 {
		return false
	}
	if mt.Matchtag != MatchtagNone && !MsgCmpMatchtag(m, mt.Matchtag) {
		return false
	}
	if mt.TopicGlob != "" && mt.TopicGlob != "*" {
		if !m.HasTopic() {
			return false
		}
		if strings.ContainsAny(mt.TopicGlob, "*?[") {
			return fnmatch(mt.TopicGlob, m.Topic)
		}
		return mt.TopicGlob == m.Topic
	}
	return true
}

// fnmatch is fnmatch(3) with flags 0: '*' and '?' match any character
// (including '/'), bracket expressions support ranges and '!' or '^'
// negation, and backslash quotes the next character. A malformed bracket
// expression makes '[' match itself, as glibc does.
func fnmatch(pattern, name string) bool {
	p, n := 0, 0
	starP, starN := -1, -1
	for n < len(name) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				starP, starN = p, n
				p++
				continue
			case '?':
				p++
				n++
				continue
			case '[':
				if ok, next, valid := matchBracket(pattern, p, name[n]); valid {
					if ok {
						p = next
						n++
						continue
					}
				} else if name[n] == '[' {
					p++
					n++
					continue
				}
			case '\\':
				if p+1 < len(pattern) {
					if pattern[p+1] == name[n] {
						p += 2
						n++
						continue
					}
				} else if name[n] == '\\' {
					p++
					n++
					continue
				}
			default:
				if pattern[p] == name[n] {
					p++
					n++
					continue
				}
			}
		}
		if starP >= 0 {
			starN++
			p, n = starP+1, starN
			continue
		}
		return false
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchBracket matches c against the bracket expression starting at
// pattern[start] == '['. valid is false when the expression is not closed.
func matchBracket(pattern string, start int, c byte) (ok bool, next int, valid bool) {
	i := start + 1
	negate := false
	if i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^') {
		negate = true
		i++
	}
	matched := false
	first := true
	for i < len(pattern) {
		if pattern[i] == ']' && !first {
			return matched != negate, i + 1, true
		}
		first = false
		lo := pattern[i]
		if lo == '\\' && i+1 < len(pattern) {
			i++
			lo = pattern[i]
		}
		i++
		hi := lo
		if i+1 < len(pattern) && pattern[i] == '-' && pattern[i+1] != ']' {
			hi = pattern[i+1]
			i += 2
			if hi == '\\' && i < len(pattern) {
				hi = pattern[i]
				i++
			}
		}
		if lo <= c && c <= hi {
			matched = true
		}
	}
	return false, 0, false
}
