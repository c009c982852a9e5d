package job

import (
	"errors"
	"syscall"
	"testing"
)

// Encodings printed by flux-core 0.88's flux_jobspec1_from_command +
// flux_jobspec1_encode (flags 0 and JSON_COMPACT).
const (
	fluxCoreJobspec        = `{"resources": [{"type": "node", "count": 1, "with": [{"type": "slot", "count": 2, "with": [{"type": "core", "count": 3}, {"type": "gpu", "count": 1}], "label": "task"}]}], "tasks": [{"command": ["hostname", "-s"], "slot": "task", "count": {"per_slot": 1}}], "attributes": {"system": {"duration": 60.5, "environment": {"A": "1", "B": "two"}}}, "version": 1}`
	fluxCoreJobspecCompact = `{"resources":[{"type":"node","count":1,"with":[{"type":"slot","count":2,"with":[{"type":"core","count":3},{"type":"gpu","count":1}],"label":"task"}]}],"tasks":[{"command":["hostname","-s"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":60.5,"environment":{"A":"1","B":"two"}}},"version":1}`
	fluxCoreJobspecMinimal = `{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["hostname"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":0.0,"environment":{}}},"version":1}`
)

func TestJobspecFromCommandMatchesFluxCore(t *testing.T) {
	js, err := JobspecFromCommand([]string{"hostname", "-s"}, []string{"A=1", "B=two"}, 2, 3, 1, 1, 60.5)
	if err != nil {
		t.Fatal(err)
	}
	for flags, want := range map[int]string{0: fluxCoreJobspec, EncodeCompact: fluxCoreJobspecCompact} {
		if got, err := js.Encode(flags); err != nil || got != want {
			t.Errorf("Encode(%#x) = %s, %v\nflux-core: %s", flags, got, err, want)
		}
	}
	if err := js.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	js, err = JobspecFromCommand([]string{"hostname"}, nil, 0, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := js.Encode(EncodeCompact); got != fluxCoreJobspecMinimal {
		t.Errorf("minimal = %s\nflux-core: %s", got, fluxCoreJobspecMinimal)
	}
	// Decoding and re-encoding keeps the bytes.
	d, err := JobspecDecode(fluxCoreJobspecCompact)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.String(); got != fluxCoreJobspecCompact {
		t.Errorf("decode/encode = %s", got)
	}
}

func TestJobspecFromCommandInvalid(t *testing.T) {
	for name, f := range map[string]func() (*Jobspec, error){
		"nnodes>ntasks":  func() (*Jobspec, error) { return JobspecFromCommand([]string{"x"}, nil, 1, 1, 0, 2, 0) },
		"duration<0":     func() (*Jobspec, error) { return JobspecFromCommand([]string{"x"}, nil, 1, 1, 0, 0, -1) },
		"env without =":  func() (*Jobspec, error) { return JobspecFromCommand([]string{"x"}, []string{"FOO"}, 1, 1, 0, 0, 0) },
		"env empty name": func() (*Jobspec, error) { return JobspecFromCommand([]string{"x"}, []string{"=1"}, 1, 1, 0, 0, 0) },
	} {
		if _, err := f(); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%s: %v, want EINVAL", name, err)
		}
	}
}

func TestJobspecAttrs(t *testing.T) {
	js, _ := JobspecFromCommand([]string{"true"}, nil, 1, 1, 0, 0, 0)
	if err := js.Setenv("FOO", "1", true); err != nil {
		t.Fatal(err)
	}
	js.Setenv("FOO", "2", false)
	if v, _ := js.AttrGet("system.environment.FOO"); v != "1" {
		t.Errorf("setenv without overwrite replaced the value: %v", v)
	}
	js.Unsetenv("FOO")
	if _, err := js.AttrGet("system.environment.FOO"); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("after unsetenv: %v", err)
	}
	js.SetCwd("/tmp")
	js.SetStdout("/tmp/out")
	if v, _ := js.AttrGetJSON("system.shell.options.output.stdout"); v != `{"type":"file","path":"/tmp/out"}` {
		t.Errorf("stdout = %s", v)
	}
	if err := js.AttrSet("a..b", 1); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("empty path component: %v", err)
	}
	if err := js.AttrSetJSON("user.x", `{"y":[1,2.5,true,null]}`); err != nil {
		t.Fatal(err)
	}
	if v, _ := js.AttrGetJSON("user"); v != `{"x":{"y":[1,2.5,true,null]}}` {
		t.Errorf("user = %s", v)
	}
	if err := js.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	js.AttrDel("system.duration")
	if err := js.Check(); err == nil || err.Error() != "attributes.system.duration is required" {
		t.Errorf("Check without duration: %v", err)
	}
}

// The expected texts are what flux-core 0.88's flux_jobspec1_check writes for
// the same documents (checked with its library).
func TestJobspecCheckTexts(t *testing.T) {
	for _, c := range []struct{ spec, text string }{
		{`{"tasks":[],"attributes":{},"version":1}`, "jobspec object: Object item not found: resources"},
		{`{"resources":[],"tasks":[],"attributes":{},"version":"1"}`, "jobspec object: Expected integer, got string"},
		{`{"resources":[],"tasks":[],"attributes":{},"version":1,"x":1}`, "jobspec object: 1 object item(s) left unpacked: x"},
		{`{"resources":[],"tasks":[],"attributes":{},"version":2}`, "only version 1 jobspec is supported"},
		{`{"resources":[],"tasks":[],"attributes":{},"version":1}`, "resources section: Array index 0 out of range"},
		{`{"resources":[{"type":"slot","count":-1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[],"attributes":{},"version":1}`, "slot count must be >= 1"},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":0}],"label":"task"}],"tasks":[],"attributes":{},"version":1}`, "slot core count must be >= 1"},
		{`{"resources":[{"type":"bogus"}],"tasks":[],"attributes":{},"version":1}`, "unknown resource vertex type"},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":[],"slot":"task","count":{"per_slot":1}}],"attributes":{},"version":1}`, "tasks command array length must be >= 1"},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["x"],"slot":"task","count":{"per_slot":-2}}],"attributes":{},"version":1}`, "tasks per_slot count must be >= 1"},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["x"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":1},"foo":{}},"version":1}`, "unknown attributes section foo"},
		{`{"resources":[{"type":"slot","count":1,"with":[{"type":"core","count":1}],"label":"task"}],"tasks":[{"command":["x"],"slot":"task","count":{"per_slot":1}}],"attributes":{"system":{"duration":"1"}},"version":1}`, "attributes.system.duration must be a number"},
	} {
		js, err := JobspecDecode(c.spec)
		if err != nil {
			t.Fatalf("decode %s: %v", c.spec, err)
		}
		err = js.Check()
		if !errors.Is(err, syscall.EINVAL) || err.Error() != c.text {
			t.Errorf("Check(%s) = %v\nwant %q", c.spec, err, c.text)
		}
	}
	if _, err := JobspecDecode("{"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("decode of bad JSON: %v", err)
	}
}
