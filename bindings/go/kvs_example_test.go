package flux_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/bindings/go"
)

// The KVS examples need a flux-core instance (run them under flux start);
// they are compiled, not run, by go test.

func ExampleKVS_Get() {
	h, err := flux.Open("")
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	kv := h.KVS() // $FLUX_KVS_NAMESPACE, else "primary"

	if _, err := kv.Put(ctx, "demo.greeting", "hello"); err != nil {
		log.Fatal(err)
	}
	v, err := kv.Get(ctx, "demo.greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)

	_, err = kv.Get(ctx, "demo.missing")
	fmt.Println(errors.Is(err, syscall.ENOENT), err)
}

func ExampleKVSGet() {
	h, _ := flux.Open("")
	defer h.Close()
	ctx := context.Background()
	kv := h.KVS()

	type Config struct {
		Nodes int      `json:"nodes"`
		Queue []string `json:"queue"`
	}
	if _, err := kv.Put(ctx, "demo.config", Config{Nodes: 4, Queue: []string{"batch"}}); err != nil {
		log.Fatal(err)
	}
	cfg, err := flux.KVSGet[Config](ctx, kv, "demo.config")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Nodes, cfg.Queue)
}

func ExampleTxn_Commit() {
	h, _ := flux.Open("")
	defer h.Close()
	ctx := context.Background()
	kv := h.KVS()

	root, err := kv.Txn().
		Mkdir("demo.job").
		Put("demo.job.state", "run").
		Append("demo.job.log", []byte("started\n")).
		Symlink("demo.current", "", "demo.job").
		Commit(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("root sequence", root.Sequence, root.Blobref)

	// The snapshot keeps what this commit made, whatever comes later.
	old := kv.At(root)
	state, _ := old.Get(ctx, "demo.job.state")
	fmt.Println(state)
}

func ExampleKVS_Watch() {
	h, _ := flux.Open("")
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Print each value demo.counter takes until it reaches 10, the
	// minute is up, or the broker goes away.
	for v, err := range h.KVS().Watch(ctx, "demo.counter", flux.WaitCreate) {
		if err != nil {
			log.Fatal(err)
		}
		var n int
		if v.Decode(&n) == nil && n >= 10 {
			break // cancels the watch on the broker
		}
		fmt.Println(v)
	}
}

func ExampleKVS_Dir() {
	h, _ := flux.Open("")
	defer h.Close()
	ctx := context.Background()

	dir, err := h.KVS().Dir(ctx, ".")
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range dir.Names() {
		kind := "value"
		if dir.IsDir(name) {
			kind = "directory"
		} else if dir.IsSymlink(name) {
			kind = "symlink"
		}
		fmt.Println(dir.KeyAt(name), kind)
	}
}

func ExampleHandle_CreateKVSNamespace() {
	h, _ := flux.Open("")
	defer h.Close()
	ctx := context.Background()

	scratch, err := h.CreateKVSNamespace(ctx, "scratch")
	if err != nil {
		log.Fatal(err)
	}
	defer h.RemoveKVSNamespace(ctx, "scratch")

	if _, err := scratch.Put(ctx, "result", 42); err != nil {
		log.Fatal(err)
	}
	// Copy the result into the primary namespace.
	if _, err := scratch.Copy(ctx, "result", "primary", "demo.result"); err != nil {
		log.Fatal(err)
	}
	namespaces, _ := h.KVSNamespaces(ctx)
	for _, ns := range namespaces {
		fmt.Println(ns.Name, ns.Owner)
	}
}
