package kvs

import (
	"errors"
	"syscall"
	"testing"
)

func TestTreeEncode(t *testing.T) {
	dir := NewDirTree()
	if err := dir.SetEntry("b", NewVal([]byte("hello"))); err != nil {
		t.Fatal(err)
	}
	if err := dir.SetEntry("a", NewSymlink("ns1", "x.y")); err != nil {
		t.Fatal(err)
	}
	if err := dir.SetEntry("c\"q", NewSymlink("", "t\n")); err != nil {
		t.Fatal(err)
	}
	sha := "sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91"
	if err := dir.SetEntry("d", NewDirref(sha)); err != nil {
		t.Fatal(err)
	}
	want := `{"data":{"a":{"data":{"namespace":"ns1","target":"x.y"},"type":"symlink","ver":1},` +
		`"b":{"data":"aGVsbG8=","type":"val","ver":1},` +
		`"c\"q":{"data":{"target":"t\n"},"type":"symlink","ver":1},` +
		`"d":{"data":["` + sha + `"],"type":"dirref","ver":1}},"type":"dir","ver":1}`
	if got := dir.Encode(); got != want {
		t.Fatalf("Encode:\n got %s\nwant %s", got, want)
	}
	back, err := DecodeTree(want)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Encode(); got != want {
		t.Fatalf("round trip:\n got %s\nwant %s", got, want)
	}
	if names := back.Names(); len(names) != 4 || names[0] != "a" || names[3] != "d" {
		t.Fatalf("Names = %q", names)
	}
	e, _ := back.Entry("b")
	if v, err := e.DecodeVal(); err != nil || string(v) != "hello" {
		t.Fatalf("DecodeVal = %q, %v", v, err)
	}
	e, _ = back.Entry("a")
	if ns, tg, err := e.Symlink(); ns != "ns1" || tg != "x.y" || err != nil {
		t.Fatalf("Symlink = %q %q %v", ns, tg, err)
	}
	if _, err := back.Entry("zz"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("Entry(zz) = %v, want ENOENT", err)
	}
	if back.Count() != 4 || NewVal(nil).Count() != 1 || NewValref(sha, sha).Count() != 2 {
		t.Fatal("Count")
	}
}

func TestTreeEncodeEscapes(t *testing.T) {
	d := NewDirTree()
	_ = d.SetEntry("c\x01\x1f\x7f/<&>\u2028é\b\f\r", NewVal(nil))
	want := `{"data":{"c\u0001\u001F` + "\x7f" + `/<&>` + "\u2028é" + `\b\f\r":{"data":"","type":"val","ver":1}},"type":"dir","ver":1}`
	if got := d.Encode(); got != want {
		t.Fatalf("Encode:\n got %q\nwant %q", got, want)
	}
}

func TestTreeEmptyVal(t *testing.T) {
	v := NewVal(nil)
	if got := v.Encode(); got != `{"data":"","type":"val","ver":1}` {
		t.Fatalf("Encode = %s", got)
	}
	if b, err := v.DecodeVal(); b != nil || err != nil {
		t.Fatalf("DecodeVal = %v, %v", b, err)
	}
	if _, err := NewDirTree().DecodeVal(); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("DecodeVal(dir) = %v", err)
	}
	bad, err := DecodeTree(`{"data":"!!!","type":"val","ver":1}`)
	if err != nil {
		t.Fatal(err) // valid as a tree object: val data is any string
	}
	if _, err := bad.DecodeVal(); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("DecodeVal(bad base64) = %v", err)
	}
}

func TestTreeDecodeInvalid(t *testing.T) {
	sha := "sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91"
	for _, s := range []string{
		``,
		`null`,
		`[]`,
		`"val"`,
		`{"data":"","type":"val"}`,
		`{"data":"","type":"val","ver":2}`,
		`{"data":"","type":"val","ver":1.0}`,
		`{"data":"","type":"val","ver":"1"}`,
		`{"data":"","type":"val","ver":1,"x":1}`,
		`{"data":"","type":"nosuch","ver":1}`,
		`{"data":"","type":1,"ver":1}`,
		`{"data":1,"type":"val","ver":1}`,
		`{"data":[],"type":"valref","ver":1}`,
		`{"data":["sha1-12"],"type":"valref","ver":1}`,
		`{"data":["` + "sha1-C0A9FAF907DDA6216FD73BF81D0B3B21A1A8CB91" + `"],"type":"dirref","ver":1}`,
		`{"data":["md5-c0a9faf907dda6216fd73bf81d0b3b21"],"type":"dirref","ver":1}`,
		`{"data":"` + sha + `","type":"dirref","ver":1}`,
		`{"data":[],"type":"dir","ver":1}`,
		`{"data":{"a":{"data":1,"type":"val","ver":1}},"type":"dir","ver":1}`,
		`{"data":{},"type":"symlink","ver":1}`,
		`{"data":{"target":1},"type":"symlink","ver":1}`,
		`{"data":{"target":"a","namespace":2},"type":"symlink","ver":1}`,
	} {
		if _, err := DecodeTree(s); !errors.Is(err, syscall.EPROTO) {
			t.Errorf("DecodeTree(%s) = %v, want EPROTO", s, err)
		}
	}
	if NewValref().Validate() == nil || NewDirref("x").Validate() == nil {
		t.Fatal("empty or bad blobref list validated")
	}
	if err := NewDirTree().SetEntry("a", NewValref()); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("SetEntry(invalid) = %v", err)
	}
}

func TestTreeCopyIsDeep(t *testing.T) {
	d := NewDirTree()
	sub := NewDirTree()
	_ = sub.SetEntry("x", NewVal([]byte("1")))
	_ = d.SetEntry("sub", sub)
	c := d.Copy()
	e, _ := c.Entry("sub")
	_ = e.DeleteEntry("x")
	if orig, _ := d.Entry("sub"); orig.Count() != 1 {
		t.Fatal("Copy shares nested directories")
	}
}

func TestBlobref(t *testing.T) {
	empty := []byte(NewDirTree().Encode())
	got, err := HashBlobref("sha1", empty)
	if err != nil || got != "sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91" {
		t.Fatalf("sha1 = %s, %v", got, err)
	}
	got, err = HashBlobref("sha256", empty)
	if err != nil || got != "sha256-61b85efa2a76db9377692c700b4e1edfc480bf224e0e9764b76f8082159d0ca0" {
		t.Fatalf("sha256 = %s, %v", got, err)
	}
	if _, err := HashBlobref("md5", empty); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("md5: %v", err)
	}
	for _, s := range []string{"", "sha1", "sha1-", "sha1-c0a9", "sha256-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91", "sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb9g"} {
		if ValidateBlobref(s) == nil {
			t.Errorf("ValidateBlobref(%q) accepted", s)
		}
	}
}
