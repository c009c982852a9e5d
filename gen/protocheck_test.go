package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A header in flux-core's style: comments, a multi-line macro, extern "C",
// attributes with nested parentheses, a struct body, an unnamed parameter.
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
	if len(got) != 3 {
		t.Errorf("found %d prototypes (%v), want 3", len(got), keys(got))
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
// parameter type (size_t against the header's int), or that no header
// declares, is reported; names may differ.
func TestCheckPrototypes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.h"), []byte(testHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(c string) *FuncModel {
		d, err := ParsePrototype(c)
		if err != nil {
			t.Fatal(err)
		}
		return &FuncModel{Function: Function{Name: d.Name, C: c}, Decl: d}
	}
	m := &Model{Functions: []*FuncModel{
		mk("int flux_msg_set_string (flux_msg_t *m, const char *s)"),
		mk("flux_future_t *flux_rpc_raw (flux_t *h, const char *topic, const void *data, size_t len)"),
		mk("int flux_nowhere (void)"),
	}}
	bad, err := CheckPrototypes(m, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 2 || bad[0].Function != "flux_nowhere" || bad[0].Header != "" ||
		bad[1].Function != "flux_rpc_raw" || !strings.Contains(bad[1].Header, "int len") {
		t.Fatalf("mismatches = %v", bad)
	}
}
