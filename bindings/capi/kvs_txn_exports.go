package main

// Hand-written exports of kvs_txn.h and kvs_dir.h (spec binding "go"):
// transactions, directories and iterators are C tokens for runtime/kvs
// values (flux_kvs_txn_pack and flux_kvs_txn_vpack are in kvs.c).

/*
#include "flux/core.h"
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// fluxgo_flux_kvs_txn_create implements flux_kvs_txn_create.
//
//export fluxgo_flux_kvs_txn_create
func fluxgo_flux_kvs_txn_create(errp *C.int) (ret *C.flux_kvs_txn_t) {
	defer recoverTo(errp, nil, &ret, nil)
	return (*C.flux_kvs_txn_t)(kvsTxns.add(kvs.NewTxn()))
}

// fluxgo_flux_kvs_txn_destroy implements flux_kvs_txn_destroy (errno is
// kept).
//
//export fluxgo_flux_kvs_txn_destroy
func fluxgo_flux_kvs_txn_destroy(txn *C.flux_kvs_txn_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	kvsTxns.release(unsafe.Pointer(txn))
}

// kvsTxnOp runs op on the transaction behind txn when key is not NULL.
func kvsTxnOp(txn *C.flux_kvs_txn_t, key *C.char, errp *C.int, op func(*kvs.Txn, string) error) C.int {
	t, err := kvsTxns.get(unsafe.Pointer(txn))
	if err == nil && key == nil {
		err = errInvalid("key is NULL")
	}
	if err == nil {
		err = op(t, C.GoString(key))
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_kvs_txn_put implements flux_kvs_txn_put (a NULL value is
// an empty one).
//
//export fluxgo_flux_kvs_txn_put
func fluxgo_flux_kvs_txn_put(txn *C.flux_kvs_txn_t, flags C.int, key, value *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error {
		return t.Put(int(flags), k, goStringOrEmpty(value))
	})
}

// fluxgo_flux_kvs_txn_put_raw implements flux_kvs_txn_put_raw.
//
//export fluxgo_flux_kvs_txn_put_raw
func fluxgo_flux_kvs_txn_put_raw(txn *C.flux_kvs_txn_t, flags C.int, key *C.char, data unsafe.Pointer, length C.size_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error {
		if data == nil && length > 0 {
			return errInvalid("data is NULL")
		}
		return t.PutRaw(int(flags), k, goBytes(data, int(length)))
	})
}

// fluxgo_flux_kvs_txn_put_treeobj implements flux_kvs_txn_put_treeobj.
//
//export fluxgo_flux_kvs_txn_put_treeobj
func fluxgo_flux_kvs_txn_put_treeobj(txn *C.flux_kvs_txn_t, flags C.int, key, treeobj *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error {
		if treeobj == nil {
			return errInvalid("treeobj is NULL")
		}
		return t.PutTreeObj(int(flags), k, C.GoString(treeobj))
	})
}

// fluxgo_flux_kvs_txn_mkdir implements flux_kvs_txn_mkdir.
//
//export fluxgo_flux_kvs_txn_mkdir
func fluxgo_flux_kvs_txn_mkdir(txn *C.flux_kvs_txn_t, flags C.int, key *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error { return t.Mkdir(int(flags), k) })
}

// fluxgo_flux_kvs_txn_unlink implements flux_kvs_txn_unlink.
//
//export fluxgo_flux_kvs_txn_unlink
func fluxgo_flux_kvs_txn_unlink(txn *C.flux_kvs_txn_t, flags C.int, key *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error { return t.Unlink(int(flags), k) })
}

// fluxgo_flux_kvs_txn_symlink implements flux_kvs_txn_symlink (a NULL
// namespace is none).
//
//export fluxgo_flux_kvs_txn_symlink
func fluxgo_flux_kvs_txn_symlink(txn *C.flux_kvs_txn_t, flags C.int, key, ns, target *C.char, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	return kvsTxnOp(txn, key, errp, func(t *kvs.Txn, k string) error {
		if target == nil {
			return errInvalid("target is NULL")
		}
		return t.Symlink(int(flags), k, goStringOrEmpty(ns), C.GoString(target))
	})
}

// fluxgo_flux_kvs_txn_clear implements flux_kvs_txn_clear.
//
//export fluxgo_flux_kvs_txn_clear
func fluxgo_flux_kvs_txn_clear(txn *C.flux_kvs_txn_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	t, err := kvsTxns.get(unsafe.Pointer(txn))
	if err == nil {
		err = t.Clear()
	}
	if err != nil {
		setError(errp, err, nil)
		return -1
	}
	return 0
}

// fluxgo_flux_kvs_txn_is_empty implements flux_kvs_txn_is_empty (NULL
// is empty).
//
//export fluxgo_flux_kvs_txn_is_empty
func fluxgo_flux_kvs_txn_is_empty(txn *C.flux_kvs_txn_t, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, C.bool(true))
	t, err := kvsTxns.get(unsafe.Pointer(txn))
	if err != nil {
		return C.bool(true)
	}
	return C.bool(t.IsEmpty())
}

// kvsDir returns the directory behind a C pointer, setting errp if none.
func kvsDir(dir *C.flux_kvsdir_t, errp *C.int) *kvs.Dir {
	d, err := kvsDirs.get(unsafe.Pointer(dir))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return d
}

// fluxgo_flux_kvsdir_create implements flux_kvsdir_create (handle and
// rootref may be NULL).
//
//export fluxgo_flux_kvsdir_create
func fluxgo_flux_kvsdir_create(h *C.flux_t, rootref, key, jsonStr *C.char, errp *C.int) (ret *C.flux_kvsdir_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if key == nil || jsonStr == nil {
		setError(errp, errInvalid("key or json_str is NULL"), nil)
		return nil
	}
	var rt *fluxrt.Handle
	if h != nil {
		r, err := lookupHandle(unsafe.Pointer(h))
		if err != nil {
			setError(errp, err, nil)
			return nil
		}
		rt = r
	}
	d, err := kvs.NewDir(rt, goStringOrEmpty(rootref), C.GoString(key), C.GoString(jsonStr))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_kvsdir_t)(kvsDirs.add(d))
}

// fluxgo_flux_kvsdir_destroy implements flux_kvsdir_destroy: drops one
// reference.
//
//export fluxgo_flux_kvsdir_destroy
func fluxgo_flux_kvsdir_destroy(dir *C.flux_kvsdir_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	kvsDirs.release(unsafe.Pointer(dir))
}

// fluxgo_flux_kvsdir_copy implements flux_kvsdir_copy.
//
//export fluxgo_flux_kvsdir_copy
func fluxgo_flux_kvsdir_copy(dir *C.flux_kvsdir_t, errp *C.int) (ret *C.flux_kvsdir_t) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil {
		return nil
	}
	return (*C.flux_kvsdir_t)(kvsDirs.add(d.Copy()))
}

// fluxgo_flux_kvsdir_incref implements flux_kvsdir_incref.
//
//export fluxgo_flux_kvsdir_incref
func fluxgo_flux_kvsdir_incref(dir *C.flux_kvsdir_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	if err := kvsDirs.incref(unsafe.Pointer(dir)); err != nil {
		setError(errp, err, nil)
	}
}

// fluxgo_flux_kvsitr_create implements flux_kvsitr_create.
//
//export fluxgo_flux_kvsitr_create
func fluxgo_flux_kvsitr_create(dir *C.flux_kvsdir_t, errp *C.int) (ret *C.flux_kvsitr_t) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil {
		return nil
	}
	it, err := kvs.NewItr(d)
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	return (*C.flux_kvsitr_t)(kvsItrs.add(it))
}

// fluxgo_flux_kvsitr_destroy implements flux_kvsitr_destroy.
//
//export fluxgo_flux_kvsitr_destroy
func fluxgo_flux_kvsitr_destroy(itr *C.flux_kvsitr_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	kvsItrs.release(unsafe.Pointer(itr))
}

// fluxgo_flux_kvsitr_next implements flux_kvsitr_next: NULL after the
// last name; names stay valid while the iterator lives.
//
//export fluxgo_flux_kvsitr_next
func fluxgo_flux_kvsitr_next(itr *C.flux_kvsitr_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	it, err := kvsItrs.get(unsafe.Pointer(itr))
	if err != nil {
		return nil
	}
	name, ok := it.Next()
	if !ok {
		return nil
	}
	return cstringKept(unsafe.Pointer(itr), "name:"+name, name)
}

// fluxgo_flux_kvsitr_rewind implements flux_kvsitr_rewind.
//
//export fluxgo_flux_kvsitr_rewind
func fluxgo_flux_kvsitr_rewind(itr *C.flux_kvsitr_t, errp *C.int) {
	defer recoverVoid(errp, nil)
	if it, err := kvsItrs.get(unsafe.Pointer(itr)); err == nil {
		it.Rewind()
	}
}

// fluxgo_flux_kvsdir_get_size implements flux_kvsdir_get_size.
//
//export fluxgo_flux_kvsdir_get_size
func fluxgo_flux_kvsdir_get_size(dir *C.flux_kvsdir_t, errp *C.int) (ret C.int) {
	defer recoverTo(errp, nil, &ret, -1)
	d := kvsDir(dir, errp)
	if d == nil {
		return -1
	}
	return C.int(d.Size())
}

// kvsDirTest runs test on the directory behind dir and name; false for
// NULL arguments.
func kvsDirTest(dir *C.flux_kvsdir_t, name *C.char, errp *C.int, test func(*kvs.Dir, string) bool) C.bool {
	d := kvsDir(dir, errp)
	if d == nil {
		return C.bool(false)
	}
	if name == nil {
		setError(errp, errInvalid("name is NULL"), nil)
		return C.bool(false)
	}
	return C.bool(test(d, C.GoString(name)))
}

// fluxgo_flux_kvsdir_exists implements flux_kvsdir_exists.
//
//export fluxgo_flux_kvsdir_exists
func fluxgo_flux_kvsdir_exists(dir *C.flux_kvsdir_t, name *C.char, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, C.bool(false))
	return kvsDirTest(dir, name, errp, (*kvs.Dir).Exists)
}

// fluxgo_flux_kvsdir_isdir implements flux_kvsdir_isdir.
//
//export fluxgo_flux_kvsdir_isdir
func fluxgo_flux_kvsdir_isdir(dir *C.flux_kvsdir_t, name *C.char, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, C.bool(false))
	return kvsDirTest(dir, name, errp, (*kvs.Dir).IsDir)
}

// fluxgo_flux_kvsdir_issymlink implements flux_kvsdir_issymlink.
//
//export fluxgo_flux_kvsdir_issymlink
func fluxgo_flux_kvsdir_issymlink(dir *C.flux_kvsdir_t, name *C.char, errp *C.int) (ret C.bool) {
	defer recoverTo(errp, nil, &ret, C.bool(false))
	return kvsDirTest(dir, name, errp, (*kvs.Dir).IsSymlink)
}

// fluxgo_flux_kvsdir_key implements flux_kvsdir_key.
//
//export fluxgo_flux_kvsdir_key
func fluxgo_flux_kvsdir_key(dir *C.flux_kvsdir_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil {
		return nil
	}
	return cstringKept(unsafe.Pointer(dir), "key", d.Key())
}

// fluxgo_flux_kvsdir_handle implements flux_kvsdir_handle.
//
//export fluxgo_flux_kvsdir_handle
func fluxgo_flux_kvsdir_handle(dir *C.flux_kvsdir_t, errp *C.int) (ret unsafe.Pointer) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil {
		return nil
	}
	return registerHandle(d.Handle())
}

// fluxgo_flux_kvsdir_rootref implements flux_kvsdir_rootref (NULL when
// the directory was not read from a snapshot).
//
//export fluxgo_flux_kvsdir_rootref
func fluxgo_flux_kvsdir_rootref(dir *C.flux_kvsdir_t, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil || d.Rootref() == "" {
		return nil
	}
	return cstringKept(unsafe.Pointer(dir), "rootref", d.Rootref())
}

// fluxgo_flux_kvsdir_key_at implements flux_kvsdir_key_at: the caller
// frees the result.
//
//export fluxgo_flux_kvsdir_key_at
func fluxgo_flux_kvsdir_key_at(dir *C.flux_kvsdir_t, key *C.char, errp *C.int) (ret *C.char) {
	defer recoverTo(errp, nil, &ret, nil)
	d := kvsDir(dir, errp)
	if d == nil {
		return nil
	}
	if key == nil {
		setError(errp, errInvalid("key is NULL"), nil)
		return nil
	}
	s := d.KeyAt(C.GoString(key))
	return mallocCString(&s)
}
