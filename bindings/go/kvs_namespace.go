package flux

import (
	"context"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// KVSNamespace describes a KVS namespace.
type KVSNamespace struct {
	Name  string
	Owner uint32 // user id; UseridUnknown for the instance owner
	Flags int
}

// userIDUnknown is FLUX_USERID_UNKNOWN: the KVS makes the instance owner
// the namespace's owner.
const userIDUnknown = ^uint32(0)

// NamespaceOption adjusts CreateKVSNamespace.
type NamespaceOption func(*namespaceConfig)

// namespaceConfig collects the options of CreateKVSNamespace.
type namespaceConfig struct {
	owner uint32
}

// Owner makes user id uid the owner of a new namespace (who may read and
// write it besides the instance owner); by default the instance owner is.
func Owner(uid uint32) NamespaceOption {
	return func(c *namespaceConfig) { c.owner = uid }
}

// CreateKVSNamespace creates the KVS namespace name, empty, and returns
// its KVS. An existing namespace is EEXIST.
func (h *Handle) CreateKVSNamespace(ctx context.Context, name string, opts ...NamespaceOption) (*KVS, error) {
	cfg := namespaceConfig{owner: userIDUnknown}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	kv := h.KVS(name)
	err := kv.nsRPC(ctx, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		hashType, err := rt.AttrGetContext(ctx, "content.hash")
		if err != nil {
			return nil, err
		}
		rootref, err := kvs.EmptyDirBlobref(hashType)
		if err != nil {
			return nil, err
		}
		return kvs.NamespaceCreateWith(rt, name, rootref, cfg.owner, 0)
	})
	if err != nil {
		return nil, kv.nsErr("namespace create", err)
	}
	return kv, nil
}

// RemoveKVSNamespace removes the KVS namespace name and all it holds.
func (h *Handle) RemoveKVSNamespace(ctx context.Context, name string) error {
	kv := h.KVS(name)
	err := kv.nsRPC(ctx, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.NamespaceRemove(rt, name)
	})
	if err != nil {
		return kv.nsErr("namespace remove", err)
	}
	return nil
}

// KVSNamespaces lists the KVS namespaces.
func (h *Handle) KVSNamespaces(ctx context.Context) ([]KVSNamespace, error) {
	list, err := h.KVS().namespaceList(ctx)
	if err != nil {
		return nil, &KVSError{Op: "namespace list", Err: err}
	}
	out := make([]KVSNamespace, len(list))
	for i, n := range list {
		out[i] = KVSNamespace{Name: n.Namespace, Owner: n.Owner, Flags: n.Flags}
	}
	return out, nil
}

// namespaceList sends a namespace-list request and waits for the list.
func (kv *KVS) namespaceList(ctx context.Context) ([]kvs.NamespaceInfo, error) {
	rt, err := kv.runtimeHandle()
	if err != nil {
		return nil, err
	}
	f, err := kvs.NamespaceList(rt)
	if err != nil {
		return nil, err
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return nil, err
	}
	return kvs.NamespaceListGet(f)
}

// nsRPC runs send on kv's handle and waits for the future it returns.
func (kv *KVS) nsRPC(ctx context.Context, send func(*fluxrt.Handle) (*fluxrt.Future, error)) error {
	rt, err := kv.runtimeHandle()
	if err != nil {
		return err
	}
	f, err := send(rt)
	if f != nil {
		defer f.Destroy()
	}
	if err != nil {
		return err
	}
	if err := f.Wait(ctx); err != nil {
		return err
	}
	_, err = f.Get()
	return err
}
