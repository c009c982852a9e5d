package kvs

import (
	"strconv"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/fluxgo/fluxgo/runtime"
)

// Op is one operation of a transaction: set Key to Dirent (a tree
// object), or unlink Key when Dirent is nil. Flags is 0 or Append.
type Op struct {
	Key    string
	Flags  int
	Dirent *Tree
}

// Txn is a KVS transaction (flux_kvs_txn_t): operations applied in order,
// all or none, by Commit. Its methods are safe for concurrent use.
type Txn struct {
	mu  sync.Mutex
	ops []Op
}

// NewTxn returns an empty transaction (flux_kvs_txn_create).
func NewTxn() *Txn { return &Txn{} }

// inval is the EINVAL of a bad argument.
func inval() error { return runtime.ErrnoError(syscall.EINVAL) }

// checkFlags gives EINVAL when flags has bits outside allowed.
func checkFlags(flags, allowed int) error {
	if flags&^allowed != 0 {
		return inval()
	}
	return nil
}

// add appends one operation after checking it as flux-core does
// (txn_encode_op): a non-empty key, Append at most, a valid dirent.
func (t *Txn) add(flags int, key string, dirent *Tree) error {
	if t == nil || key == "" || !utf8.ValidString(key) {
		return inval()
	}
	if err := checkFlags(flags, Append); err != nil {
		return err
	}
	if dirent != nil && dirent.Validate() != nil {
		return inval()
	}
	t.mu.Lock()
	t.ops = append(t.ops, Op{Key: key, Flags: flags, Dirent: dirent})
	t.mu.Unlock()
	return nil
}

// Put sets key to the string value (flux_kvs_txn_put); flags may be
// Append to add value to the key's current value instead.
func (t *Txn) Put(flags int, key, value string) error {
	return t.PutRaw(flags, key, []byte(value))
}

// PutRaw sets key to data (flux_kvs_txn_put_raw); flags may be Append.
func (t *Txn) PutRaw(flags int, key string, data []byte) error {
	if err := checkFlags(flags, Append); err != nil {
		return err
	}
	return t.add(flags, key, NewVal(data))
}

// PutJSON sets key to v encoded as compact JSON, the value
// flux_kvs_txn_pack stores; flags may be Append. A value JSON cannot
// encode is EINVAL.
func (t *Txn) PutJSON(flags int, key string, v any) error {
	p, err := runtime.JSONPayload(v)
	if err != nil {
		return err
	}
	return t.PutRaw(flags, key, p[:len(p)-1])
}

// PutTreeObj sets key to the tree object in its JSON text treeobj
// (flux_kvs_txn_put_treeobj); flags must be 0. A text that is not a valid
// tree object is EPROTO.
func (t *Txn) PutTreeObj(flags int, key, treeobj string) error {
	if t == nil || key == "" {
		return inval()
	}
	if err := checkFlags(flags, 0); err != nil {
		return err
	}
	obj, err := DecodeTree(treeobj)
	if err != nil {
		return err
	}
	return t.add(flags, key, obj)
}

// PutTree sets key to the tree object obj (a copy is kept); flags must
// be 0, obj valid.
func (t *Txn) PutTree(flags int, key string, obj *Tree) error {
	if err := checkFlags(flags, 0); err != nil {
		return err
	}
	if obj == nil {
		return inval()
	}
	return t.add(flags, key, obj.Copy())
}

// Mkdir makes key an empty directory (flux_kvs_txn_mkdir); flags must
// be 0.
func (t *Txn) Mkdir(flags int, key string) error {
	if err := checkFlags(flags, 0); err != nil {
		return err
	}
	return t.add(flags, key, NewDirTree())
}

// Unlink removes key, recursively for a directory (flux_kvs_txn_unlink);
// flags must be 0.
func (t *Txn) Unlink(flags int, key string) error {
	if err := checkFlags(flags, 0); err != nil {
		return err
	}
	return t.add(flags, key, nil)
}

// Symlink makes key a symlink to target in namespace ns ("" for the
// namespace the link is looked up in) (flux_kvs_txn_symlink); flags must
// be 0.
func (t *Txn) Symlink(flags int, key, ns, target string) error {
	if err := checkFlags(flags, 0); err != nil {
		return err
	}
	if !utf8.ValidString(ns) || !utf8.ValidString(target) {
		return inval()
	}
	return t.add(flags, key, NewSymlink(ns, target))
}

// Clear removes every operation (flux_kvs_txn_clear).
func (t *Txn) Clear() error {
	if t == nil {
		return inval()
	}
	t.mu.Lock()
	t.ops = nil
	t.mu.Unlock()
	return nil
}

// IsEmpty reports whether t has no operations; a nil Txn is empty
// (flux_kvs_txn_is_empty).
func (t *Txn) IsEmpty() bool { return t.Len() == 0 }

// Len returns the number of operations.
func (t *Txn) Len() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ops)
}

// Ops returns a copy of the operations, in order.
func (t *Txn) Ops() []Op {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Op(nil), t.ops...)
}

// MarshalJSON encodes the operations as the "ops" array of a commit
// request: [{"key":K,"flags":F,"dirent":D|null}, …].
func (t *Txn) MarshalJSON() ([]byte, error) {
	return appendOps(nil, t.Ops()), nil
}

// appendOps appends the JSON array of ops.
func appendOps(b []byte, ops []Op) []byte {
	b = append(b, '[')
	for i, op := range ops {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, op.Key)
		b = append(b, `,"flags":`...)
		b = strconv.AppendInt(b, int64(op.Flags), 10)
		b = append(b, `,"dirent":`...)
		if op.Dirent == nil {
			b = append(b, "null"...)
		} else {
			b = op.Dirent.appendJSON(b)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}
