package flux

import (
	"context"
	"sync"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// Txn collects changes to commit to the KVS together: all of them or,
// if any fails, none. Build it with the chaining methods and send it
// with Commit:
//
//	root, err := h.KVS().Txn().
//		Put("job.state", map[string]any{"state": "run"}).
//		Unlink("job.tmp").
//		Commit(ctx)
//
// A bad argument (an empty key, a value JSON cannot encode) is kept and
// returned by Commit, which then sends nothing. A Txn is safe for
// concurrent use; it can be committed again after more changes.
type Txn struct {
	kv  *KVS
	txn *kvs.Txn

	mu  sync.Mutex
	bad error // first failure of a builder method
}

// Txn starts a transaction on kv's namespace.
func (kv *KVS) Txn() *Txn {
	return &Txn{kv: kv, txn: kvs.NewTxn()}
}

// note records the first failure of op on key.
func (t *Txn) note(op, key string, err error) *Txn {
	if err != nil {
		t.mu.Lock()
		if t.bad == nil {
			t.bad = t.kv.err(op, key, err)
		}
		t.mu.Unlock()
	}
	return t
}

// failure returns the first failure of a builder method.
func (t *Txn) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bad
}

// Put sets key to v: a []byte or Value is stored as is, a string as its
// text, anything else as its JSON encoding.
func (t *Txn) Put(key string, v any) *Txn {
	switch x := v.(type) {
	case []byte:
		return t.note("put", key, t.txn.PutRaw(0, key, x))
	case Value:
		return t.note("put", key, t.txn.PutRaw(0, key, x))
	case string:
		return t.note("put", key, t.txn.Put(0, key, x))
	}
	return t.note("put", key, t.txn.PutJSON(0, key, v))
}

// PutRaw sets key to data.
func (t *Txn) PutRaw(key string, data []byte) *Txn {
	return t.note("put", key, t.txn.PutRaw(0, key, data))
}

// Append adds data to the end of key's value (creating the key when
// absent), as flux-core's FLUX_KVS_APPEND does.
func (t *Txn) Append(key string, data []byte) *Txn {
	return t.note("append", key, t.txn.PutRaw(kvs.Append, key, data))
}

// PutTree sets key to an RFC 11 tree object, e.g. one read with KVS.Tree
// (this is how Copy works).
func (t *Txn) PutTree(key string, obj *kvs.Tree) *Txn {
	return t.note("put", key, t.txn.PutTree(0, key, obj))
}

// Mkdir makes key an empty directory, replacing what was there.
func (t *Txn) Mkdir(key string) *Txn {
	return t.note("mkdir", key, t.txn.Mkdir(0, key))
}

// Unlink removes key (a directory with all it holds).
func (t *Txn) Unlink(key string) *Txn {
	return t.note("unlink", key, t.txn.Unlink(0, key))
}

// Symlink makes key a symlink to target; ns names the target's namespace
// ("" for the namespace the link is read in).
func (t *Txn) Symlink(key, ns, target string) *Txn {
	return t.note("symlink", key, t.txn.Symlink(0, key, ns, target))
}

// Len returns the number of changes in the transaction.
func (t *Txn) Len() int { return t.txn.Len() }

// CommitOption changes how a commit is made.
type CommitOption int

const (
	// NoMerge keeps the commit from being merged with other commits.
	NoMerge CommitOption = kvs.NoMerge
	// Compact merges the transaction's appends to one key before sending.
	Compact CommitOption = kvs.TxnCompact
	// Sync returns only once the new root is flushed to the content
	// store's backing file and checkpointed.
	Sync CommitOption = kvs.Sync
)

// Commit applies the transaction's changes atomically and returns the
// root they made. The first failure of a builder method is returned
// instead, with nothing sent.
func (t *Txn) Commit(ctx context.Context, opts ...CommitOption) (Root, error) {
	if err := t.failure(); err != nil {
		return Root{}, err
	}
	flags := 0
	for _, o := range opts {
		flags |= int(o)
	}
	rt, err := t.kv.runtimeHandle()
	if err != nil {
		return Root{}, t.kv.nsErr("commit", err)
	}
	if t.kv.at != "" {
		return Root{}, t.kv.nsErr("commit", fluxrt.Errorf(syscall.EINVAL, "a snapshot is read-only"))
	}
	f, err := kvs.Commit(rt, t.kv.ns, flags, t.txn)
	if err != nil {
		return Root{}, t.kv.nsErr("commit", err)
	}
	defer f.Destroy()
	r, err := commitRoot(ctx, f)
	if err != nil {
		return Root{}, t.kv.nsErr("commit", err)
	}
	return r, nil
}

// commitRoot waits for a commit's future and returns the root it made.
func commitRoot(ctx context.Context, f *fluxrt.Future) (Root, error) {
	if err := f.Wait(ctx); err != nil {
		return Root{}, err
	}
	var r Root
	var err error
	if r.Sequence, err = kvs.CommitGetSequence(f); err == nil {
		if r.Blobref, err = kvs.CommitGetRootref(f); err == nil {
			r.TreeObj, err = kvs.CommitGetTreeObj(f)
		}
	}
	if err != nil {
		return Root{}, err
	}
	return r, nil
}

// Put commits one key: see Txn.Put.
func (kv *KVS) Put(ctx context.Context, key string, v any) (Root, error) {
	return kv.Txn().Put(key, v).Commit(ctx)
}

// Copy copies srcKey of kv's namespace to dstKey of namespace dstNS (""
// for kv's own) without reading values: the source's tree object is
// committed at the destination. It returns the destination's new root.
func (kv *KVS) Copy(ctx context.Context, srcKey, dstNS, dstKey string, opts ...CommitOption) (Root, error) {
	return kv.copyMove(ctx, "copy", kvs.Copy, srcKey, dstNS, dstKey, opts)
}

// Move is Copy followed by the unlink of srcKey (two commits); it returns
// kv's namespace's root after the unlink.
func (kv *KVS) Move(ctx context.Context, srcKey, dstNS, dstKey string, opts ...CommitOption) (Root, error) {
	return kv.copyMove(ctx, "move", kvs.Move, srcKey, dstNS, dstKey, opts)
}

// copyMove runs Copy or Move.
func (kv *KVS) copyMove(ctx context.Context, op string,
	fn func(*fluxrt.Handle, string, string, string, string, int) (*fluxrt.Future, error),
	srcKey, dstNS, dstKey string, opts []CommitOption) (Root, error) {
	flags := 0
	for _, o := range opts {
		flags |= int(o)
	}
	if dstNS == "" {
		dstNS = kv.ns
	}
	rt, err := kv.runtimeHandle()
	if err != nil {
		return Root{}, kv.err(op, srcKey, err)
	}
	f, err := fn(rt, kv.ns, srcKey, dstNS, dstKey, flags)
	if err != nil {
		return Root{}, kv.err(op, srcKey, err)
	}
	defer f.Destroy()
	r, err := commitRoot(ctx, f)
	if err != nil {
		return Root{}, kv.err(op, srcKey, err)
	}
	return r, nil
}
