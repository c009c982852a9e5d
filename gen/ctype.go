package gen

import (
	"fmt"
	"strings"
	"unicode"
)

// CDecl is a parsed C function prototype.
type CDecl struct {
	Name   string
	Return string // canonical C type, "void" for none
	Params []CParam
}

// CParam is one parameter of a prototype.
type CParam struct {
	Name string
	Type string // canonical C type, e.g. "const char *"
}

// ParsePrototype parses "RET NAME (TYPE NAME, ...)" into a CDecl with
// canonical type spellings. Function-pointer parameters must use a typedef.
func ParsePrototype(s string) (*CDecl, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";"))
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("prototype %q: expected RET NAME (PARAMS)", s)
	}
	typ, name, err := splitDecl(s[:open])
	if err != nil {
		return nil, fmt.Errorf("prototype %q: %v", s, err)
	}
	d := &CDecl{Name: name, Return: typ}
	inner := strings.TrimSpace(s[open+1 : len(s)-1])
	if inner == "" || inner == "void" {
		return d, nil
	}
	if strings.ContainsAny(inner, "()") {
		return nil, fmt.Errorf("prototype %q: function-pointer parameters need a typedef", s)
	}
	for _, p := range strings.Split(inner, ",") {
		pt, pn, err := splitDecl(p)
		if err != nil {
			return nil, fmt.Errorf("prototype %q: parameter %q: %v", s, strings.TrimSpace(p), err)
		}
		d.Params = append(d.Params, CParam{Name: pn, Type: pt})
	}
	return d, nil
}

// splitDecl splits "const char *uri" into ("const char *", "uri"). An
// array parameter "T name[]" is the pointer it decays to: ("T *", "name").
func splitDecl(s string) (typ, name string, err error) {
	s = strings.TrimSpace(s)
	if s == "..." {
		return "...", "...", nil
	}
	if rest, ok := strings.CutSuffix(s, "[]"); ok {
		typ, name, err = splitDecl(rest)
		if err != nil {
			return "", "", err
		}
		return CanonicalType(typ + " *"), name, nil
	}
	i := len(s)
	for i > 0 && (unicode.IsLetter(rune(s[i-1])) || unicode.IsDigit(rune(s[i-1])) || s[i-1] == '_') {
		i--
	}
	name = s[i:]
	if name == "" || i == 0 {
		return "", "", fmt.Errorf("missing type or name")
	}
	typ = CanonicalType(s[:i])
	if typ == "" {
		return "", "", fmt.Errorf("missing type")
	}
	return typ, name, nil
}

// CanonicalType spells a C type with single spaces and the stars last,
// separated from the base type by one space: "const char *", "flux_msg_t **".
func CanonicalType(s string) string {
	stars := strings.Count(s, "*")
	words := strings.Fields(strings.ReplaceAll(s, "*", " "))
	t := strings.Join(words, " ")
	if stars > 0 {
		t += " " + strings.Repeat("*", stars)
	}
	return t
}

// NonConst drops a leading const qualifier: the type the cgo export layer
// sees, since cgo prototypes carry no const.
func NonConst(t string) string { return strings.TrimPrefix(t, "const ") }
