package job

import (
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// Jobspec is a version 1 jobspec being built or checked
// (flux_jobspec1_t). Its JSON keeps insertion order so Encode gives
// flux-core's bytes. Methods on a nil Jobspec fail with EINVAL.
type Jobspec struct {
	obj *Object
}

// jsErr is the EINVAL carrying a validation text.
func jsErr(format string, args ...any) error {
	return runtime.Errorf(syscall.EINVAL, format, args...)
}

// einval is a bare EINVAL.
func einval() error { return runtime.ErrnoError(syscall.EINVAL) }

// JobspecFromCommand builds the minimal jobspec flux-core's
// flux_jobspec1_from_command builds: argv as the command of one task per
// slot, ntasks slots (values below 1 mean 1) of coresPerTask cores (below
// 1: 1) and, when gpusPerTask > 0, that many gpus, under nnodes nodes when
// nnodes > 0; duration in seconds (0: unlimited); env entries
// "NAME=VALUE" in attributes.system.environment. nnodes > ntasks, a
// negative duration or an env entry without a name or '=' is EINVAL.
func JobspecFromCommand(argv, env []string, ntasks, coresPerTask, gpusPerTask, nnodes int, duration float64) (*Jobspec, error) {
	if duration < 0 {
		return nil, einval()
	}
	if coresPerTask < 1 {
		coresPerTask = 1
	}
	if ntasks < 1 {
		ntasks = 1
	}
	if nnodes > ntasks {
		return nil, einval()
	}
	cmd := make([]any, len(argv))
	for i, a := range argv {
		cmd[i] = a
	}
	task := NewObject()
	task.Set("command", cmd)
	task.Set("slot", "task")
	count := NewObject()
	count.Set("per_slot", int64(1))
	task.Set("count", count)

	with := []any{resource("core", coresPerTask)}
	if gpusPerTask > 0 {
		with = append(with, resource("gpu", gpusPerTask))
	}
	slot := NewObject()
	slot.Set("type", "slot")
	slot.Set("count", int64(ntasks))
	slot.Set("with", with)
	slot.Set("label", "task")
	res := []any{slot}
	if nnodes > 0 {
		node := NewObject()
		node.Set("type", "node")
		node.Set("count", int64(nnodes))
		node.Set("with", res)
		res = []any{node}
	}
	system := NewObject()
	system.Set("duration", duration)
	system.Set("environment", NewObject())
	attrs := NewObject()
	attrs.Set("system", system)

	obj := NewObject()
	obj.Set("resources", res)
	obj.Set("tasks", []any{task})
	obj.Set("attributes", attrs)
	obj.Set("version", int64(1))
	js := &Jobspec{obj: obj}
	for _, e := range env {
		name, value, ok := strings.Cut(e, "=")
		if !ok || name == "" {
			return nil, einval()
		}
		if err := js.Setenv(name, value, true); err != nil {
			return nil, err
		}
	}
	return js, nil
}

// resource is {"type": typ, "count": n}.
func resource(typ string, n int) *Object {
	o := NewObject()
	o.Set("type", typ)
	o.Set("count", int64(n))
	return o
}

// JobspecDecode parses a jobspec without checking it
// (flux_jobspec1_decode); invalid JSON is EINVAL with the parser's text.
func JobspecDecode(s string) (*Jobspec, error) {
	v, err := decodeOrdered(s)
	if err != nil {
		return nil, jsErr("%s", err.Error())
	}
	o, ok := v.(*Object)
	if !ok {
		return nil, jsErr("jobspec must be a JSON object")
	}
	return &Jobspec{obj: o}, nil
}

// Encode returns the jobspec as JSON (flux_jobspec1_encode); flags are
// jansson's json_dumps flags (EncodeCompact, EncodeSortKeys, ...).
func (js *Jobspec) Encode(flags int) (string, error) {
	if js == nil {
		return "", einval()
	}
	s, err := encodeJSON(js.obj, flags)
	if err != nil {
		return "", runtime.Errorf(syscall.ENOMEM, "%s", err.Error())
	}
	return s, nil
}

// Object returns the jobspec's JSON object, to read or edit in place.
func (js *Jobspec) Object() *Object {
	if js == nil {
		return nil
	}
	return js.obj
}

// Clone returns an independent copy.
func (js *Jobspec) Clone() *Jobspec {
	if js == nil {
		return nil
	}
	return &Jobspec{obj: clone(js.obj).(*Object)}
}

// splitPath splits a dotted attribute path; an empty component is EINVAL.
func splitPath(path string) ([]string, error) {
	parts := strings.Split("attributes."+path, ".")
	for _, p := range parts {
		if p == "" {
			return nil, einval()
		}
	}
	return parts, nil
}

// AttrGet returns the value at path under "attributes" (as in
// flux_jobspec1_attr_unpack): ENOENT when absent.
func (js *Jobspec) AttrGet(path string) (any, error) {
	if js == nil {
		return nil, einval()
	}
	parts, err := splitPath(path)
	if err != nil {
		return nil, err
	}
	var v any = js.obj
	for _, p := range parts {
		o, _ := v.(*Object)
		val, ok := o.Get(p)
		if !ok {
			return nil, runtime.ErrnoError(syscall.ENOENT)
		}
		v = val
	}
	return v, nil
}

// AttrGetJSON is AttrGet returning the value encoded as compact JSON.
func (js *Jobspec) AttrGetJSON(path string) (string, error) {
	v, err := js.AttrGet(path)
	if err != nil {
		return "", err
	}
	return encodeJSON(v, EncodeCompact)
}

// AttrSet sets the value at path under "attributes", creating missing
// objects on the way (flux_jobspec1_attr_pack). v is a JSON value as
// decoded by this package, or a string, bool, int, int64, float64, nil.
// A path through a value that is not an object is ENOMEM, as in flux-core.
func (js *Jobspec) AttrSet(path string, v any) error {
	if js == nil {
		return einval()
	}
	parts, err := splitPath(path)
	if err != nil {
		return err
	}
	o := js.obj
	for _, p := range parts[:len(parts)-1] {
		next, ok := o.Get(p)
		if !ok {
			n := NewObject()
			o.Set(p, n)
			next = n
		}
		if o, ok = next.(*Object); !ok {
			return runtime.ErrnoError(syscall.ENOMEM)
		}
	}
	if i, ok := v.(int); ok {
		v = int64(i)
	}
	o.Set(parts[len(parts)-1], v)
	return nil
}

// AttrSetJSON is AttrSet with the value given as JSON text; text that is
// not JSON is EINVAL.
func (js *Jobspec) AttrSetJSON(path, value string) error {
	v, err := decodeOrdered(value)
	if err != nil {
		return einval()
	}
	return js.AttrSet(path, v)
}

// AttrDel removes the value at path under "attributes"; a missing one is
// not an error (flux_jobspec1_attr_del).
func (js *Jobspec) AttrDel(path string) error {
	if js == nil {
		return einval()
	}
	parts, err := splitPath(path)
	if err != nil {
		return err
	}
	var v any = js.obj
	for _, p := range parts[:len(parts)-1] {
		o, _ := v.(*Object)
		next, ok := o.Get(p)
		if !ok {
			return nil
		}
		v = next
	}
	if o, ok := v.(*Object); ok {
		o.Del(parts[len(parts)-1])
	}
	return nil
}

// Setenv sets an environment variable of the job; with overwrite false
// an existing string value is kept (flux_jobspec1_setenv).
func (js *Jobspec) Setenv(name, value string, overwrite bool) error {
	if js == nil {
		return einval()
	}
	path := "system.environment." + name
	if !overwrite {
		if v, err := js.AttrGet(path); err == nil {
			if _, ok := v.(string); ok {
				return nil
			}
		}
	}
	return js.AttrSet(path, value)
}

// Unsetenv removes an environment variable (flux_jobspec1_unsetenv).
func (js *Jobspec) Unsetenv(name string) error {
	if js == nil {
		return einval()
	}
	return js.AttrDel("system.environment." + name)
}

// setStdio redirects one stream to a file through the shell options.
func (js *Jobspec) setStdio(key, path string) error {
	if js == nil {
		return einval()
	}
	o := NewObject()
	o.Set("type", "file")
	o.Set("path", path)
	return js.AttrSet("system.shell.options."+key, o)
}

// SetStdin reads the job's stdin from path (flux_jobspec1_set_stdin).
func (js *Jobspec) SetStdin(path string) error { return js.setStdio("input.stdin", path) }

// SetStdout writes the job's stdout to path (flux_jobspec1_set_stdout).
func (js *Jobspec) SetStdout(path string) error { return js.setStdio("output.stdout", path) }

// SetStderr writes the job's stderr to path (flux_jobspec1_set_stderr).
func (js *Jobspec) SetStderr(path string) error { return js.setStdio("output.stderr", path) }

// SetCwd sets the job's working directory (flux_jobspec1_set_cwd).
func (js *Jobspec) SetCwd(cwd string) error { return js.AttrSet("system.cwd", cwd) }

// String is the compact encoding (empty if it cannot be encoded).
func (js *Jobspec) String() string {
	s, _ := js.Encode(EncodeCompact)
	return s
}
