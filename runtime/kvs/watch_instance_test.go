package kvs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// next waits for f's next response and returns its value (or error).
func next(t *testing.T, f *runtime.Future) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	v, err := kvs.LookupGet(f)
	f.Reset()
	return v, err
}

// runSeq numbers the runs of a test in one process, so that each run
// (go test -count=N against one shared instance) uses keys and
// namespaces of its own.
var runSeq atomic.Int64

// unique returns name suffixed for this run.
func unique(name string) string {
	return fmt.Sprintf("%s%d-%d", name, os.Getpid(), runSeq.Add(1))
}

func TestRuntimeWatch(t *testing.T) {
	h := open(t, true)
	dir := unique("rtwatch")
	put := func(key, val string) {
		txn := kvs.NewTxn()
		_ = txn.Put(0, key, val)
		commit(t, h, "", txn)
	}
	put(dir+".k", "v0")
	f, err := kvs.Lookup(h, "", kvs.Watch, dir+".k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	if v, err := next(t, f); v != "v0" || err != nil {
		t.Fatalf("initial = %q, %v", v, err)
	}
	for i := 1; i <= 5; i++ {
		put(dir+".k", fmt.Sprint("v", i))
		if v, err := next(t, f); v != fmt.Sprint("v", i) || err != nil {
			t.Fatalf("change %d = %q, %v", i, v, err)
		}
	}
	if err := kvs.LookupCancel(f); err != nil {
		t.Fatal(err)
	}
	if _, err := next(t, f); !errors.Is(err, syscall.ENODATA) {
		t.Fatalf("after cancel = %v, want ENODATA", err)
	}

	// WaitCreate without Watch: one response once the key exists.
	wc, err := kvs.Lookup(h, "", kvs.WaitCreate, dir+".later")
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Destroy()
	time.Sleep(100 * time.Millisecond)
	if wc.IsReady() {
		t.Fatal("WaitCreate answered before the key existed")
	}
	put(dir+".later", "here")
	if v, err := next(t, wc); v != "here" || err != nil {
		t.Fatalf("waitcreate = %q, %v", v, err)
	}

	// Append watch: only what was appended.
	put(dir+".app", "a")
	af, err := kvs.Lookup(h, "", kvs.Watch|kvs.WatchAppend, dir+".app")
	if err != nil {
		t.Fatal(err)
	}
	defer af.Destroy()
	if v, err := next(t, af); v != "a" || err != nil {
		t.Fatalf("append initial = %q, %v", v, err)
	}
	txn := kvs.NewTxn()
	_ = txn.Put(kvs.Append, dir+".app", "b")
	commit(t, h, "", txn)
	if v, err := next(t, af); v != "b" || err != nil {
		t.Fatalf("append = %q, %v", v, err)
	}
	if err := kvs.LookupCancel(af); err != nil {
		t.Fatal(err)
	}
	if err := kvs.LookupCancel(lookup(t, h, "", 0, dir+".k")); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("cancel of a plain lookup = %v", err)
	}
}

func TestRuntimeNamespaces(t *testing.T) {
	h := open(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wait := func(f *runtime.Future, err error) error {
		t.Helper()
		if err != nil {
			return err
		}
		defer f.Destroy()
		if err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = f.Get()
		return err
	}
	ns := unique("rtns")
	if err := wait(kvs.NamespaceCreate(h, ns, uint32(os.Getuid()), 0)); err != nil {
		t.Fatal(err)
	}
	if err := wait(kvs.NamespaceCreate(h, ns, uint32(os.Getuid()), 0)); !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("second create = %v", err)
	}
	lf, err := kvs.NamespaceList(h)
	if err != nil {
		t.Fatal(err)
	}
	list, err := kvs.NamespaceListGet(lf)
	lf.Destroy()
	found := false
	for _, n := range list {
		found = found || n.Namespace == ns
	}
	if err != nil || !found {
		t.Fatalf("list %+v: %v", list, err)
	}
	txn := kvs.NewTxn()
	_ = txn.Put(0, "x", "in-ns")
	commit(t, h, ns, txn)
	// A symlink in the primary namespace to a key of the new one.
	txn = kvs.NewTxn()
	_ = txn.Symlink(0, "rtnslink", ns, "x")
	commit(t, h, "", txn)
	if v, err := kvs.LookupGet(lookup(t, h, "", 0, "rtnslink")); v != "in-ns" || err != nil {
		t.Fatalf("cross-namespace link = %q, %v", v, err)
	}
	t.Setenv(kvs.NamespaceEnv, ns)
	if v, err := kvs.LookupGet(lookup(t, h, "", 0, "x")); v != "in-ns" || err != nil {
		t.Fatalf("FLUX_KVS_NAMESPACE lookup = %q, %v", v, err)
	}
	if err := wait(kvs.NamespaceRemove(h, ns)); err != nil {
		t.Fatal(err)
	}
	if _, err := kvs.LookupGet(lookup(t, h, ns, 0, "x")); !errors.Is(err, syscall.ENOTSUP) {
		t.Fatalf("lookup in removed namespace = %v", err)
	}
}

func TestRuntimeStream(t *testing.T) {
	h := open(t, true)
	key := fmt.Sprintf("rtstream%d", time.Now().UnixNano())
	for _, part := range []string{"one,", "two,", "three"} {
		txn := kvs.NewTxn()
		_ = txn.Put(kvs.Append, key, part)
		commit(t, h, "", txn)
	}
	f, err := kvs.Lookup(h, "", kvs.Stream, key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Destroy()
	var parts []string
	for {
		v, err := next(t, f)
		if errors.Is(err, syscall.ENODATA) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, v)
	}
	if fmt.Sprint(parts) != "[one, two, three]" {
		t.Fatalf("streamed %q", parts)
	}
}
