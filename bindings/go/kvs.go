package flux

import (
	"context"
	"encoding/json"
	"strconv"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// KVS reads and writes the key-value store of the instance a handle is
// connected to, in one namespace (or in one snapshot of it: see At). Get
// one with Handle.KVS; it is a small value, safe for concurrent use.
//
// Keys are paths with "." between directory levels ("a.b.c"). Values are
// bytes; Put stores Go values as JSON, the convention flux-core's tools
// and its Python binding share, and GetInto reads them back.
type KVS struct {
	h  *Handle
	ns string // "" = $FLUX_KVS_NAMESPACE, else "primary"
	at string // encoded root tree object of a snapshot; "" = current root
}

// KVS returns the KVS of h in namespace ns; with no argument, the
// namespace named by $FLUX_KVS_NAMESPACE, else "primary".
func (h *Handle) KVS(ns ...string) *KVS {
	kv := &KVS{h: h}
	if len(ns) > 0 {
		kv.ns = ns[0]
	}
	return kv
}

// Namespace returns the namespace kv works in.
func (kv *KVS) Namespace() string {
	if kv.ns == "" {
		return kvs.DefaultNamespace()
	}
	return kv.ns
}

// At returns a read-only view of the snapshot root (from Commit or
// Root): its lookups see the KVS as it was at that root.
func (kv *KVS) At(root Root) *KVS {
	c := *kv
	c.at = root.TreeObj
	return &c
}

// Value is a value read from the KVS.
type Value []byte

// String returns the value as text.
func (v Value) String() string { return string(v) }

// Decode unmarshals the value, which must be JSON, into dst; anything
// else is EINVAL.
func (v Value) Decode(dst any) error {
	if err := json.Unmarshal(v, dst); err != nil {
		return &fluxrt.Error{Errno: syscall.EINVAL, Text: err.Error()}
	}
	return nil
}

// runtimeHandle returns h's runtime handle. No receive loop is started
// for lookups and commits: as for an RPC, the goroutine waiting on the
// future receives its response itself, with no hand-off from a loop
// goroutine (streamHandle starts one for watches).
func (kv *KVS) runtimeHandle() (*fluxrt.Handle, error) {
	if kv == nil {
		return nil, errNilHandle
	}
	if err := kv.h.usable(); err != nil {
		return nil, err
	}
	return kv.h.rt, nil
}

// streamHandle is runtimeHandle with the receive loop running, for
// streaming lookups, which outlive any one wait.
func (kv *KVS) streamHandle() (*fluxrt.Handle, error) {
	rt, err := kv.runtimeHandle()
	if err != nil {
		return nil, err
	}
	if _, err := kv.h.recvLoop(); err != nil {
		return nil, err
	}
	return rt, nil
}

// lookup sends a lookup of key with flags and waits for its response
// under ctx. The caller destroys the future.
func (kv *KVS) lookup(ctx context.Context, op, key string, flags int) (*fluxrt.Future, error) {
	rt, err := kv.runtimeHandle()
	if err != nil {
		return nil, kv.err(op, key, err)
	}
	var f *fluxrt.Future
	if kv.at != "" {
		f, err = kvs.LookupAt(rt, flags, key, kv.at)
	} else {
		f, err = kvs.Lookup(rt, kv.ns, flags, key)
	}
	if err != nil {
		return nil, kv.err(op, key, err)
	}
	if err := f.Wait(ctx); err != nil {
		f.Destroy()
		return nil, kv.err(op, key, err)
	}
	return f, nil
}

// Get returns the value of key. A missing key is ENOENT, a directory
// EISDIR; a symlink is followed.
func (kv *KVS) Get(ctx context.Context, key string) (Value, error) {
	f, err := kv.lookup(ctx, "lookup", key, 0)
	if err != nil {
		return nil, err
	}
	defer f.Destroy()
	b, err := kvs.LookupGetRaw(f)
	if err != nil {
		return nil, kv.err("lookup", key, err)
	}
	return Value(b), nil
}

// GetInto reads key and decodes its value, which must be JSON, into dst
// (a pointer, as for json.Unmarshal). A value that is not JSON, or does
// not fit dst, is EINVAL.
func (kv *KVS) GetInto(ctx context.Context, key string, dst any) error {
	v, err := kv.Get(ctx, key)
	if err != nil {
		return err
	}
	if err := v.Decode(dst); err != nil {
		return kv.err("lookup", key, err)
	}
	return nil
}

// KVSGet reads key from kv and decodes its JSON value as a T.
func KVSGet[T any](ctx context.Context, kv *KVS, key string) (T, error) {
	var v T
	err := kv.GetInto(ctx, key, &v)
	return v, err
}

// ReadLink returns the namespace ("" when the link has none) and target
// key of the symlink key. Another kind of entry is EINVAL.
func (kv *KVS) ReadLink(ctx context.Context, key string) (ns, target string, err error) {
	f, err := kv.lookup(ctx, "readlink", key, kvs.Readlink)
	if err != nil {
		return "", "", err
	}
	defer f.Destroy()
	ns, target, err = kvs.LookupGetSymlink(f)
	if err != nil {
		return "", "", kv.err("readlink", key, err)
	}
	return ns, target, nil
}

// Tree returns the RFC 11 tree object stored at key, without following
// references: a val, valref, dir (its entries as tree objects), dirref or
// symlink.
func (kv *KVS) Tree(ctx context.Context, key string) (*kvs.Tree, error) {
	f, err := kv.lookup(ctx, "lookup", key, kvs.TreeObj)
	if err != nil {
		return nil, err
	}
	defer f.Destroy()
	t, err := kvs.LookupGetTree(f)
	if err != nil {
		return nil, kv.err("lookup", key, err)
	}
	return t, nil
}

// Dir reads the directory key ("." for the root). A key that is not a
// directory is ENOTDIR.
func (kv *KVS) Dir(ctx context.Context, key string) (*Dir, error) {
	f, err := kv.lookup(ctx, "readdir", key, kvs.Readdir)
	if err != nil {
		return nil, err
	}
	defer f.Destroy()
	d, err := kvs.LookupGetDir(f)
	if err != nil {
		return nil, kv.err("readdir", key, err)
	}
	return &Dir{d: d}, nil
}

// List returns the names in the directory key, sorted.
func (kv *KVS) List(ctx context.Context, key string) ([]string, error) {
	d, err := kv.Dir(ctx, key)
	if err != nil {
		return nil, err
	}
	return d.Names(), nil
}

// Dir is a snapshot of a KVS directory, from KVS.Dir.
type Dir struct {
	d *kvs.Dir
}

// Key returns the directory's key.
func (d *Dir) Key() string { return d.d.Key() }

// Len returns the number of entries.
func (d *Dir) Len() int { return d.d.Size() }

// Names returns the entry names, sorted.
func (d *Dir) Names() []string { return d.d.Names() }

// Has reports whether the directory has an entry name.
func (d *Dir) Has(name string) bool { return d.d.Exists(name) }

// IsDir reports whether the entry name is a directory.
func (d *Dir) IsDir(name string) bool { return d.d.IsDir(name) }

// IsSymlink reports whether the entry name is a symlink.
func (d *Dir) IsSymlink(name string) bool { return d.d.IsSymlink(name) }

// KeyAt returns the full key of the entry name.
func (d *Dir) KeyAt(name string) string { return d.d.KeyAt(name) }

// Entry returns the tree object of the entry name (ENOENT when absent).
// A small value is held in it directly (a val, see kvs.Tree.DecodeVal); a
// larger one or a subdirectory is a reference, read with KVS.Get or
// KVS.Dir at KeyAt(name).
func (d *Dir) Entry(name string) (*kvs.Tree, error) {
	e, err := d.d.Entry(name)
	if err != nil {
		return nil, err
	}
	return e.Copy(), nil
}

// Root names a root of a namespace: its sequence number, which grows by
// one with each commit, its blobref in the content store, and the dirref
// tree object for reading that snapshot with KVS.At.
type Root struct {
	Sequence int
	Blobref  string
	TreeObj  string
}

// Root returns the namespace's current root.
func (kv *KVS) Root(ctx context.Context) (Root, error) {
	rt, err := kv.runtimeHandle()
	if err != nil {
		return Root{}, kv.nsErr("getroot", err)
	}
	f, err := kvs.Getroot(rt, kv.ns, 0)
	if err != nil {
		return Root{}, kv.nsErr("getroot", err)
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return Root{}, kv.nsErr("getroot", err)
	}
	var r Root
	if r.Sequence, err = kvs.GetrootGetSequence(f); err == nil {
		if r.Blobref, err = kvs.GetrootGetBlobref(f); err == nil {
			r.TreeObj, err = kvs.GetrootGetTreeObj(f)
		}
	}
	if err != nil {
		return Root{}, kv.nsErr("getroot", err)
	}
	return r, nil
}

// WaitVersion waits until the namespace's root sequence reaches seq.
func (kv *KVS) WaitVersion(ctx context.Context, seq int) error {
	rt, err := kv.runtimeHandle()
	if err == nil {
		err = kvs.WaitVersion(ctx, rt, kv.ns, seq)
	}
	if err != nil {
		return kv.nsErr("wait-version "+strconv.Itoa(seq), err)
	}
	return nil
}
