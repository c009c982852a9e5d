// Package runtime is the golden test's stand-in for fluxgo's runtime: just
// the entries the feature fixtures (golden/testdata/*/spec.yaml) name,
// with the types the generator expects, so that the pinned output does not
// move when the real runtime changes. Its reactor types are aliases of a
// subpackage's, as the real runtime's may be, and its parameter names
// differ from the real ones on purpose.
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

// FlagsSet stands in for Handle.FlagsSet (its parameter is not named
// as flux_flags_set's, whose name go.param_types uses).
func (h *Handle) FlagsSet(fl int) { h.flags |= fl }

// GetRank stands in for Handle.GetRank.
func (h *Handle) GetRank() (uint32, error) { return 0, nil }

// GetURI stands in for a string result through a const char **.
func (h *Handle) GetURI() (string, error) { return "", nil }

// GetBlob stands in for a []byte result through a const void ** and its
// size.
func (h *Handle) GetBlob() ([]byte, error) { return nil, nil }

// AttrGet stands in for Handle.AttrGet.
func (h *Handle) AttrGet(key string) (string, error) { return key, nil }

// OptSet stands in for Handle.OptSet.
func (h *Handle) OptSet(opt string, v []byte) error { return nil }

// OptGet stands in for Handle.OptGet.
func (h *Handle) OptGet(opt string, n int) ([]byte, error) { return nil, nil }

// AuxSet stands in for Handle.AuxSet.
func (h *Handle) AuxSet(key *string, v any, free func(any)) error { return nil }

// AuxGet stands in for Handle.AuxGet.
func (h *Handle) AuxGet(key string) (any, error) { return nil, nil }

// GetReactor stands in for Handle.GetReactor.
func (h *Handle) GetReactor() (*Reactor, error) { return reactor.New(), nil }
