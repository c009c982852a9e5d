package gen

import (
	"strings"
	"testing"
)

// testIndex stands in for package runtime in validation tests.
var testIndex = RuntimeIndex{
	"Open":            {Key: "Open", Params: []GoVar{{"uri", "*string"}, {"flags", "int"}}, Results: []string{"*Handle", "error"}},
	"Handle.FlagsGet": {Key: "Handle.FlagsGet", Recv: "Handle", Results: []string{"int"}},
}

const baseSpec = `headers:
  - name: handle
    doc: Handles.
errnos:
  - {name: EINVAL, value: 22, text: Invalid argument}
constants:
  - group: open_flags
    header: handle
    kind: bitflags
    doc: Flags.
    members:
      - {name: FLUX_O_TRACE, value: 1, go: Trace, open: true, flags_set: true, doc: Trace.}
types:
  - name: flux_t
    header: handle
    kind: opaque
    c: "typedef struct flux_handle flux_t;"
    doc: A handle.
functions:
  - name: flux_open
    header: handle
    c: "flux_t *flux_open (const char *uri, int flags)"
    runtime: Open
    status: implemented
    params:
      uri: {if_null: pass}
    doc: Open.
`

func buildSpec(text string) error {
	s, err := Load("test.yaml", []byte(text))
	if err != nil {
		return err
	}
	_, err = Build(s, testIndex)
	return err
}

func TestValidSpecBuilds(t *testing.T) {
	if err := buildSpec(baseSpec); err != nil {
		t.Fatalf("base spec: %v", err)
	}
}

func TestSpecErrorsCarryLineNumbers(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want string // substring of the error, including the line
	}{
		{"unknown key", func(s string) string {
			return strings.Replace(s, "    doc: Open.\n", "    doc: Open.\n    colour: red\n", 1)
		}, `test.yaml:28: unknown key "colour" in Function`},
		{"unknown key in params", func(s string) string {
			return strings.Replace(s, "{if_null: pass}", "{null_ok: pass}", 1)
		}, `test.yaml:26: unknown key "null_ok" in Param`},
		{"duplicate name", func(s string) string {
			return s + "  - name: flux_open\n    header: handle\n    c: \"flux_t *flux_open (const char *uri, int flags)\"\n    runtime: Open\n    status: implemented\n    params:\n      uri: {if_null: pass}\n    doc: Again.\n"
		}, "test.yaml:28: duplicate name flux_open (first defined at line 20)"},
		{"flag not a single bit", func(s string) string {
			return strings.Replace(s, "value: 1, go: Trace", "value: 3, go: Trace", 1)
		}, `test.yaml:12: FLUX_O_TRACE: value 0x3 of bit-flag group "open_flags" is not a single bit`},
		{"unmappable C type", func(s string) string {
			return strings.Replace(s, "int flags)", "struct sockaddr *addr)", 1)
		}, `test.yaml:20: function flux_open: param addr: cannot map C type "struct sockaddr *"`},
		{"missing runtime entry", func(s string) string {
			return strings.Replace(s, "runtime: Open", "runtime: OpenSesame", 1)
		}, "test.yaml:20: function flux_open: runtime entry OpenSesame does not exist in package runtime"},
		{"runtime signature mismatch", func(s string) string {
			return strings.Replace(s, "      uri: {if_null: pass}\n", "", 1)
		}, "test.yaml:20: function flux_open: param uri maps to Go string, but Open takes *string"},
		{"unknown header", func(s string) string {
			return strings.Replace(s, "    header: handle\n    c: \"flux_t", "    header: nowhere\n    c: \"flux_t", 1)
		}, `test.yaml:20: function flux_open: unknown header "nowhere"`},
		{"bad status", func(s string) string {
			return strings.Replace(s, "status: implemented", "status: someday", 1)
		}, `status must be implemented or planned, not "someday"`},
		{"define with a Go name", func(s string) string {
			return strings.Replace(s, "types:\n", "  - group: both\n    header: handle\n    kind: define\n    members:\n      - {name: FLUX_O_BOTH, value: \"(FLUX_O_TRACE | 2)\", go: Both}\ntypes:\n", 1)
		}, "test.yaml:17: FLUX_O_BOTH: define constants are C source text: they take no go or runtime name"},
		{"planned with a runtime entry", func(s string) string {
			return strings.Replace(s, "status: implemented", "status: planned", 1)
		}, "test.yaml:20: function flux_open: planned functions take no runtime entry"},
		{"unknown errno", func(s string) string {
			return strings.Replace(s, "    doc: Open.\n", "    doc: Open.\n    errors: {returns: \"NULL\", errno: [EWHAT]}\n", 1)
		}, "test.yaml:20: function flux_open: errno EWHAT is not in the errnos table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := buildSpec(tt.edit(baseSpec))
			if err == nil {
				t.Fatal("spec accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// TestStatusDefaultsToImplemented: only planned functions need a status.
func TestStatusDefaultsToImplemented(t *testing.T) {
	s, err := Load("test.yaml", []byte(strings.Replace(baseSpec, "    status: implemented\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(s, testIndex)
	if err != nil {
		t.Fatal(err)
	}
	if fn := m.Functions[0]; !fn.Implemented || fn.Planned() || fn.Entry == nil {
		t.Errorf("flux_open without a status: implemented=%v planned=%v entry=%v", fn.Implemented, fn.Planned(), fn.Entry)
	}
}

// TestPlannedFunctions: a planned function takes any C types (it is a
// stub), and its error value follows from its return type.
func TestPlannedFunctions(t *testing.T) {
	for proto, want := range map[string]string{
		"int flux_p (struct sockaddr *a, va_list ap)":           "-1",
		"void flux_p (flux_t *h, ...)":                          "",
		"const char *flux_p (pid_t pid)":                        "NULL",
		"bool flux_p (flux_t *h)":                               "false",
		"flux_plugin_f flux_p (flux_t *h)":                      "NULL",
		"flux_subprocess_state_t flux_p (flux_subprocess_t *p)": "(flux_subprocess_state_t)-1",
		"uint32_t flux_p (flux_t *h)":                           "0",
		"pid_t flux_p (flux_t *h)":                              "-1",
	} {
		spec := baseSpec + "  - name: flux_p\n    header: handle\n    c: \"" + proto + "\"\n    status: planned\n"
		s, err := Load("test.yaml", []byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Build(s, testIndex)
		if err != nil {
			t.Errorf("%s: %v", proto, err)
			continue
		}
		fn := m.Functions[1]
		if !fn.Planned() || fn.ErrorValue != want {
			t.Errorf("%s: planned=%v error value %q, want %q", proto, fn.Planned(), fn.ErrorValue, want)
		}
	}
}

func TestParsePrototype(t *testing.T) {
	d, err := ParsePrototype("flux_msg_t *flux_recv (flux_t *h, struct flux_match match, int flags);")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "flux_recv" || d.Return != "flux_msg_t *" || len(d.Params) != 3 {
		t.Fatalf("parsed %+v", d)
	}
	if d.Params[1] != (CParam{Name: "match", Type: "struct flux_match"}) {
		t.Errorf("param 1 = %+v", d.Params[1])
	}
	d, err = ParsePrototype("int flux_send_new (flux_t *h, flux_msg_t **msg, int flags)")
	if err != nil || d.Params[1].Type != "flux_msg_t **" {
		t.Fatalf("double pointer: %+v %v", d, err)
	}
	if _, err := ParsePrototype("int broken"); err == nil {
		t.Error("prototype without parameters accepted")
	}
}

func TestRuntimeConstName(t *testing.T) {
	for in, want := range map[string]string{
		"FLUX_O_TEST_NOSUB": "OTestNosub",
		"FLUX_POLLIN":       "Pollin",
		"FLUX_RQ_HEAD":      "RqHead",
	} {
		if got := RuntimeConstName(in); got != want {
			t.Errorf("RuntimeConstName(%s) = %s, want %s", in, got, want)
		}
	}
}
