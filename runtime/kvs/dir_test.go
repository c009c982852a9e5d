package kvs

import (
	"errors"
	"syscall"
	"testing"
)

func TestDir(t *testing.T) {
	obj := NewDirTree()
	_ = obj.SetEntry("v", NewVal([]byte("1")))
	_ = obj.SetEntry("sub", NewDirTree())
	_ = obj.SetEntry("ref", NewDirref("sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91"))
	_ = obj.SetEntry("link", NewSymlink("", "v"))
	d, err := NewDir(nil, "", "a.b", obj.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if d.Size() != 4 || d.Key() != "a.b" || d.Rootref() != "" || d.Handle() != nil {
		t.Fatalf("Size %d Key %q", d.Size(), d.Key())
	}
	if !d.Exists("v") || d.Exists("nope") || !d.IsDir("sub") || !d.IsDir("ref") || d.IsDir("v") ||
		!d.IsSymlink("link") || d.IsSymlink("v") {
		t.Fatal("Exists/IsDir/IsSymlink")
	}
	if got := d.KeyAt("v"); got != "a.b.v" {
		t.Fatalf("KeyAt = %q", got)
	}
	root, _ := NewDir(nil, "", ".", obj.Encode())
	trailing, _ := NewDir(nil, "", "a.", obj.Encode())
	if root.KeyAt("v") != "v" || trailing.KeyAt("v") != "a.v" {
		t.Fatalf("KeyAt root %q trailing %q", root.KeyAt("v"), trailing.KeyAt("v"))
	}
	it, _ := NewItr(d)
	var names []string
	for n, ok := it.Next(); ok; n, ok = it.Next() {
		names = append(names, n)
	}
	if len(names) != 4 || names[0] != "link" || names[1] != "ref" || names[2] != "sub" || names[3] != "v" {
		t.Fatalf("iteration = %q", names)
	}
	if _, ok := it.Next(); ok {
		t.Fatal("Next after end")
	}
	it.Rewind()
	if n, ok := it.Next(); !ok || n != "link" {
		t.Fatalf("after Rewind: %q %v", n, ok)
	}
	if c := d.Copy(); c.Size() != 4 || c.Key() != "a.b" {
		t.Fatal("Copy")
	}
	if _, err := NewDir(nil, "", "k", NewVal(nil).Encode()); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NewDir(val) = %v", err)
	}
	if _, err := NewDir(nil, "", "k", "not json"); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NewDir(garbage) = %v", err)
	}
}

func TestLookupFlags(t *testing.T) {
	for _, c := range []struct {
		flags   int
		watchOK bool
		ok      bool
	}{
		{0, false, true},
		{TreeObj, false, true},
		{Readdir | TreeObj, false, true},
		{Readlink, false, true},
		{Readlink | TreeObj, true, false},
		{Readdir | Readlink, true, false},
		{Append, true, false},
		{Watch, false, false},
		{Watch, true, true},
		{Watch | WatchUniq | WatchFull | WatchAppend | WatchInitialSentinel, true, true},
		{WatchUniq, true, false},
		{WaitCreate, true, true},
		{WaitCreate, false, false},
		{Stream, true, true},
		{Stream, false, false},
		{Watch | Readdir, true, true},
	} {
		err := checkLookupFlags(c.flags, c.watchOK)
		if (err == nil) != c.ok {
			t.Errorf("flags %#x watchOK %v: %v", c.flags, c.watchOK, err)
		}
	}
}
