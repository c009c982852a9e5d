package job

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// State is a job state (flux_job_state_t), a bit so sets of states can be
// or-ed together.
type State int

// Job states and the sets flux-core names.
const (
	StateNew      State = 1
	StateDepend   State = 2
	StatePriority State = 4
	StateSched    State = 8
	StateRun      State = 16
	StateCleanup  State = 32
	StateInactive State = 64
	StatePending  State = StateDepend | StatePriority | StateSched
	StateRunning  State = StateRun | StateCleanup
	StateActive   State = StatePending | StateRunning
)

// Result is how a job ended (flux_job_result_t).
type Result int

// Job results.
const (
	ResultCompleted Result = 1
	ResultFailed    Result = 2
	ResultCanceled  Result = 4
	ResultTimeout   Result = 8
)

// names holds the four spellings of one state or result: long upper,
// long lower, short upper, short lower.
type names struct {
	num                                          int
	longUpper, longLower, shortUpper, shortLower string
}

var stateNames = []names{
	{int(StateNew), "NEW", "new", "N", "n"},
	{int(StateDepend), "DEPEND", "depend", "D", "d"},
	{int(StatePriority), "PRIORITY", "priority", "P", "p"},
	{int(StateSched), "SCHED", "sched", "S", "s"},
	{int(StateRun), "RUN", "run", "R", "r"},
	{int(StateCleanup), "CLEANUP", "cleanup", "C", "c"},
	{int(StateInactive), "INACTIVE", "inactive", "I", "i"},
	{int(StatePending), "PENDING", "pending", "PD", "pd"},
	{int(StateRunning), "RUNNING", "running", "RU", "ru"},
	{int(StateActive), "ACTIVE", "active", "A", "a"},
}

var resultNames = []names{
	{int(ResultCompleted), "COMPLETED", "completed", "CD", "cd"},
	{int(ResultFailed), "FAILED", "failed", "F", "f"},
	{int(ResultCanceled), "CANCELED", "canceled", "CA", "ca"},
	{int(ResultTimeout), "TIMEOUT", "timeout", "TO", "to"},
}

var unknownName = names{0, "(unknown)", "(unknown)", "?", "?"}

// pick returns the spelling fmt asks for: "s" short lower, "S" short
// upper, "l" long lower, anything else ("L", "") long upper. Only the
// first character counts.
func (n names) pick(fmt string) string {
	var c byte
	if fmt != "" {
		c = fmt[0]
	}
	switch c {
	case 's':
		return n.shortLower
	case 'S':
		return n.shortUpper
	case 'l':
		return n.longLower
	}
	return n.longUpper
}

// lookupName returns the spelling of num, "(unknown)" or "?" when the
// table has no such value.
func lookupName(tab []names, num int, fmt string) string {
	for _, n := range tab {
		if n.num == num {
			return n.pick(fmt)
		}
	}
	return unknownName.pick(fmt)
}

// lookupNum parses any of the four spellings; anything else is EINVAL.
func lookupNum(tab []names, s string) (int, error) {
	for _, n := range tab {
		if s == n.shortLower || s == n.shortUpper || s == n.longLower || s == n.longUpper {
			return n.num, nil
		}
	}
	return 0, runtime.ErrnoError(syscall.EINVAL)
}

// StateToString names a state (flux_job_statetostr); see names.pick for fmt.
func StateToString(s State, fmt string) string { return lookupName(stateNames, int(s), fmt) }

// StringToState parses a state name in any spelling (flux_job_strtostate).
func StringToState(s string) (State, error) {
	n, err := lookupNum(stateNames, s)
	return State(n), err
}

// ResultToString names a result (flux_job_resulttostr).
func ResultToString(r Result, fmt string) string { return lookupName(resultNames, int(r), fmt) }

// StringToResult parses a result name in any spelling
// (flux_job_strtoresult).
func StringToResult(s string) (Result, error) {
	n, err := lookupNum(resultNames, s)
	return Result(n), err
}

// String is the state's long upper-case name.
func (s State) String() string { return StateToString(s, "L") }

// String is the result's long upper-case name.
func (r Result) String() string { return ResultToString(r, "L") }
