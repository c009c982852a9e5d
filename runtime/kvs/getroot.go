package kvs

import (
	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// getrootAux names the aux item that marks getroot futures.
const getrootAux = "flux::getroot_ctx"

// Getroot asks for the current root of namespace ns (flux_kvs_getroot);
// flags must be 0.
func Getroot(h *runtime.Handle, ns string, flags int) (*runtime.Future, error) {
	if h == nil || flags != 0 {
		return nil, inval()
	}
	p, err := requestJSON(map[string]any{"namespace": orDefault(ns), "flags": flags})
	if err != nil {
		return nil, err
	}
	f, err := h.RPC("kvs.getroot", p, msg.NodeIDAny, 0)
	if err != nil {
		return nil, err
	}
	if err := markFuture(f, getrootAux, true); err != nil {
		return nil, err
	}
	return f, nil
}

// GetrootGetBlobref returns the root's blobref
// (flux_kvs_getroot_get_blobref).
func GetrootGetBlobref(f *runtime.Future) (string, error) {
	r, err := decodeRoot(f, true)
	if err != nil {
		return "", err
	}
	return *r.Rootref, nil
}

// GetrootGetSequence returns the root's sequence number
// (flux_kvs_getroot_get_sequence).
func GetrootGetSequence(f *runtime.Future) (int, error) {
	r, err := decodeRoot(f, true)
	if err != nil {
		return 0, err
	}
	return *r.Rootseq, nil
}

// GetrootGetOwner returns the namespace's owner
// (flux_kvs_getroot_get_owner).
func GetrootGetOwner(f *runtime.Future) (uint32, error) {
	r, err := decodeRoot(f, true)
	if err != nil {
		return 0, err
	}
	return uint32(*r.Owner), nil
}

// GetrootGetTreeObj returns the root as an encoded dirref tree object
// (flux_kvs_getroot_get_treeobj); a future not made by Getroot is EINVAL.
func GetrootGetTreeObj(f *runtime.Future) (string, error) {
	if _, err := f.AuxGet(getrootAux); err != nil {
		return "", inval()
	}
	ref, err := GetrootGetBlobref(f)
	if err != nil {
		return "", err
	}
	return dirrefText(ref)
}
