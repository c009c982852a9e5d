package main

// Hand-written exports of the KVS functions (kvs.h, kvs_lookup.h,
// kvs_txn.h, kvs_commit.h, kvs_getroot.h, kvs_dir.h, kvs_copy.h; spec
// binding "go"), thin over package runtime/kvs. Their C entry points are
// generated and set errno last; the variadic ones are in kvs.c.
//
// Strings and objects handed to C live as long as flux-core promises:
// those of a lookup's response are kept on the future (its token) until
// the future is destroyed or moves to another response, the others until
// their owner (future, directory, iterator) is destroyed.

/*
#include "flux/core.h"
#include "capi.h"
*/
import "C"

import (
	"context"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

var (
	kvsTxns = newTokenTable[kvs.Txn]("flux_kvs_txn_t", nil)
	kvsDirs = newTokenTable[kvs.Dir]("flux_kvsdir_t", nil)
	kvsItrs = newTokenTable[kvs.Itr]("flux_kvsitr_t", nil)
)

// kvsResponseAux names the future aux item recording the response the C
// copies of a lookup's results were made from.
const kvsResponseAux = "fluxgo::kvs_response"

// kvsResponseSlots are the slots of a lookup future holding C copies of
// its current response's results.
var kvsResponseSlots = []string{"kvs:val", "kvs:treeobj", "kvs:dir", "kvs:ns", "kvs:target", "kvs:json"}

// kvsGoString returns a C string argument as Go, "" for NULL (a NULL
// namespace or rootref means none).
func kvsGoString(s *C.char) string { return goStringOrEmpty(s) }

// kvsLookupFuture waits for the current response of the lookup future cf
// and returns its token and runtime future. When the response is not
// the one earlier results were copied from, those copies are dropped.
func kvsLookupFuture(cf *C.flux_future_t) (unsafe.Pointer, *fluxrt.Future, error) {
	tok := unsafe.Pointer(cf)
	f, err := lookupFuture(tok)
	if err != nil {
		return nil, nil, err
	}
	if _, err := kvs.LookupGetKey(f); err != nil {
		return nil, nil, err
	}
	m, err := f.Get()
	if err != nil {
		return nil, nil, err
	}
	if prev, _ := f.AuxGet(kvsResponseAux); prev != any(m) {
		if prev != nil {
			for _, slot := range kvsResponseSlots {
				hold(tok, slot, nil, nil)
			}
		}
		name := kvsResponseAux
		if err := f.AuxSet(&name, m, nil); err != nil {
			return nil, nil, err
		}
	}
	return tok, f, nil
}

// keptBytes returns owner's C copy of b under slot, making it on first
// use (NULL for nil b).
func keptBytes(owner unsafe.Pointer, slot string, b []byte) unsafe.Pointer {
	if p := heldPointer(owner, slot); p != nil {
		return p
	}
	return cbytesFor(owner, slot, b)
}

// fluxgo_held lets kvs.c find what an owner holds under slot (NULL if
// nothing).
//
//export fluxgo_held
func fluxgo_held(owner unsafe.Pointer, slot *C.char) unsafe.Pointer {
	defer func() { _ = recover() }()
	return heldPointer(owner, C.GoString(slot))
}

// fluxgo_flux_kvs_namespace_create implements flux_kvs_namespace_create.
//
//export fluxgo_flux_kvs_namespace_create
func fluxgo_flux_kvs_namespace_create(h *C.flux_t, ns *C.char, owner C.uint32_t, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if ns == nil || flags != 0 {
		setError(errp, errInvalid("bad namespace or flags"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.NamespaceCreate(rt, C.GoString(ns), uint32(owner), int(flags))
	})
}

// fluxgo_flux_kvs_namespace_create_with implements
// flux_kvs_namespace_create_with.
//
//export fluxgo_flux_kvs_namespace_create_with
func fluxgo_flux_kvs_namespace_create_with(h *C.flux_t, ns, rootref *C.char, owner C.uint32_t, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if ns == nil || rootref == nil || flags != 0 {
		setError(errp, errInvalid("bad namespace, rootref or flags"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.NamespaceCreateWith(rt, C.GoString(ns), C.GoString(rootref), uint32(owner), int(flags))
	})
}

// fluxgo_flux_kvs_namespace_remove implements flux_kvs_namespace_remove.
//
//export fluxgo_flux_kvs_namespace_remove
func fluxgo_flux_kvs_namespace_remove(h *C.flux_t, ns *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if ns == nil {
		setError(errp, errInvalid("namespace is NULL"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.NamespaceRemove(rt, C.GoString(ns))
	})
}

// fluxgo_flux_kvs_get_version implements flux_kvs_get_version.
//
//export fluxgo_flux_kvs_get_version
func fluxgo_flux_kvs_get_version(h *C.flux_t, ns *C.char, versionp *C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	rt, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	v, err := kvs.GetVersion(context.Background(), rt, kvsGoString(ns))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if versionp != nil {
		*versionp = C.int(v)
	}
	return 0
}

// fluxgo_flux_kvs_wait_version implements flux_kvs_wait_version.
//
//export fluxgo_flux_kvs_wait_version
func fluxgo_flux_kvs_wait_version(h *C.flux_t, ns *C.char, version C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	rt, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if err := kvs.WaitVersion(context.Background(), rt, kvsGoString(ns), int(version)); err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// kvsFutureResult runs send on the handle behind h and hands C the future
// it returns.
func kvsFutureResult(h *C.flux_t, errp *C.int, send func(*fluxrt.Handle) (*fluxrt.Future, error)) *C.flux_future_t {
	rt, err := lookupHandle(unsafe.Pointer(h))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	f, err := send(rt)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_future_t)(registerFuture(f))
}

// fluxgo_flux_kvs_lookup implements flux_kvs_lookup.
//
//export fluxgo_flux_kvs_lookup
func fluxgo_flux_kvs_lookup(h *C.flux_t, ns *C.char, flags C.int, key *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if key == nil {
		setError(errp, errInvalid("key is NULL"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.Lookup(rt, kvsGoString(ns), int(flags), C.GoString(key))
	})
}

// fluxgo_flux_kvs_lookupat implements flux_kvs_lookupat.
//
//export fluxgo_flux_kvs_lookupat
func fluxgo_flux_kvs_lookupat(h *C.flux_t, flags C.int, key, treeobj *C.char, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if key == nil || treeobj == nil {
		setError(errp, errInvalid("key or treeobj is NULL"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.LookupAt(rt, int(flags), C.GoString(key), C.GoString(treeobj))
	})
}

// fluxgo_flux_kvs_lookup_get implements flux_kvs_lookup_get: the value
// as a NUL-terminated string, NULL when empty.
//
//export fluxgo_flux_kvs_lookup_get
func fluxgo_flux_kvs_lookup_get(cf *C.flux_future_t, value **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	var data unsafe.Pointer
	if rc := kvsLookupRaw(cf, &data, nil, errp); rc < 0 {
		return rc
	}
	if value != nil {
		*value = (*C.char)(data)
	}
	return 0
}

// fluxgo_flux_kvs_lookup_get_raw implements flux_kvs_lookup_get_raw.
//
//export fluxgo_flux_kvs_lookup_get_raw
func fluxgo_flux_kvs_lookup_get_raw(cf *C.flux_future_t, data *unsafe.Pointer, length *C.size_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsLookupRaw(cf, data, length, errp)
}

// kvsLookupRaw stores the current value's C copy and length.
func kvsLookupRaw(cf *C.flux_future_t, data *unsafe.Pointer, length *C.size_t, errp *C.int) C.int {
	tok, f, err := kvsLookupFuture(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	b, err := kvs.LookupGetRaw(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	p := keptBytes(tok, "kvs:val", b)
	if data != nil {
		*data = p
	}
	if length != nil {
		*length = C.size_t(len(b))
	}
	return 0
}

// fluxgo_flux_kvs_lookup_get_treeobj implements
// flux_kvs_lookup_get_treeobj.
//
//export fluxgo_flux_kvs_lookup_get_treeobj
func fluxgo_flux_kvs_lookup_get_treeobj(cf *C.flux_future_t, treeobj **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	tok, f, err := kvsLookupFuture(cf)
	if err == nil {
		var s string
		if s, err = kvs.LookupGetTreeObj(f); err == nil {
			c := cstringKept(tok, "kvs:treeobj", s)
			if treeobj != nil {
				*treeobj = c
			}
			return 0
		}
	}
	setError(errp, err, nil)
	return -1
}

// fluxgo_flux_kvs_lookup_get_dir implements flux_kvs_lookup_get_dir: the
// directory belongs to the future.
//
//export fluxgo_flux_kvs_lookup_get_dir
func fluxgo_flux_kvs_lookup_get_dir(cf *C.flux_future_t, dir **C.flux_kvsdir_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	tok, f, err := kvsLookupFuture(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	p := heldPointer(tok, "kvs:dir")
	if p == nil {
		d, err := kvs.LookupGetDir(f)
		if err != nil {
			setError(errp, err, nil)
			return -1
		}
		p = kvsDirs.add(d)
		hold(tok, "kvs:dir", p, C.fluxgo_kvsdir_destroy_fn())
	}
	if dir != nil {
		*dir = (*C.flux_kvsdir_t)(p)
	}
	return 0
}

// fluxgo_flux_kvs_lookup_get_symlink implements
// flux_kvs_lookup_get_symlink (ns is NULL when the link has none).
//
//export fluxgo_flux_kvs_lookup_get_symlink
func fluxgo_flux_kvs_lookup_get_symlink(cf *C.flux_future_t, ns, target **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	tok, f, err := kvsLookupFuture(cf)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	n, t, err := kvs.LookupGetSymlink(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	if ns != nil {
		*ns = nil
		if n != "" {
			*ns = cstringKept(tok, "kvs:ns", n)
		}
	}
	if target != nil {
		*target = cstringKept(tok, "kvs:target", t)
	}
	return 0
}

// fluxgo_flux_kvs_lookup_get_key implements flux_kvs_lookup_get_key.
//
//export fluxgo_flux_kvs_lookup_get_key
func fluxgo_flux_kvs_lookup_get_key(cf *C.flux_future_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	tok := unsafe.Pointer(cf)
	f, err := lookupFuture(tok)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	key, err := kvs.LookupGetKey(f)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return cstringKept(tok, "kvs:key", key)
}

// fluxgo_flux_kvs_lookup_cancel implements flux_kvs_lookup_cancel.
//
//export fluxgo_flux_kvs_lookup_cancel
func fluxgo_flux_kvs_lookup_cancel(cf *C.flux_future_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	f, err := lookupFuture(unsafe.Pointer(cf))
	if err == nil {
		err = kvs.LookupCancel(f)
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_kvs_getroot implements flux_kvs_getroot.
//
//export fluxgo_flux_kvs_getroot
func fluxgo_flux_kvs_getroot(h *C.flux_t, ns *C.char, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.Getroot(rt, kvsGoString(ns), int(flags))
	})
}

// kvsFutureString runs get on the future behind cf and stores its result
// as a C string kept on the future under slot.
func kvsFutureString(cf *C.flux_future_t, out **C.char, slot string, get func(*fluxrt.Future) (string, error), errp *C.int) C.int {
	if out == nil {
		setError(errp, errInvalid("result pointer is NULL"), nil)
		return -1
	}
	tok := unsafe.Pointer(cf)
	f, err := lookupFuture(tok)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	s, err := get(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	*out = cstringKept(tok, slot, s)
	return 0
}

// kvsFutureInt runs get on the future behind cf and stores its result.
func kvsFutureInt[T any](cf *C.flux_future_t, out *T, get func(*fluxrt.Future) (T, error), errp *C.int) C.int {
	if out == nil {
		setError(errp, errInvalid("result pointer is NULL"), nil)
		return -1
	}
	f, err := lookupFuture(unsafe.Pointer(cf))
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	v, err := get(f)
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	*out = v
	return 0
}

// fluxgo_flux_kvs_getroot_get_treeobj implements
// flux_kvs_getroot_get_treeobj.
//
//export fluxgo_flux_kvs_getroot_get_treeobj
func fluxgo_flux_kvs_getroot_get_treeobj(cf *C.flux_future_t, treeobj **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureString(cf, treeobj, "kvs:getroot_treeobj", kvs.GetrootGetTreeObj, errp)
}

// fluxgo_flux_kvs_getroot_get_blobref implements
// flux_kvs_getroot_get_blobref.
//
//export fluxgo_flux_kvs_getroot_get_blobref
func fluxgo_flux_kvs_getroot_get_blobref(cf *C.flux_future_t, blobref **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureString(cf, blobref, "kvs:getroot_blobref", kvs.GetrootGetBlobref, errp)
}

// fluxgo_flux_kvs_getroot_get_sequence implements
// flux_kvs_getroot_get_sequence.
//
//export fluxgo_flux_kvs_getroot_get_sequence
func fluxgo_flux_kvs_getroot_get_sequence(cf *C.flux_future_t, seq *C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureInt(cf, seq, func(f *fluxrt.Future) (C.int, error) {
		v, err := kvs.GetrootGetSequence(f)
		return C.int(v), err
	}, errp)
}

// fluxgo_flux_kvs_getroot_get_owner implements
// flux_kvs_getroot_get_owner.
//
//export fluxgo_flux_kvs_getroot_get_owner
func fluxgo_flux_kvs_getroot_get_owner(cf *C.flux_future_t, owner *C.uint32_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureInt(cf, owner, func(f *fluxrt.Future) (C.uint32_t, error) {
		v, err := kvs.GetrootGetOwner(f)
		return C.uint32_t(v), err
	}, errp)
}

// fluxgo_flux_kvs_commit implements flux_kvs_commit.
//
//export fluxgo_flux_kvs_commit
func fluxgo_flux_kvs_commit(h *C.flux_t, ns *C.char, flags C.int, ctxn *C.flux_kvs_txn_t, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	txn, err := kvsTxns.get(unsafe.Pointer(ctxn))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return kvs.Commit(rt, kvsGoString(ns), int(flags), txn)
	})
}

// fluxgo_flux_kvs_commit_get_treeobj implements
// flux_kvs_commit_get_treeobj.
//
//export fluxgo_flux_kvs_commit_get_treeobj
func fluxgo_flux_kvs_commit_get_treeobj(cf *C.flux_future_t, treeobj **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureString(cf, treeobj, "kvs:commit_treeobj", kvs.CommitGetTreeObj, errp)
}

// fluxgo_flux_kvs_commit_get_rootref implements
// flux_kvs_commit_get_rootref.
//
//export fluxgo_flux_kvs_commit_get_rootref
func fluxgo_flux_kvs_commit_get_rootref(cf *C.flux_future_t, rootref **C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureString(cf, rootref, "kvs:commit_rootref", kvs.CommitGetRootref, errp)
}

// fluxgo_flux_kvs_commit_get_sequence implements
// flux_kvs_commit_get_sequence.
//
//export fluxgo_flux_kvs_commit_get_sequence
func fluxgo_flux_kvs_commit_get_sequence(cf *C.flux_future_t, rootseq *C.int, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsFutureInt(cf, rootseq, func(f *fluxrt.Future) (C.int, error) {
		v, err := kvs.CommitGetSequence(f)
		return C.int(v), err
	}, errp)
}

// fluxgo_flux_kvs_copy implements flux_kvs_copy.
//
//export fluxgo_flux_kvs_copy
func fluxgo_flux_kvs_copy(h *C.flux_t, srcns, srckey, dstns, dstkey *C.char, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return kvsCopyMove(kvs.Copy, h, srcns, srckey, dstns, dstkey, flags, errp)
}

// fluxgo_flux_kvs_move implements flux_kvs_move.
//
//export fluxgo_flux_kvs_move
func fluxgo_flux_kvs_move(h *C.flux_t, srcns, srckey, dstns, dstkey *C.char, flags C.int, errp *C.int) (ret *C.flux_future_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return kvsCopyMove(kvs.Move, h, srcns, srckey, dstns, dstkey, flags, errp)
}

// kvsCopyMove runs Copy or Move with C arguments.
func kvsCopyMove(fn func(*fluxrt.Handle, string, string, string, string, int) (*fluxrt.Future, error),
	h *C.flux_t, srcns, srckey, dstns, dstkey *C.char, flags C.int, errp *C.int) *C.flux_future_t {
	if srckey == nil || dstkey == nil {
		setError(errp, errInvalid("key is NULL"), nil)
		return nil
	}
	return kvsFutureResult(h, errp, func(rt *fluxrt.Handle) (*fluxrt.Future, error) {
		return fn(rt, kvsGoString(srcns), C.GoString(srckey), kvsGoString(dstns), C.GoString(dstkey), int(flags))
	})
}
