package kvs

import (
	"strconv"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// commitAux names the aux item that marks commit futures.
const commitAux = "flux::commit_ctx"

// Commit sends txn's operations to namespace ns as one atomic commit
// (flux_kvs_commit). flags may hold NoMerge, TxnCompact (txn is compacted
// in place first, see Txn.Compact) and Sync. The future's response names
// the new root: see CommitGetSequence, CommitGetRootref and
// CommitGetTreeObj.
func Commit(h *runtime.Handle, ns string, flags int, txn *Txn) (*runtime.Future, error) {
	if h == nil || txn == nil {
		return nil, inval()
	}
	if flags&TxnCompact != 0 {
		if err := txn.Compact(); err != nil {
			return nil, err
		}
		flags &^= TxnCompact
	}
	ops := txn.Ops()
	b := make([]byte, 0, 64+64*len(ops))
	b = append(b, `{"namespace":`...)
	b = appendJSONString(b, orDefault(ns))
	b = append(b, `,"flags":`...)
	b = strconv.AppendInt(b, int64(flags), 10)
	b = append(b, `,"ops":`...)
	b = appendOps(b, ops)
	b = append(b, '}', 0)
	f, err := h.RPC("kvs.commit", b, msg.NodeIDAny, 0)
	if err != nil {
		return nil, err
	}
	if err := markFuture(f, commitAux, true); err != nil {
		return nil, err
	}
	return f, nil
}

// CommitGetSequence returns the sequence number of the root a commit
// made (flux_kvs_commit_get_sequence).
func CommitGetSequence(f *runtime.Future) (int, error) {
	r, err := decodeRoot(f, false)
	if err != nil {
		return 0, err
	}
	return *r.Rootseq, nil
}

// CommitGetRootref returns the blobref of the root a commit made
// (flux_kvs_commit_get_rootref).
func CommitGetRootref(f *runtime.Future) (string, error) {
	r, err := decodeRoot(f, false)
	if err != nil {
		return "", err
	}
	return *r.Rootref, nil
}

// CommitGetTreeObj returns the root a commit made as an encoded dirref
// tree object, usable with LookupAt (flux_kvs_commit_get_treeobj). A
// future not made by Commit (or Copy/Move) is EINVAL.
func CommitGetTreeObj(f *runtime.Future) (string, error) {
	if _, err := f.AuxGet(commitAux); err != nil {
		return "", inval()
	}
	ref, err := CommitGetRootref(f)
	if err != nil {
		return "", err
	}
	return dirrefText(ref)
}
