package kvs

import (
	"errors"
	"syscall"
	"testing"
)

func TestTxnEncoding(t *testing.T) {
	txn := NewTxn()
	if !txn.IsEmpty() {
		t.Fatal("new txn not empty")
	}
	steps := []error{
		txn.Put(0, "a", "hello"),
		txn.PutRaw(Append, "b", []byte{0, 1}),
		txn.PutJSON(0, "c", map[string]any{"x": []int{1, 2}, "h": "<&>"}),
		txn.Mkdir(0, "d"),
		txn.Unlink(0, "e"),
		txn.Symlink(0, "f", "ns", "a.b"),
		txn.Symlink(0, "g", "", "a"),
		txn.PutTreeObj(0, "h", `{"data":"","type":"val","ver":1}`),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, _ := txn.MarshalJSON()
	want := `[{"key":"a","flags":0,"dirent":{"data":"aGVsbG8=","type":"val","ver":1}},` +
		`{"key":"b","flags":32,"dirent":{"data":"AAE=","type":"val","ver":1}},` +
		`{"key":"c","flags":0,"dirent":{"data":"eyJoIjoiPCY+IiwieCI6WzEsMl19","type":"val","ver":1}},` +
		`{"key":"d","flags":0,"dirent":{"data":{},"type":"dir","ver":1}},` +
		`{"key":"e","flags":0,"dirent":null},` +
		`{"key":"f","flags":0,"dirent":{"data":{"namespace":"ns","target":"a.b"},"type":"symlink","ver":1}},` +
		`{"key":"g","flags":0,"dirent":{"data":{"target":"a"},"type":"symlink","ver":1}},` +
		`{"key":"h","flags":0,"dirent":{"data":"","type":"val","ver":1}}]`
	if string(got) != want {
		t.Fatalf("ops:\n got %s\nwant %s", got, want)
	}
	if txn.Len() != 8 {
		t.Fatalf("Len = %d", txn.Len())
	}
	if err := txn.Clear(); err != nil || !txn.IsEmpty() {
		t.Fatalf("Clear: %v, empty %v", err, txn.IsEmpty())
	}
}

func TestTxnBadInput(t *testing.T) {
	txn := NewTxn()
	for name, err := range map[string]error{
		"empty key put":         txn.Put(0, "", "x"),
		"empty key mkdir":       txn.Mkdir(0, ""),
		"empty key unlink":      txn.Unlink(0, ""),
		"bad flag put":          txn.Put(Readdir, "a", "x"),
		"append mkdir":          txn.Mkdir(Append, "a"),
		"append unlink":         txn.Unlink(Append, "a"),
		"append symlink":        txn.Symlink(Append, "a", "", "b"),
		"append treeobj":        txn.PutTreeObj(Append, "a", `{"data":"","type":"val","ver":1}`),
		"invalid utf8 key":      txn.Put(0, "a\xff", "x"),
		"unencodable json":      txn.PutJSON(0, "a", func() {}),
		"invalid tree (EPROTO)": txn.PutTreeObj(0, "a", `{"data":[],"type":"dirref","ver":1}`),
	} {
		want := syscall.EINVAL
		if name == "invalid tree (EPROTO)" {
			want = syscall.EPROTO
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	if !txn.IsEmpty() {
		t.Fatalf("failed operations were recorded: %d", txn.Len())
	}
	var nilTxn *Txn
	if !nilTxn.IsEmpty() || nilTxn.Put(0, "a", "b") == nil || nilTxn.Clear() == nil {
		t.Fatal("nil txn")
	}
}

func TestTxnCompact(t *testing.T) {
	txn := NewTxn()
	_ = txn.Put(0, "x", "set")
	_ = txn.Put(Append, "a", "1")
	_ = txn.Put(Append, "b", "")
	_ = txn.Put(Append, "a", "2")
	_ = txn.Put(Append, "b", "")
	_ = txn.Put(Append, "a", "3")
	_ = txn.Put(Append, "c", "only")
	if err := txn.Compact(); err != nil {
		t.Fatal(err)
	}
	ops := txn.Ops()
	if len(ops) != 4 {
		t.Fatalf("ops after compact: %d", len(ops))
	}
	for i, w := range []struct{ key, val string }{{"x", "set"}, {"a", "123"}, {"b", ""}, {"c", "only"}} {
		v, _ := ops[i].Dirent.DecodeVal()
		if ops[i].Key != w.key || string(v) != w.val {
			t.Errorf("op %d = %s %q, want %s %q", i, ops[i].Key, v, w.key, w.val)
		}
	}
	if ops[1].Flags != Append {
		t.Errorf("compacted op lost its Append flag")
	}

	bad := NewTxn()
	_ = bad.Put(Append, "a", "1")
	_ = bad.Put(0, "a", "2")
	if err := bad.Compact(); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("append then set: %v", err)
	}
	if bad.Len() != 2 {
		t.Fatal("failed Compact changed the txn")
	}
}
