package flux

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fluxgo/fluxgo/runtime/job"
)

// Jobspec is a version 1 jobspec under construction. Build one with
// JobspecFromCommand (or ParseJobspec), adjust it with the setters and
// pass it to Submit, which checks it first.
type Jobspec struct {
	js *job.Jobspec
}

// JobspecOption sets a resource or attribute of JobspecFromCommand.
type JobspecOption func(*jobspecConfig)

// jobspecConfig holds JobspecFromCommand's arguments.
type jobspecConfig struct {
	ntasks, cores, gpus, nodes int
	duration                   time.Duration
	env                        []string
}

// Tasks runs n tasks (default 1).
func Tasks(n int) JobspecOption { return func(c *jobspecConfig) { c.ntasks = n } }

// CoresPerTask gives each task n cores (default 1).
func CoresPerTask(n int) JobspecOption { return func(c *jobspecConfig) { c.cores = n } }

// GPUsPerTask gives each task n gpus (default none).
func GPUsPerTask(n int) JobspecOption { return func(c *jobspecConfig) { c.gpus = n } }

// Nodes spreads the tasks over n nodes (at most the number of tasks).
func Nodes(n int) JobspecOption { return func(c *jobspecConfig) { c.nodes = n } }

// Duration sets the time limit (default none).
func Duration(d time.Duration) JobspecOption { return func(c *jobspecConfig) { c.duration = d } }

// Environ sets the job's environment from "NAME=VALUE" entries, such as
// os.Environ() (default: empty).
func Environ(env []string) JobspecOption { return func(c *jobspecConfig) { c.env = env } }

// JobspecFromCommand builds the jobspec of a command, as flux-core's
// flux_jobspec1_from_command does.
func JobspecFromCommand(argv []string, opts ...JobspecOption) (*Jobspec, error) {
	var c jobspecConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	js, err := job.JobspecFromCommand(argv, c.env, c.ntasks, c.cores, c.gpus, c.nodes, c.duration.Seconds())
	if err != nil {
		return nil, fmt.Errorf("jobspec from command %q: %w", argv, err)
	}
	return &Jobspec{js: js}, nil
}

// ParseJobspec decodes a jobspec (JSON; YAML is not supported) without
// checking it.
func ParseJobspec(data []byte) (*Jobspec, error) {
	js, err := job.JobspecDecode(string(data))
	if err != nil {
		return nil, fmt.Errorf("parse jobspec: %w", err)
	}
	return &Jobspec{js: js}, nil
}

// Check validates the jobspec with flux-core's rules and texts.
func (s *Jobspec) Check() error {
	if err := s.jsOrNil().Check(); err != nil {
		return fmt.Errorf("check jobspec: %w", err)
	}
	return nil
}

// SetCwd sets the working directory.
func (s *Jobspec) SetCwd(dir string) error { return s.wrap("set cwd", s.jsOrNil().SetCwd(dir)) }

// Setenv sets one environment variable.
func (s *Jobspec) Setenv(name, value string) error {
	return s.wrap("setenv "+name, s.jsOrNil().Setenv(name, value, true))
}

// Unsetenv removes one environment variable.
func (s *Jobspec) Unsetenv(name string) error {
	return s.wrap("unsetenv "+name, s.jsOrNil().Unsetenv(name))
}

// SetStdin makes the job read its standard input from a file.
func (s *Jobspec) SetStdin(path string) error { return s.wrap("set stdin", s.jsOrNil().SetStdin(path)) }

// SetStdout makes the job write its standard output to a file instead of
// the KVS (where Events with EventlogOutput finds it).
func (s *Jobspec) SetStdout(path string) error {
	return s.wrap("set stdout", s.jsOrNil().SetStdout(path))
}

// SetStderr is SetStdout for standard error.
func (s *Jobspec) SetStderr(path string) error {
	return s.wrap("set stderr", s.jsOrNil().SetStderr(path))
}

// SetAttr sets the attribute at a dotted path under "attributes" (for
// example "system.job.name" or "user.tag") to v encoded as JSON.
func (s *Jobspec) SetAttr(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("set jobspec attribute %s: %w", path, err)
	}
	return s.wrap("set attribute "+path, s.jsOrNil().AttrSetJSON(path, string(b)))
}

// Attr decodes the attribute at path into v; a missing one is ENOENT.
func (s *Jobspec) Attr(path string, v any) error {
	text, err := s.jsOrNil().AttrGetJSON(path)
	if err != nil {
		return s.wrap("get attribute "+path, err)
	}
	return json.Unmarshal([]byte(text), v)
}

// DelAttr removes the attribute at path.
func (s *Jobspec) DelAttr(path string) error {
	return s.wrap("delete attribute "+path, s.jsOrNil().AttrDel(path))
}

// MarshalJSON encodes the jobspec compactly, as flux-core does.
func (s *Jobspec) MarshalJSON() ([]byte, error) {
	text, err := s.jsOrNil().Encode(job.EncodeCompact)
	if err != nil {
		return nil, s.wrap("encode", err)
	}
	return []byte(text), nil
}

// String is the compact JSON encoding.
func (s *Jobspec) String() string { return s.jsOrNil().String() }

// jsOrNil is the runtime jobspec (nil for a nil Jobspec).
func (s *Jobspec) jsOrNil() *job.Jobspec {
	if s == nil {
		return nil
	}
	return s.js
}

// wrap names the jobspec operation in an error.
func (s *Jobspec) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("jobspec %s: %w", op, err)
}
