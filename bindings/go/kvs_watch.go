package flux

import (
	"context"
	"errors"
	"iter"
	"syscall"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/kvs"
)

// WatchOption changes what Watch reports.
type WatchOption int

const (
	// WaitCreate waits for a missing key to be created instead of
	// failing with ENOENT.
	WaitCreate WatchOption = kvs.WaitCreate
	// Uniq skips commits that leave the value as it was.
	Uniq WatchOption = kvs.WatchUniq
	// AppendOnly reports only the data appended since the last value (for
	// keys written with Txn.Append).
	AppendOnly WatchOption = kvs.WatchAppend
	// Full reports every change of the key's tree object, even one that
	// leaves the value as it was (a key rewritten with the same value,
	// a directory whose contents changed).
	Full WatchOption = kvs.WatchFull
)

// Watch returns an iterator over the values of key: its current value
// first, then each new value committed, in order, as served by flux-core's
// kvs-watch module. The iteration ends without an error when ctx ends or
// the loop stops; it ends with one (yielded last) when the key is
// missing (unless WaitCreate), is removed, or the connection to the
// broker is lost. Ending cancels the watch on the broker.
//
//	for v, err := range h.KVS().Watch(ctx, "job.state") {
//		if err != nil { ... }
//		fmt.Println(v)
//	}
func (kv *KVS) Watch(ctx context.Context, key string, opts ...WatchOption) iter.Seq2[Value, error] {
	flags := kvs.Watch
	for _, o := range opts {
		flags |= int(o)
	}
	return kv.stream(ctx, "watch", key, flags)
}

// Stream returns an iterator over the value of key in the pieces it is
// stored in (one per append, for a key written with Txn.Append), so a
// large value such as an eventlog can be read without holding it whole
// in one response. The iteration ends after the last piece, or as Watch's
// does.
func (kv *KVS) Stream(ctx context.Context, key string) iter.Seq2[Value, error] {
	return kv.stream(ctx, "stream", key, kvs.Stream)
}

// stream runs a streaming lookup of key with flags and yields its values
// until ENODATA (the normal end), another error (yielded last), the end
// of ctx or of the loop; it cancels the lookup on the broker unless the
// broker ended it.
func (kv *KVS) stream(ctx context.Context, op, key string, flags int) iter.Seq2[Value, error] {
	return func(yield func(Value, error) bool) {
		rt, err := kv.streamHandle()
		if err == nil && kv.at != "" {
			err = fluxrt.Errorf(syscall.EINVAL, "a snapshot cannot be watched or streamed")
		}
		var f *fluxrt.Future
		if err == nil {
			f, err = kvs.Lookup(rt, kv.ns, flags, key)
		}
		if err != nil {
			yield(nil, kv.err(op, key, err))
			return
		}
		ended := false
		defer func() {
			if !ended {
				_ = kvs.LookupCancel(f)
			}
			f.Destroy()
		}()
		for {
			if err := f.Wait(ctx); err != nil {
				if ctx.Err() == nil {
					yield(nil, kv.err(op, key, err))
				}
				return
			}
			v, err := kvs.LookupGetRaw(f)
			if err != nil {
				ended = true
				if !errors.Is(err, syscall.ENODATA) {
					yield(nil, kv.err(op, key, err))
				}
				return
			}
			f.Reset()
			if !yield(Value(v), nil) {
				return
			}
		}
	}
}

// WatchItem is one value (or the final error) of WatchChan.
type WatchItem struct {
	Value Value
	Err   error
}

// WatchChan is Watch delivering on a channel, closed when the watch ends;
// an error comes as a last item with Err set. Cancel ctx to stop.
func (kv *KVS) WatchChan(ctx context.Context, key string, opts ...WatchOption) <-chan WatchItem {
	ch := make(chan WatchItem)
	go func() {
		defer close(ch)
		for v, err := range kv.Watch(ctx, key, opts...) {
			select {
			case ch <- WatchItem{Value: v, Err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}
