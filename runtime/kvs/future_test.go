package kvs

import (
	"errors"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// response returns a response message with a string payload (none when
// payload is nil).
func response(t *testing.T, payload *string) *msg.Message {
	t.Helper()
	m, err := runtime.MsgCreate(int(msg.TypeResponse))
	if err != nil {
		t.Fatal(err)
	}
	if payload != nil {
		if err := runtime.MsgSetString(m, payload); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// fakeLookup returns a future marked as a lookup with flags, fulfilled
// with each payload in turn (nil: a response without payload).
func fakeLookup(t *testing.T, flags int, payloads ...*string) *runtime.Future {
	t.Helper()
	f := runtime.NewFuture()
	if err := markFuture(f, lookupAux, &lookupState{key: "k", flags: flags}); err != nil {
		t.Fatal(err)
	}
	for _, p := range payloads {
		f.Fulfill(response(t, p))
	}
	t.Cleanup(f.Destroy)
	return f
}

func ptr(s string) *string { return &s }

func TestLookupGetDecoding(t *testing.T) {
	val := `{"val":{"data":"aGVsbG8=","type":"val","ver":1}}`
	link := `{"val":{"data":{"namespace":"n","target":"t"},"type":"symlink","ver":1}}`
	dir := `{"val":{"data":{"x":{"data":"","type":"val","ver":1}},"type":"dir","ver":1}}`

	f := fakeLookup(t, Watch|WatchInitialSentinel, ptr(val), nil, ptr(link), ptr(dir), ptr(`{"val":42}`), ptr(`{}`))
	if v, err := LookupGet(f); v != "hello" || err != nil {
		t.Fatalf("val = %q, %v", v, err)
	}
	if _, _, err := LookupGetSymlink(f); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("symlink of a val = %v", err)
	}
	f.Reset()
	// The sentinel: an empty response gives no value and no error.
	if v, err := LookupGetRaw(f); v != nil || err != nil {
		t.Fatalf("sentinel = %q, %v", v, err)
	}
	f.Reset()
	if ns, tg, err := LookupGetSymlink(f); ns != "n" || tg != "t" || err != nil {
		t.Fatalf("symlink = %q %q %v", ns, tg, err)
	}
	if _, err := LookupGet(f); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("value of a symlink = %v", err)
	}
	f.Reset()
	d, err := LookupGetDir(f)
	if err != nil || d.Key() != "k" || !d.Exists("x") {
		t.Fatalf("dir = %v, %v", d, err)
	}
	if s, err := LookupGetTreeObj(f); err != nil || s != `{"data":{"x":{"data":"","type":"val","ver":1}},"type":"dir","ver":1}` {
		t.Fatalf("treeobj = %s, %v", s, err)
	}
	f.Reset()
	if _, err := LookupGet(f); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("invalid tree object = %v", err)
	}
	f.Reset()
	if _, err := LookupGet(f); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("missing val = %v", err)
	}

	// Without the sentinel flag an empty response is a protocol error.
	g := fakeLookup(t, 0, nil)
	if _, err := LookupGet(g); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("empty response = %v", err)
	}
	// An error response is returned as is.
	e := runtime.NewFuture()
	_ = markFuture(e, lookupAux, &lookupState{key: "k"})
	e.FulfillError(int(syscall.ENOENT), nil)
	defer e.Destroy()
	if _, err := LookupGet(e); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("error response = %v", err)
	}
	// JSON values.
	j := fakeLookup(t, 0, ptr(`{"val":{"data":"eyJhIjoxfQ==","type":"val","ver":1}}`))
	var m map[string]int
	if err := LookupGetJSON(j, &m); err != nil || m["a"] != 1 {
		t.Fatalf("json = %v, %v", m, err)
	}
	var s string
	if err := LookupGetJSON(j, &s); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("json into wrong type = %v", err)
	}
}

func TestNotAKVSFuture(t *testing.T) {
	f := runtime.NewFuture()
	defer f.Destroy()
	f.Fulfill(response(t, ptr(`{"rootref":"sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91","rootseq":3,"owner":-1,"flags":0}`)))
	for name, err := range map[string]error{
		"LookupGetKey":      func() error { _, err := LookupGetKey(f); return err }(),
		"LookupGet":         func() error { _, err := LookupGet(f); return err }(),
		"LookupCancel":      LookupCancel(f),
		"CommitGetTreeObj":  func() error { _, err := CommitGetTreeObj(f); return err }(),
		"GetrootGetTreeObj": func() error { _, err := GetrootGetTreeObj(f); return err }(),
		"LookupGetKey(nil)": func() error { _, err := LookupGetKey(nil); return err }(),
	} {
		if !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%s = %v, want EINVAL", name, err)
		}
	}
	// The plain decoders work on any future with such a response.
	if seq, err := GetrootGetSequence(f); seq != 3 || err != nil {
		t.Fatalf("sequence = %d, %v", seq, err)
	}
	if owner, err := GetrootGetOwner(f); owner != ^uint32(0) || err != nil {
		t.Fatalf("owner = %d, %v", owner, err)
	}
	// Cancel needs a watch-type lookup.
	if err := LookupCancel(fakeLookup(t, 0)); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("cancel of plain lookup = %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	txn := NewTxn()
	for name, err := range map[string]error{
		"Lookup nil handle":   func() error { _, err := Lookup(nil, "", 0, "a"); return err }(),
		"LookupAt nil handle": func() error { _, err := LookupAt(nil, 0, "a", "{}"); return err }(),
		"Commit nil handle":   func() error { _, err := Commit(nil, "", 0, txn); return err }(),
		"Getroot nil handle":  func() error { _, err := Getroot(nil, "", 0); return err }(),
		"Copy nil handle":     func() error { _, err := Copy(nil, "", "a", "", "b", 0); return err }(),
		"Move nil handle":     func() error { _, err := Move(nil, "", "a", "", "b", 0); return err }(),
		"NamespaceCreate":     func() error { _, err := NamespaceCreate(nil, "", 0, 5); return err }(),
		"NamespaceCreateWith": func() error { _, err := NamespaceCreateWith(nil, "", "", 0, 5); return err }(),
		"NamespaceRemove":     func() error { _, err := NamespaceRemove(nil, ""); return err }(),
		"NewItr nil":          func() error { _, err := NewItr(nil); return err }(),
	} {
		if !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%s = %v, want EINVAL", name, err)
		}
	}
}
