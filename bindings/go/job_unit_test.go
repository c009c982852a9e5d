package flux_test

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall"
	"testing"

	flux "github.com/fluxgo/fluxgo/bindings/go"
)

func TestJobIDEncodings(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	id, err := flux.ParseJobID("fxv12grS4")
	if err != nil {
		t.Fatal(err)
	}
	if id != 123456789012345 || id.String() != "ƒxv12grS4" || id.F58Plain() != "fxv12grS4" ||
		id.DotHex() != "0000.7048.860d.df79" || id.Words() != "piano-copper-college--famous-album-academy" {
		t.Errorf("id %d: %s %s %s", uint64(id), id, id.DotHex(), id.Words())
	}
	for _, s := range []string{id.Dec(), id.Hex(), id.KVS(), id.Words(), id.Emoji(), id.String()} {
		if back, err := flux.ParseJobID(s); err != nil || back != id {
			t.Errorf("ParseJobID(%q) = %v, %v", s, back, err)
		}
	}
	_, err = flux.ParseJobID("nonsense")
	if !errors.Is(err, syscall.EINVAL) || !strings.Contains(err.Error(), `"nonsense"`) {
		t.Errorf("bad id: %v", err)
	}
	if _, err := id.Encode("base64"); !errors.Is(err, syscall.EPROTO) {
		t.Errorf("unknown encoding: %v", err)
	}
	var v struct{ A, B, C flux.JobID }
	if err := json.Unmarshal([]byte(`{"A":123456789012345,"B":"ƒxv12grS4","C":-1}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != id || v.B != id || v.C != flux.JobIDAny {
		t.Errorf("unmarshal: %+v", v)
	}
}

func TestJobspecBuilder(t *testing.T) {
	spec, err := flux.JobspecFromCommand([]string{"app", "-v"}, flux.Tasks(4), flux.Nodes(2), flux.CoresPerTask(2), flux.GPUsPerTask(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.SetAttr("system.job.name", "demo"); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := spec.Attr("system.job.name", &name); err != nil || name != "demo" {
		t.Errorf("name %q, %v", name, err)
	}
	if err := spec.Check(); err != nil {
		t.Errorf("check: %v", err)
	}
	b, _ := json.Marshal(spec)
	if !strings.HasPrefix(string(b), `{"resources":[{"type":"node","count":2,"with":[{"type":"slot","count":4,"with":[{"type":"core","count":2},{"type":"gpu","count":1}]`) {
		t.Errorf("encoded: %s", b)
	}
	if _, err := flux.JobspecFromCommand([]string{"x"}, flux.Tasks(1), flux.Nodes(2)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("more nodes than tasks: %v", err)
	}
	bad, err := flux.ParseJobspec([]byte(`{"resources":[],"tasks":[],"attributes":{},"version":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Check(); !errors.Is(err, syscall.EINVAL) || !strings.Contains(err.Error(), "resources section: Array index 0 out of range") {
		t.Errorf("check of bad jobspec: %v", err)
	}
}
