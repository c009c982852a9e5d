package kvs

import (
	"strings"

	"github.com/fluxgo/fluxgo/runtime"
)

// Dir is a snapshot of a KVS directory (flux_kvsdir_t): its key, the dir
// tree object read from the KVS, the handle it was read with and, for a
// directory read with LookupAt, the root it was read from. A Dir is
// immutable and safe for concurrent use.
type Dir struct {
	h       *runtime.Handle
	rootref string
	key     string
	obj     *Tree
}

// NewDir makes a Dir from the encoded dir tree object treeobj, read at
// key (flux_kvsdir_create); h and rootref ("" for none) are kept for the
// caller. treeobj must be a valid dir object, else EINVAL.
func NewDir(h *runtime.Handle, rootref, key, treeobj string) (*Dir, error) {
	obj, err := DecodeTree(treeobj)
	if err != nil {
		return nil, inval()
	}
	return newDirFromTree(h, rootref, key, obj)
}

// newDirFromTree makes a Dir holding obj, which must be a dir.
func newDirFromTree(h *runtime.Handle, rootref, key string, obj *Tree) (*Dir, error) {
	if obj == nil || !obj.IsDir() || obj.Validate() != nil {
		return nil, inval()
	}
	return &Dir{h: h, rootref: rootref, key: key, obj: obj}, nil
}

// Copy returns a Dir with the same contents (flux_kvsdir_copy).
func (d *Dir) Copy() *Dir {
	if d == nil {
		return nil
	}
	c := *d
	return &c
}

// Size returns the number of entries (flux_kvsdir_get_size).
func (d *Dir) Size() int {
	if d == nil {
		return 0
	}
	return d.obj.Count()
}

// Exists reports whether the directory has an entry name
// (flux_kvsdir_exists).
func (d *Dir) Exists(name string) bool {
	_, err := d.Entry(name)
	return err == nil
}

// IsDir reports whether the entry name is a directory, dir or dirref
// (flux_kvsdir_isdir).
func (d *Dir) IsDir(name string) bool {
	e, err := d.Entry(name)
	return err == nil && (e.IsDir() || e.IsDirref())
}

// IsSymlink reports whether the entry name is a symlink
// (flux_kvsdir_issymlink).
func (d *Dir) IsSymlink(name string) bool {
	e, err := d.Entry(name)
	return err == nil && e.IsSymlink()
}

// Entry returns the tree object of the entry name (ENOENT when there is
// none). It must not be modified.
func (d *Dir) Entry(name string) (*Tree, error) {
	if d == nil {
		return nil, inval()
	}
	return d.obj.Entry(name)
}

// Tree returns a copy of the directory's tree object.
func (d *Dir) Tree() *Tree {
	if d == nil {
		return nil
	}
	return d.obj.Copy()
}

// Names returns the entry names in byte order, the order
// flux_kvsitr_next gives.
func (d *Dir) Names() []string {
	if d == nil {
		return nil
	}
	return d.obj.Names()
}

// Key returns the key the directory was read at (flux_kvsdir_key).
func (d *Dir) Key() string {
	if d == nil {
		return ""
	}
	return d.key
}

// Handle returns the handle the directory was read with
// (flux_kvsdir_handle); nil for one made by NewDir without one.
func (d *Dir) Handle() *runtime.Handle {
	if d == nil {
		return nil
	}
	return d.h
}

// Rootref returns the root the directory was read from when it was read
// with LookupAt (the tree object given to it), else ""
// (flux_kvsdir_rootref).
func (d *Dir) Rootref() string {
	if d == nil {
		return ""
	}
	return d.rootref
}

// KeyAt returns the full key of the entry name (flux_kvsdir_key_at): name
// itself in the root directory ".", else the directory's key and name
// joined by one ".".
func (d *Dir) KeyAt(name string) string {
	switch {
	case d == nil:
		return name
	case d.key == ".":
		return name
	case strings.HasSuffix(d.key, "."):
		return d.key + name
	}
	return d.key + "." + name
}

// Itr walks a directory's entry names in byte order (flux_kvsitr_t).
type Itr struct {
	names []string
	next  int
}

// NewItr returns an iterator over d's entry names (flux_kvsitr_create);
// a nil d is EINVAL.
func NewItr(d *Dir) (*Itr, error) {
	if d == nil {
		return nil, inval()
	}
	return &Itr{names: d.Names()}, nil
}

// Next returns the next name; ok is false after the last one
// (flux_kvsitr_next).
func (it *Itr) Next() (name string, ok bool) {
	if it == nil || it.next >= len(it.names) {
		return "", false
	}
	it.next++
	return it.names[it.next-1], true
}

// Rewind starts the iteration again (flux_kvsitr_rewind).
func (it *Itr) Rewind() {
	if it != nil {
		it.next = 0
	}
}
