// Package runtime is the golden test's stand-in for fluxgo's runtime: just
// the entries golden/testdata/fixture.yaml names, with the same types, so
// that the pinned output does not move when the real runtime changes. Its
// reactor types are aliases of a subpackage's, as the real runtime's may
// be, and its parameter names differ from the real ones on purpose.
package runtime

import "github.com/fluxgo/fluxgo/runtime/reactor"

// Handle stands in for a flux_t.
type Handle struct{ flags int }

// Reactor and Watcher are the subpackage's types.
type (
	Reactor     = reactor.Reactor
	Watcher     = reactor.Watcher
	WatcherFunc = reactor.WatcherFunc
)

// Open stands in for runtime.Open.
func Open(u *string, fl int) (*Handle, error) { return &Handle{flags: fl}, nil }

// FlagsGet stands in for Handle.FlagsGet.
func (h *Handle) FlagsGet() int { return h.flags }

// GetRank stands in for Handle.GetRank.
func (h *Handle) GetRank() (uint32, error) { return 0, nil }

// GetReactor stands in for Handle.GetReactor.
func (h *Handle) GetReactor() (*Reactor, error) { return reactor.New(), nil }
