package kvs_test

import (
	"fmt"

	"github.com/fluxgo/fluxgo/runtime/kvs"
)

func ExampleTree_Encode() {
	dir := kvs.NewDirTree()
	_ = dir.SetEntry("greeting", kvs.NewVal([]byte("hello")))
	_ = dir.SetEntry("link", kvs.NewSymlink("other", "a.b"))
	fmt.Println(dir.Encode())
	// Output:
	// {"data":{"greeting":{"data":"aGVsbG8=","type":"val","ver":1},"link":{"data":{"namespace":"other","target":"a.b"},"type":"symlink","ver":1}},"type":"dir","ver":1}
}

func ExampleTxn_MarshalJSON() {
	txn := kvs.NewTxn()
	_ = txn.PutJSON(0, "a.b", map[string]int{"n": 1})
	_ = txn.Unlink(0, "c")
	ops, _ := txn.MarshalJSON()
	fmt.Println(string(ops))
	// Output:
	// [{"key":"a.b","flags":0,"dirent":{"data":"eyJuIjoxfQ==","type":"val","ver":1}},{"key":"c","flags":0,"dirent":null}]
}

func ExampleNormalizeKey() {
	fmt.Println(kvs.NormalizeKey("..a..b."))
	// Output: a.b true
}
