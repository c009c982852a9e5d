package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A header in flux-core's style: comments, a multi-line macro, extern "C",
// attributes with nested parentheses, a struct body, an unnamed parameter,
// a deprecated declaration.
const testHeader = `/* copyright */
#ifndef X_H
#define X_H
#ifdef __cplusplus
extern "C" {
#endif
#define FLUX_MATCH_ANY flux_match_init( \
    FLUX_MSGTYPE_ANY, \
    NULL \
)
struct flux_match {
    int typemask;
    const char *topic_glob;
};
// line comment
int flux_log (flux_t *h, int level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int flux_msg_set_string (flux_msg_t *msg, const char *);
flux_future_t *flux_rpc_raw (flux_t *h,
                             const char *topic,
                             const void *data,
                             int len);
FLUX_DEPRECATED(void flux_old (flux_t *h,
                               int));
#ifdef __cplusplus
}
#endif
#endif
`

func TestHeaderPrototypes(t *testing.T) {
	got := HeaderPrototypes(testHeader)
	for name, want := range map[string]string{
		"flux_log":            "int flux_log (flux_t * h, int level, const char * fmt, ...)",
		"flux_msg_set_string": "int flux_msg_set_string (flux_msg_t * msg, const char * arg1)",
		"flux_rpc_raw":        "flux_future_t * flux_rpc_raw (flux_t * h, const char * topic, const void * data, int len)",
		"flux_old":            "void flux_old (flux_t * h, int arg1)",
	} {
		d := got[name]
		if d == nil {
			t.Errorf("%s not found; got %v", name, keys(got))
			continue
		}
		if d.String() != want {
			t.Errorf("%s = %q, want %q", name, d.String(), want)
		}
	}
	if len(got) != 4 {
		t.Errorf("found %d prototypes (%v), want 4", len(got), keys(got))
	}
}

func keys(m map[string]*CDecl) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestCheckPrototypes: a spec prototype that differs from the header in a
// parameter type (size_t against the header's int), that no header
// declares, or that the spec puts in another header file is reported, and
// so is a function the header declares that the spec lacks; parameter
// names may differ.
func TestCheckPrototypes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.h"), []byte(testHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(header, c string) *FuncModel {
		d, err := ParsePrototype(c)
		if err != nil {
			t.Fatal(err)
		}
		return &FuncModel{Function: Function{Name: d.Name, Header: header, C: c}, Decl: d}
	}
	m := &Model{Headers: []Header{{Name: "x"}, {Name: "y"}}, Functions: []*FuncModel{
		mk("x", "int flux_msg_set_string (flux_msg_t *m, const char *s)"),
		mk("x", "flux_future_t *flux_rpc_raw (flux_t *h, const char *topic, const void *data, size_t len)"),
		mk("x", "int flux_nowhere (void)"),
		mk("y", "void flux_old (flux_t *h, int n)"),
	}}
	bad, err := CheckPrototypes(m, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range bad {
		got = append(got, b.String())
	}
	want := []string{
		"flux_log (x.h): declared by the header, missing from the spec",
		"flux_nowhere: not declared in any header",
		"flux_old: declared in x.h, but the spec puts it in y.h",
		"flux_rpc_raw (x.h):",
	}
	if len(got) != len(want) {
		t.Fatalf("mismatches = %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("mismatch %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(bad[3].Header, "int len") {
		t.Errorf("flux_rpc_raw mismatch shows header %q", bad[3].Header)
	}
}
