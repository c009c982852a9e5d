package kvs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

func TestMain(m *testing.M) { os.Exit(fluxtest.Main(m)) }

// open connects a runtime handle to the shared full instance.
func open(t *testing.T, dispatcher bool) *runtime.Handle {
	t.Helper()
	in := fluxtest.Shared(t, fluxtest.Options{Full: true})
	h, err := runtime.Open(&in.URI, 0)
	if err != nil {
		t.Fatal(err)
	}
	if dispatcher {
		if _, err := h.RecvLoopStart(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(h.Close)
	return h
}

// commit commits txn to ns and returns the new root's sequence.
func commit(t *testing.T, h *runtime.Handle, ns string, txn *kvs.Txn) int {
	t.Helper()
	f, err := kvs.Commit(h, ns, 0, txn)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	seq, err := kvs.CommitGetSequence(f)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	return seq
}

// lookup runs a lookup and returns its finished future.
func lookup(t *testing.T, h *runtime.Handle, ns string, flags int, key string) *runtime.Future {
	t.Helper()
	f, err := kvs.Lookup(h, ns, flags, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Destroy)
	return f
}

func TestRuntimeRoundTrip(t *testing.T) {
	for _, withRecvLoop := range []bool{false, true} {
		t.Run(fmt.Sprint("recvloop=", withRecvLoop), func(t *testing.T) {
			h := open(t, withRecvLoop)
			base := fmt.Sprintf("rt%v", withRecvLoop)
			txn := kvs.NewTxn()
			_ = txn.Put(0, base+".s", "hello")
			_ = txn.PutRaw(0, base+".raw", []byte{0, 1, 2, 255})
			_ = txn.PutJSON(0, base+".j", map[string]int{"n": 42})
			_ = txn.Put(0, base+".empty", "")
			_ = txn.Mkdir(0, base+".d")
			_ = txn.Symlink(0, base+".l", "", base+".s")
			f, err := kvs.Commit(h, "", 0, txn)
			if err != nil {
				t.Fatal(err)
			}
			seq, err := kvs.CommitGetSequence(f)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := kvs.CommitGetRootref(f)
			obj, err := kvs.CommitGetTreeObj(f)
			if err != nil || kvs.ValidateBlobref(ref) != nil || seq < 1 {
				t.Fatalf("commit result seq %d ref %q obj %q: %v", seq, ref, obj, err)
			}
			f.Destroy()

			if v, err := kvs.LookupGet(lookup(t, h, "", 0, base+".s")); v != "hello" || err != nil {
				t.Fatalf("s = %q, %v", v, err)
			}
			if v, err := kvs.LookupGetRaw(lookup(t, h, "", 0, base+".raw")); string(v) != "\x00\x01\x02\xff" || err != nil {
				t.Fatalf("raw = %q, %v", v, err)
			}
			var j struct{ N int }
			if err := kvs.LookupGetJSON(lookup(t, h, "", 0, base+".j"), &j); j.N != 42 || err != nil {
				t.Fatalf("j = %+v, %v", j, err)
			}
			if v, err := kvs.LookupGetRaw(lookup(t, h, "", 0, base+".empty")); v != nil || err != nil {
				t.Fatalf("empty = %q, %v", v, err)
			}
			if err := kvs.LookupGetJSON(lookup(t, h, "", 0, base+".s"), &j); !errors.Is(err, syscall.EINVAL) {
				t.Fatalf("unpack of non-JSON = %v", err)
			}
			// A symlink is followed, or read with Readlink.
			if v, err := kvs.LookupGet(lookup(t, h, "", 0, base+".l")); v != "hello" || err != nil {
				t.Fatalf("via link = %q, %v", v, err)
			}
			if ns, tg, err := kvs.LookupGetSymlink(lookup(t, h, "", kvs.Readlink, base+".l")); ns != "" || tg != base+".s" || err != nil {
				t.Fatalf("readlink = %q %q %v", ns, tg, err)
			}
			d, err := kvs.LookupGetDir(lookup(t, h, "", kvs.Readdir, base))
			if err != nil {
				t.Fatal(err)
			}
			if d.Size() != 6 || !d.IsDir("d") || !d.IsSymlink("l") || d.KeyAt("s") != base+".s" {
				t.Fatalf("dir: size %d names %q", d.Size(), d.Names())
			}
			// Errors: a directory read as a value, a missing key.
			if _, err := kvs.LookupGet(lookup(t, h, "", 0, base+".d")); !errors.Is(err, syscall.EISDIR) {
				t.Fatalf("dir as value = %v", err)
			}
			if _, err := kvs.LookupGet(lookup(t, h, "", 0, base+".nope")); !errors.Is(err, syscall.ENOENT) {
				t.Fatalf("missing = %v", err)
			}
			if k, _ := kvs.LookupGetKey(lookup(t, h, "", 0, base+".nope")); k != base+".nope" {
				t.Fatalf("key = %q", k)
			}

			// The snapshot of the commit still reads the old value.
			txn = kvs.NewTxn()
			_ = txn.Put(0, base+".s", "changed")
			commit(t, h, "", txn)
			at, err := kvs.LookupAt(h, 0, base+".s", obj)
			if err != nil {
				t.Fatal(err)
			}
			defer at.Destroy()
			if v, err := kvs.LookupGet(at); v != "hello" || err != nil {
				t.Fatalf("lookupat = %q, %v", v, err)
			}

			// getroot agrees with wait-version / get-version.
			gf, err := kvs.Getroot(h, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			defer gf.Destroy()
			gseq, err := kvs.GetrootGetSequence(gf)
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := kvs.GetrootGetOwner(gf)
			if owner != uint32(os.Getuid()) {
				t.Fatalf("owner %d", owner)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := kvs.WaitVersion(ctx, h, "", gseq); err != nil {
				t.Fatal(err)
			}
			if v, err := kvs.GetVersion(ctx, h, ""); err != nil || v < gseq {
				t.Fatalf("version %d < %d: %v", v, gseq, err)
			}

			// Copy then move a directory.
			cf, err := kvs.Copy(h, "", base, "", base+"copy", 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := cf.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := cf.Get(); err != nil {
				t.Fatalf("copy: %v", err)
			}
			if _, err := kvs.CommitGetTreeObj(cf); err != nil {
				t.Fatalf("copy treeobj: %v", err)
			}
			cf.Destroy()
			mf, err := kvs.Move(h, "", base+"copy", "", base+"moved", 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := mf.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := kvs.CommitGetSequence(mf); err != nil {
				t.Fatalf("move: %v", err)
			}
			mf.Destroy()
			if v, err := kvs.LookupGet(lookup(t, h, "", 0, base+"moved.s")); v != "changed" || err != nil {
				t.Fatalf("moved = %q, %v", v, err)
			}
			if _, err := kvs.LookupGet(lookup(t, h, "", 0, base+"copy")); !errors.Is(err, syscall.ENOENT) {
				t.Fatalf("source after move = %v", err)
			}
		})
	}
}

// TestRuntimeEncodingMatchesKVS checks Tree.Encode byte for byte against
// the KVS's own encoding: the blobref the KVS stored a directory under is
// the hash of that directory's encoding, so re-encoding the directory we
// read must give the same hash.
func TestRuntimeEncodingMatchesKVS(t *testing.T) {
	h := open(t, false)
	txn := kvs.NewTxn()
	for _, k := range []string{"plain", "quote\"d", "back\\slash", "tab\there", "nl\nx", "ctl\x01\x1f",
		"slash/x", "ünïcødé", "emoji😀", "html<&>", "sep\u2028x"} {
		if err := txn.Put(0, "encdir."+k, k); err != nil {
			t.Fatal(err)
		}
	}
	_ = txn.Symlink(0, "encdir.link", "other", "a\"b")
	_ = txn.Mkdir(0, "encdir.sub")
	commit(t, h, "", txn)

	ref := lookup(t, h, "", kvs.TreeObj, "encdir")
	dirref, err := kvs.LookupGetTree(ref)
	if err != nil || !dirref.IsDirref() {
		t.Fatalf("encdir tree object: %v, %v", dirref, err)
	}
	d, err := kvs.LookupGetTree(lookup(t, h, "", kvs.Readdir, "encdir"))
	if err != nil || !d.IsDir() {
		t.Fatalf("encdir dir: %v, %v", d, err)
	}
	hashType, err := h.AttrGet("content.hash")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := kvs.HashBlobref(hashType, []byte(d.Encode()))
	if want := dirref.Blobrefs()[0]; got != want {
		t.Fatalf("our encoding hashes to %s, the KVS stored %s:\n%s", got, want, d.Encode())
	}
}
