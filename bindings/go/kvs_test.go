package flux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// kvsHandle opens a handle on the shared full flux-core instance (the KVS
// tests skip without flux-core).
func kvsHandle(t *testing.T) *Handle {
	t.Helper()
	in := fluxtest.Shared(t, fluxtest.Options{Full: true})
	h, err := Open(in.URI)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func TestKVSRoundTrip(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	type rec struct {
		Name string   `json:"name"`
		N    int      `json:"n"`
		Tags []string `json:"tags"`
	}
	in := rec{"x", 7, []string{"a", "b"}}
	binary := []byte{0, 1, 2, 0xfe, 0xff, 0}
	root, err := kv.Txn().
		Put("rt.str", "hello").
		Put("rt.json", in).
		Put("rt.num", 3.5).
		Put("rt.empty", "").
		PutRaw("rt.bin", binary).
		Mkdir("rt.dir").
		Symlink("rt.link", "", "rt.str").
		Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if root.Sequence < 1 || root.Blobref == "" || root.TreeObj == "" {
		t.Fatalf("root %+v", root)
	}
	if v, err := kv.Get(ctx, "rt.str"); err != nil || v.String() != "hello" {
		t.Fatalf("str = %q, %v", v, err)
	}
	if got, err := KVSGet[rec](ctx, kv, "rt.json"); err != nil || got.Name != "x" || got.N != 7 || len(got.Tags) != 2 {
		t.Fatalf("json = %+v, %v", got, err)
	}
	var f float64
	if err := kv.GetInto(ctx, "rt.num", &f); err != nil || f != 3.5 {
		t.Fatalf("num = %v, %v", f, err)
	}
	if v, err := kv.Get(ctx, "rt.empty"); err != nil || len(v) != 0 {
		t.Fatalf("empty = %q, %v", v, err)
	}
	if v, err := kv.Get(ctx, "rt.bin"); err != nil || !bytes.Equal(v, binary) {
		t.Fatalf("bin = %v, %v", v, err)
	}
	if v, err := kv.Get(ctx, "rt.link"); err != nil || v.String() != "hello" {
		t.Fatalf("through link = %q, %v", v, err)
	}
	if ns, target, err := kv.ReadLink(ctx, "rt.link"); err != nil || ns != "" || target != "rt.str" {
		t.Fatalf("readlink = %q %q %v", ns, target, err)
	}
	names, err := kv.List(ctx, "rt")
	if err != nil || fmt.Sprint(names) != "[bin dir empty json link num str]" {
		t.Fatalf("list = %v, %v", names, err)
	}
	d, _ := kv.Dir(ctx, "rt")
	if !d.IsDir("dir") || !d.IsSymlink("link") || d.IsDir("str") || d.KeyAt("str") != "rt.str" || d.Len() != 7 {
		t.Fatalf("dir %v", d.Names())
	}
	if _, err := kv.Dir(ctx, "rt.str"); !errors.Is(err, syscall.ENOTDIR) {
		t.Fatalf("Dir of a value = %v", err)
	}
	tree, err := kv.Tree(ctx, "rt.dir")
	if err != nil || !tree.IsDirref() || tree.Count() != 1 {
		t.Fatalf("tree of a committed directory = %v, %v", tree.Encode(), err)
	}

	// A snapshot keeps what the commit made.
	if _, err := kv.Put(ctx, "rt.str", "changed"); err != nil {
		t.Fatal(err)
	}
	if v, err := kv.At(root).Get(ctx, "rt.str"); err != nil || v.String() != "hello" {
		t.Fatalf("snapshot = %q, %v", v, err)
	}
	now, err := kv.Root(ctx)
	if err != nil || now.Sequence <= root.Sequence {
		t.Fatalf("root now %+v (was %d): %v", now, root.Sequence, err)
	}

	// Unlink removes a whole directory.
	if _, err := kv.Txn().Unlink("rt").Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Get(ctx, "rt.str"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("after unlink = %v", err)
	}
}

func TestKVSErrors(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS("primary")

	_, err := kv.Get(ctx, "no.such.key")
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("missing key = %v", err)
	}
	if want := "kvs lookup no.such.key in namespace primary: No such file or directory"; err.Error() != want {
		t.Fatalf("error text %q, want %q", err, want)
	}
	if _, err := kv.Get(ctx, ""); !errors.Is(err, syscall.EINVAL) || err.Error() != `kvs lookup "" in namespace primary: Invalid argument` {
		t.Fatalf("empty key = %v", err)
	}

	before, err := kv.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kv.Txn().Put("bad.a", "x").Put("", "y").Put("bad.b", func() {}).Commit(ctx)
	if !errors.Is(err, syscall.EINVAL) || err.Error() != `kvs put "" in namespace primary: Invalid argument` {
		t.Fatalf("bad txn = %v", err)
	}
	after, _ := kv.Root(ctx)
	if after.Sequence != before.Sequence {
		t.Fatalf("a rejected transaction committed: seq %d -> %d", before.Sequence, after.Sequence)
	}
	if _, err := kv.Get(ctx, "bad.a"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("bad.a = %v", err)
	}

	if _, err := kv.Put(ctx, "errs.text", "not json"); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := kv.GetInto(ctx, "errs.text", &v); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("GetInto of non-JSON = %v", err)
	}

	bogus := h.KVS("no-such-namespace")
	_, err = bogus.Get(ctx, "a")
	if !errors.Is(err, syscall.ENOTSUP) {
		t.Fatalf("lookup in missing namespace = %v", err)
	}
	if _, err := bogus.Put(ctx, "a", "b"); !errors.Is(err, syscall.ENOTSUP) {
		t.Fatalf("commit to missing namespace = %v", err)
	}
	t.Logf("missing namespace: %v", err)

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := kv.Get(canceled, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled context = %v", err)
	}
}

// kvsRunSeq numbers the runs of a test in one process, so that each run
// (go test -count=N against one shared instance) has keys and
// namespaces of its own.
var kvsRunSeq atomic.Int64

// runDir returns name suffixed for this run and process.
func runDir(name string) string {
	return fmt.Sprintf("%s%d-%d", name, os.Getpid(), kvsRunSeq.Add(1))
}

func TestKVSAppendAndLarge(t *testing.T) {
	dir := runDir("goapp")
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	for i := 0; i < 3; i++ {
		if _, err := kv.Txn().Append(dir+".log", []byte(fmt.Sprintf("line%d\n", i))).Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := kv.Txn().Append(dir+".log", []byte("a")).Append(dir+".log", []byte("b")).Commit(ctx, Compact); err != nil {
		t.Fatal(err)
	}
	if v, err := kv.Get(ctx, dir+".log"); err != nil || v.String() != "line0\nline1\nline2\nab" {
		t.Fatalf("appended = %q, %v", v, err)
	}

	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	if _, err := kv.Txn().PutRaw(dir+".large", big).Commit(ctx, Sync); err != nil {
		t.Fatal(err)
	}
	got, err := kv.Get(ctx, dir+".large")
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("1 MiB value: %d bytes, %v", len(got), err)
	}
	tree, err := kv.Tree(ctx, dir+".large")
	if err != nil || !tree.IsValref() {
		t.Fatalf("large value stored as %v, %v", tree.Type(), err)
	}
}

func TestKVSConcurrentCommits(t *testing.T) {
	dir := runDir("goconc")
	h := kvsHandle(t)
	ctx := testCtx(t)
	kv := h.KVS()
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	seqs := make(chan int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := kv.Txn().Put(fmt.Sprintf("%s.k%d", dir, i), i).Append(dir+".log", []byte{'x'}).Commit(ctx)
			errs <- err
			seqs <- r.Sequence
		}()
	}
	wg.Wait()
	close(errs)
	close(seqs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		if got, err := KVSGet[int](ctx, kv, fmt.Sprintf("%s.k%d", dir, i)); err != nil || got != i {
			t.Fatalf("conc.k%d = %d, %v", i, got, err)
		}
	}
	if v, err := kv.Get(ctx, dir+".log"); err != nil || len(v) != n {
		t.Fatalf("log = %q, %v (want %d appends)", v, err, n)
	}
}

func TestKVSNamespacesAndCopy(t *testing.T) {
	h := kvsHandle(t)
	ctx := testCtx(t)
	name := runDir("gons")
	other, err := h.CreateKVSNamespace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := h.RemoveKVSNamespace(ctx, name); err != nil {
			t.Error(err)
		}
	}()
	if _, err := h.CreateKVSNamespace(ctx, name); !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("second create = %v", err)
	}
	list, err := h.KVSNamespaces(ctx)
	found := false
	for _, ns := range list {
		found = found || ns.Name == name
	}
	if err != nil || !found {
		t.Fatalf("namespaces %+v: %v", list, err)
	}
	if _, err := other.Put(ctx, "a.b", "in other"); err != nil {
		t.Fatal(err)
	}
	primary := h.KVS("primary")
	if _, err := primary.Txn().Symlink("cross.link", name, "a.b").Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := primary.Get(ctx, "cross.link"); err != nil || v.String() != "in other" {
		t.Fatalf("cross-namespace link = %q, %v", v, err)
	}
	if ns, target, _ := primary.ReadLink(ctx, "cross.link"); ns != name || target != "a.b" {
		t.Fatalf("readlink = %q %q", ns, target)
	}

	// Copy a directory across namespaces, then move it within one.
	if _, err := other.Copy(ctx, "a", "primary", "copied"); err != nil {
		t.Fatal(err)
	}
	if v, err := primary.Get(ctx, "copied.b"); err != nil || v.String() != "in other" {
		t.Fatalf("copied = %q, %v", v, err)
	}
	if _, err := primary.Move(ctx, "copied", "", "moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := primary.Get(ctx, "copied.b"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("after move, source = %v", err)
	}
	if v, err := primary.Get(ctx, "moved.b"); err != nil || v.String() != "in other" {
		t.Fatalf("moved = %q, %v", v, err)
	}
	if _, err := primary.Copy(ctx, "no.such", "", "x"); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("copy of missing key = %v", err)
	}
}
