// Package flux is the Go binding of fluxgo: a pure-Go client for the Flux
// resource manager's message broker, with no cgo. It speaks flux-core's
// wire protocol (RFC 3 messages over the broker's local:// unix socket), so
// it talks to a real flux-core broker as flux-core's own libflux-core does.
//
// Open a handle with Open, ask it things, and Close it:
//
//	h, err := flux.Open("", 0) // $FLUX_URI, else local:///run/flux/local
//	if err != nil { ... }
//	defer h.Close()
//	rank, err := h.Rank()
//
// Errors carry an errno and flux-core's error text: errors.Is(err,
// syscall.ENOENT) works, and err.Error() is the text a C caller would find
// in flux_error_t.
//
// The constants and the thin methods in zz_generated_*.go are generated
// from spec/handle.yaml; the rest of this package is written by hand on top
// of package runtime, where all behaviour lives.
package flux

import (
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// Handle is an open connection to a Flux broker. Its methods may be called
// from many goroutines at once.
type Handle struct {
	rt *fluxrt.Handle
}

// errNilHandle is returned by methods called on a nil or closed-over Handle.
var errNilHandle error = &fluxrt.Error{Errno: syscall.EINVAL, Text: "nil flux handle"}

// wrapHandle gives the binding's view of a runtime handle; nil stays nil.
func wrapHandle(rt *fluxrt.Handle) *Handle {
	if rt == nil {
		return nil
	}
	return &Handle{rt: rt}
}

// Open connects to the broker at uri. An empty uri means $FLUX_URI, or
// local:///run/flux/local when that is unset, exactly as flux_open(NULL, ...)
// chooses. flags are FLUX_O_* flags such as Trace or RPCTrack.
func Open(uri string, flags ...OpenFlag) (*Handle, error) {
	var all OpenFlag
	for _, f := range flags {
		all |= f
	}
	var u *string
	if uri != "" {
		u = &uri
	}
	rt, err := fluxrt.Open(u, int(all))
	if err != nil {
		return nil, err
	}
	return wrapHandle(rt), nil
}

// Close drops this reference to the handle; the last reference closes the
// connection. Close on a nil Handle does nothing.
func (h *Handle) Close() {
	if h == nil || h.rt == nil {
		return
	}
	h.rt.Close()
}

// Rank returns the rank of the broker the handle is connected to. The
// first call asks the broker (attribute "rank"); later calls use the cache.
func (h *Handle) Rank() (uint32, error) {
	if h == nil || h.rt == nil {
		return 0, errNilHandle
	}
	return h.rt.GetRank()
}

// Size returns the number of brokers in the instance.
func (h *Handle) Size() (uint32, error) {
	if h == nil || h.rt == nil {
		return 0, errNilHandle
	}
	return h.rt.GetSize()
}
