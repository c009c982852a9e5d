package kvs

import (
	"github.com/fluxgo/fluxgo/runtime"
)

// Copy copies srckey of namespace srcns to dstkey of namespace dstns
// (flux_kvs_copy): a TreeObj lookup of the source, then a commit of its
// tree object at the destination with commitFlags, so a directory is
// copied without reading its contents. The future is the commit's:
// CommitGetSequence and friends work on it.
func Copy(h *runtime.Handle, srcns, srckey, dstns, dstkey string, commitFlags int) (*runtime.Future, error) {
	if h == nil || srckey == "" || dstkey == "" {
		return nil, inval()
	}
	lf, err := Lookup(h, srcns, TreeObj, srckey)
	if err != nil {
		return nil, err
	}
	next, err := lf.AndThen(func(f *runtime.Future) {
		defer f.Destroy()
		txn := NewTxn()
		obj, err := LookupGetTreeObj(f)
		if err == nil {
			err = txn.PutTreeObj(0, dstkey, obj)
		}
		continueWithCommit(f, h, dstns, commitFlags, txn, err)
	})
	if err != nil {
		lf.Destroy()
		return nil, err
	}
	return next, nil
}

// Move is Copy followed by the unlink of srckey in srcns, committed with
// commitFlags (flux_kvs_move). The future is the unlink commit's. The two
// commits are separate: a failure of the second leaves both keys.
func Move(h *runtime.Handle, srcns, srckey, dstns, dstkey string, commitFlags int) (*runtime.Future, error) {
	if h == nil || srckey == "" || dstkey == "" {
		return nil, inval()
	}
	cf, err := Copy(h, srcns, srckey, dstns, dstkey, commitFlags)
	if err != nil {
		return nil, err
	}
	next, err := cf.AndThen(func(f *runtime.Future) {
		defer f.Destroy()
		txn := NewTxn()
		_, err := f.Get()
		if err == nil {
			err = txn.Unlink(0, srckey)
		}
		continueWithCommit(f, h, srcns, commitFlags, txn, err)
	})
	if err != nil {
		cf.Destroy()
		return nil, err
	}
	return next, nil
}

// continueWithCommit continues the chain of f with the commit of txn to
// ns, or with err (or the commit's own failure to start).
func continueWithCommit(f *runtime.Future, h *runtime.Handle, ns string, flags int, txn *Txn, err error) {
	if err == nil {
		var cf *runtime.Future
		if cf, err = Commit(h, ns, flags, txn); err == nil {
			if err = f.Continue(cf); err != nil {
				cf.Destroy()
			}
		}
	}
	if err != nil {
		f.ContinueError(int(runtime.ErrnoOf(err)), nil)
	}
}
