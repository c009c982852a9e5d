package kvs

import (
	"syscall"
	"unicode/utf8"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// NamespaceCreate creates namespace ns owned by owner, with an empty root
// directory (flux_kvs_namespace_create); flags must be 0. It reads the
// broker's content.hash attribute to name the empty directory's blob.
func NamespaceCreate(h *runtime.Handle, ns string, owner uint32, flags int) (*runtime.Future, error) {
	if h == nil || ns == "" || flags != 0 {
		return nil, inval()
	}
	hashType, err := h.AttrGet("content.hash")
	if err != nil {
		return nil, err
	}
	rootref, err := EmptyDirBlobref(hashType)
	if err != nil {
		return nil, err
	}
	return NamespaceCreateWith(h, ns, rootref, owner, flags)
}

// EmptyDirBlobref returns the blobref of an empty directory under hash
// type hashType: the root of a new namespace (always in the content
// store, since the primary namespace starts with it).
func EmptyDirBlobref(hashType string) (string, error) {
	return HashBlobref(hashType, []byte(NewDirTree().Encode()))
}

// NamespaceCreateWith creates namespace ns with the root directory whose
// blobref is rootref (flux_kvs_namespace_create_with); flags must be 0.
// owner is sent as a signed int, as flux-core sends it.
func NamespaceCreateWith(h *runtime.Handle, ns, rootref string, owner uint32, flags int) (*runtime.Future, error) {
	if h == nil || ns == "" || rootref == "" || flags != 0 || !utf8.ValidString(ns) {
		return nil, inval()
	}
	p, err := requestJSON(map[string]any{
		"namespace": ns,
		"rootref":   rootref,
		"owner":     int32(owner),
		"flags":     flags,
	})
	if err != nil {
		return nil, err
	}
	return h.RPC("kvs.namespace-create", p, 0, 0)
}

// NamespaceRemove removes namespace ns (flux_kvs_namespace_remove).
func NamespaceRemove(h *runtime.Handle, ns string) (*runtime.Future, error) {
	if h == nil || ns == "" || !utf8.ValidString(ns) {
		return nil, inval()
	}
	p, err := requestJSON(map[string]string{"namespace": ns})
	if err != nil {
		return nil, err
	}
	return h.RPC("kvs.namespace-remove", p, 0, 0)
}

// NamespaceInfo describes one namespace of a NamespaceList response.
type NamespaceInfo struct {
	Namespace string `json:"namespace"`
	Owner     uint32 `json:"owner"`
	Flags     int    `json:"flags"`
}

// NamespaceList asks for the namespaces the KVS has (those not being
// removed); see NamespaceListGet. (flux-core's libkvs has no call for
// this; flux kvs namespace list sends the same request.)
func NamespaceList(h *runtime.Handle) (*runtime.Future, error) {
	if h == nil {
		return nil, inval()
	}
	return h.RPC("kvs.namespace-list", nil, msg.NodeIDAny, 0)
}

// NamespaceListGet returns the namespaces of a NamespaceList response.
func NamespaceListGet(f *runtime.Future) ([]NamespaceInfo, error) {
	var r struct {
		Namespaces []struct {
			Namespace *string `json:"namespace"`
			Owner     *int64  `json:"owner"`
			Flags     *int    `json:"flags"`
		} `json:"namespaces"`
	}
	if err := responseJSON(f, &r); err != nil {
		return nil, err
	}
	if r.Namespaces == nil {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	out := make([]NamespaceInfo, 0, len(r.Namespaces))
	for _, n := range r.Namespaces {
		if n.Namespace == nil || n.Owner == nil || n.Flags == nil {
			return nil, runtime.ErrnoError(syscall.EPROTO)
		}
		out = append(out, NamespaceInfo{Namespace: *n.Namespace, Owner: uint32(*n.Owner), Flags: *n.Flags})
	}
	return out, nil
}
