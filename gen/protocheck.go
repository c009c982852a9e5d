package gen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ProtoMismatch is a spec function whose prototype differs from the one
// an installed flux-core header declares, or that no header declares.
type ProtoMismatch struct {
	Function string
	Spec     string // the spec's prototype, "" when the spec lacks the function
	Header   string // the header's, "" when not found
	File     string // the header file it was found in
	// SpecFile is the header file the spec puts the function in, when
	// it is not the one flux-core declares it in.
	SpecFile string
}

func (p ProtoMismatch) String() string {
	if p.Spec == "" {
		return fmt.Sprintf("%s (%s): declared by the header, missing from the spec\n  header: %s", p.Function, p.File, p.Header)
	}
	if p.SpecFile != "" {
		return fmt.Sprintf("%s: declared in %s, but the spec puts it in %s", p.Function, p.File, p.SpecFile)
	}
	if p.Header == "" {
		return fmt.Sprintf("%s: not declared in any header\n  spec:   %s", p.Function, p.Spec)
	}
	return fmt.Sprintf("%s (%s):\n  spec:   %s\n  header: %s", p.Function, p.File, p.Spec, p.Header)
}

var (
	blockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	lineComment  = regexp.MustCompile(`//[^\n]*`)
)

// stripCalls removes every "word (...)" with balanced parentheses, such
// as __attribute__ ((format (printf, 2, 3))).
func stripCalls(text, word string) string {
	for {
		i := strings.Index(text, word)
		if i < 0 {
			return text
		}
		j := i + len(word)
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j >= len(text) || text[j] != '(' {
			return text[:i] + " " + stripCalls(text[i+len(word):], word)
		}
		depth := 0
		for ; j < len(text); j++ {
			if text[j] == '(' {
				depth++
			} else if text[j] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		text = text[:i] + " " + text[min(j+1, len(text)):]
	}
}

// unwrapCalls replaces every "word (X)" with balanced parentheses by X,
// such as FLUX_DEPRECATED (int f (void)).
func unwrapCalls(text, word string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, word)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := i + len(word)
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j >= len(text) || text[j] != '(' {
			b.WriteString(text[:i+len(word)])
			text = text[i+len(word):]
			continue
		}
		depth, k := 0, j
		for ; k < len(text); k++ {
			if text[k] == '(' {
				depth++
			} else if text[k] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		b.WriteString(text[:i])
		b.WriteString(" ")
		b.WriteString(text[j+1 : min(k, len(text))])
		b.WriteString(" ")
		text = text[min(k+1, len(text)):]
	}
}

// HeaderPrototypes extracts the function prototypes declared in C header
// text, by name: comments, preprocessor lines, attributes and struct or
// typedef bodies are skipped. It is a reader for flux-core's own headers,
// not a C parser.
func HeaderPrototypes(text string) map[string]*CDecl {
	text = blockComment.ReplaceAllString(text, " ")
	text = lineComment.ReplaceAllString(text, " ")
	text = strings.ReplaceAll(text, "\\\n", " ") // macro continuation lines
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		lines = append(lines, l)
	}
	text = strings.Join(lines, " ")
	text = strings.ReplaceAll(text, `extern "C" {`, " ")
	text = stripCalls(text, "__attribute__")
	text = unwrapCalls(text, "FLUX_DEPRECATED")
	out := map[string]*CDecl{}
	depth := 0
	var cur strings.Builder
	for _, r := range text {
		switch r {
		case '{':
			depth++
			cur.Reset()
			continue
		case '}':
			if depth > 0 {
				depth--
			}
			cur.Reset()
			continue
		case ';':
			if depth == 0 {
				decl := strings.Join(strings.Fields(cur.String()), " ")
				decl = strings.TrimPrefix(decl, "extern ")
				if !strings.HasPrefix(decl, "typedef ") && strings.Contains(decl, "(") {
					if d, err := ParsePrototype(decl); err == nil {
						out[d.Name] = d
					} else if d, err := ParsePrototype(nameParams(decl)); err == nil {
						out[d.Name] = d
					}
				}
			}
			cur.Reset()
			continue
		}
		if depth == 0 {
			cur.WriteRune(r)
		}
	}
	return out
}

// nameParams gives unnamed parameters ("const char *", "int") a
// placeholder name so that ParsePrototype accepts the declaration.
func nameParams(decl string) string {
	open, end := strings.IndexByte(decl, '('), strings.LastIndexByte(decl, ')')
	if open < 0 || end < open {
		return decl
	}
	params := strings.Split(decl[open+1:end], ",")
	for i, p := range params {
		p = strings.TrimSpace(p)
		words := strings.Fields(strings.ReplaceAll(p, "*", " * "))
		if p == "void" || p == "..." || len(words) == 0 {
			continue
		}
		last := words[len(words)-1]
		if last == "*" || len(words) == 1 || cTypeWords[last] || strings.HasSuffix(last, "_t") || strings.HasSuffix(last, "_f") {
			params[i] = fmt.Sprintf("%s arg%d", p, i)
		}
	}
	return decl[:open+1] + strings.Join(params, ",") + decl[end:]
}

// cTypeWords are words that end a type, never a parameter name.
var cTypeWords = map[string]bool{"char": true, "int": true, "long": true, "short": true, "double": true,
	"float": true, "void": true, "bool": true, "unsigned": true, "signed": true}

// CheckPrototypes compares every spec function (internal helpers and
// export-only functions aside) with the prototypes the headers in dir
// (flux-core's include/flux/core/) declare: return and parameter types
// must be identical (parameter names may differ) and the spec must put
// each function in the header file that declares it. Every function the
// headers declare must be in the spec. It returns the mismatches sorted
// by function name.
func CheckPrototypes(m *Model, dir string) ([]ProtoMismatch, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.h"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no headers in %s", dir)
	}
	type found struct {
		d    *CDecl
		file string
	}
	decls := map[string]found{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for name, d := range HeaderPrototypes(string(b)) {
			decls[name] = found{d, filepath.Base(f)}
		}
	}
	hfile := map[string]string{} // header name -> file base name
	for _, h := range m.Headers {
		hfile[h.Name] = filepath.Base(h.Path())
	}
	var bad []ProtoMismatch
	inSpec := map[string]bool{}
	for _, fn := range m.Functions {
		inSpec[fn.Name] = true
		if fn.Internal || fn.ExportOnly {
			continue
		}
		h, ok := decls[fn.Name]
		if !ok {
			bad = append(bad, ProtoMismatch{Function: fn.Name, Spec: fn.C})
			continue
		}
		if !sameSignature(fn.Decl, h.d) {
			bad = append(bad, ProtoMismatch{Function: fn.Name, Spec: fn.C, Header: h.d.String(), File: h.file})
		} else if hfile[fn.Header] != h.file {
			bad = append(bad, ProtoMismatch{Function: fn.Name, Spec: fn.C, File: h.file, SpecFile: hfile[fn.Header]})
		}
	}
	for name, h := range decls {
		if !inSpec[name] {
			bad = append(bad, ProtoMismatch{Function: name, Header: h.d.String(), File: h.file})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Function < bad[j].Function })
	return bad, nil
}

// sameSignature compares return and parameter types, not names. A
// by-value struct parameter may be declared const in one and not the
// other: that does not change the signature.
func sameSignature(a, b *CDecl) bool {
	if a.Return != b.Return || len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		ta, tb := a.Params[i].Type, b.Params[i].Type
		if !strings.HasSuffix(ta, "*") {
			ta, tb = NonConst(ta), NonConst(tb)
		}
		if ta != tb {
			return false
		}
	}
	return true
}

// String spells the declaration in canonical form.
func (d *CDecl) String() string {
	var ps []string
	for _, p := range d.Params {
		if p.Type == "..." {
			ps = append(ps, "...")
			continue
		}
		ps = append(ps, strings.TrimSpace(p.Type+" "+p.Name))
	}
	if len(ps) == 0 {
		ps = []string{"void"}
	}
	return fmt.Sprintf("%s %s (%s)", d.Return, d.Name, strings.Join(ps, ", "))
}
