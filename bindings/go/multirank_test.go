package flux

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// The multi-rank suite runs against a real four-broker flux-core instance
// shaped as a binary tree (flux start --test-size=4 with tbon.topo
// kary:2: ranks 1 and 2 below 0, rank 3 below 1);
// bindings/capi/test/multirank checks the same in C against both
// libraries.

const multirankSize = 4

// openRank opens a handle on rank's own broker socket, closed at cleanup.
func openRank(t *testing.T, in *fluxtest.Instance, rank int) *Handle {
	t.Helper()
	h, err := Open(in.RankURI(rank))
	if err != nil {
		t.Fatalf("Open rank %d: %v", rank, err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// rankOf returns the rank whose broker answers attr.get rank sent from h
// with opts.
func rankOf(ctx context.Context, h *Handle, opts ...RPCOption) (int, error) {
	m, err := h.RPC(ctx, "attr.get", map[string]string{"name": "rank"}, opts...)
	if err != nil {
		return -1, err
	}
	var v struct{ Value string }
	if err := m.Payload.Decode(&v); err != nil {
		return -1, err
	}
	return strconv.Atoi(v.Value)
}

// karyParent returns rank's parent in the instance's kary:K tree.
func karyParent(t *testing.T, ctx context.Context, h *Handle, rank int) int {
	t.Helper()
	topo, err := h.Attr(ctx, "tbon.topo")
	if err != nil {
		t.Fatal(err)
	}
	var k int
	if _, err := fmt.Sscanf(topo, "kary:%d", &k); err != nil || k < 1 {
		t.Fatalf("tbon.topo %q is not kary:K", topo)
	}
	return (rank - 1) / k
}

func multirankHandles(t *testing.T) (*fluxtest.Instance, []*Handle) {
	if interop() {
		t.Skip("runs in the plain test run, which starts its own instance")
	}
	in := fluxtest.Shared(t, fluxtest.Options{Size: multirankSize, Topo: "kary:2"})
	hs := make([]*Handle, multirankSize)
	for r := range hs {
		hs[r] = openRank(t, in, r)
	}
	return in, hs
}

func TestMultirankRanks(t *testing.T) {
	_, h := multirankHandles(t)
	ctx := testCtx(t)
	if size, err := h[0].Size(); err != nil || size != multirankSize {
		t.Fatalf("Size = %d, %v; want %d", size, err, multirankSize)
	}
	for r := range h {
		if rank, err := h[r].Rank(); err != nil || rank != uint32(r) {
			t.Errorf("a client on local-%d: Rank = %d, %v", r, rank, err)
		}
		if got, err := rankOf(ctx, h[0], ToRank(uint32(r))); err != nil || got != r {
			t.Errorf("attr.get rank to nodeid %d answered by rank %d, %v", r, got, err)
		}
	}
}

func TestMultirankUpstream(t *testing.T) {
	_, h := multirankHandles(t)
	ctx := testCtx(t)
	for _, r := range []int{2, 3} {
		want := karyParent(t, ctx, h[0], r)
		if got, err := rankOf(ctx, h[r], Upstream()); err != nil || got != want {
			t.Errorf("Upstream from rank %d answered by rank %d, %v; want its parent %d", r, got, err, want)
		}
	}
	if p2, p3 := karyParent(t, ctx, h[0], 2), karyParent(t, ctx, h[0], 3); p2 != 0 || p3 != 1 {
		t.Errorf("parents of ranks 2 and 3 are %d and %d; flux-core's library gets 0 and 1", p2, p3)
	}
	_, err := rankOf(ctx, h[0], Upstream())
	if !errors.Is(err, syscall.EHOSTUNREACH) {
		t.Errorf("Upstream from rank 0: %v; want EHOSTUNREACH", err)
	}
}

func TestMultirankEvents(t *testing.T) {
	_, h := multirankHandles(t)
	ctx := testCtx(t)
	var subs []*Subscription
	for _, r := range []int{0, 2} {
		s, err := h[r].Subscribe(ctx, "mrgo.ev")
		if err != nil {
			t.Fatalf("Subscribe on rank %d: %v", r, err)
		}
		defer s.Unsubscribe(ctx)
		subs = append(subs, s)
	}
	seq, err := h[3].Publish(ctx, "mrgo.ev", map[string]int{"from": 3})
	if err != nil {
		t.Fatalf("Publish on rank 3: %v", err)
	}
	for i, s := range subs {
		select {
		case m := <-s.C():
			if m.Topic != "mrgo.ev" || int(m.Seq) != seq {
				t.Errorf("subscriber %d got %s seq %d; want mrgo.ev seq %d", i, m.Topic, m.Seq, seq)
			}
		case <-ctx.Done():
			t.Fatalf("subscriber %d: no event", i)
		}
	}
}

func TestMultirankService(t *testing.T) {
	in, h := multirankHandles(t)
	ctx := testCtx(t)
	srv, err := Open(in.RankURI(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.RegisterService(ctx, "mrgo", func(req *ServiceRequest) {
		req.Respond(map[string]int{"served-by": 1})
	})
	if err != nil {
		srv.Close()
		t.Fatalf("RegisterService on rank 1: %v", err)
	}
	call := func(from int, opts ...RPCOption) error {
		m, err := h[from].RPC(ctx, "mrgo.hello", struct{}{}, opts...)
		if err != nil {
			return err
		}
		var v struct {
			By int `json:"served-by"`
		}
		if err := m.Payload.Decode(&v); err != nil || v.By != 1 {
			return fmt.Errorf("answer %s (%v)", m.Payload.Text(), err)
		}
		return nil
	}
	if err := call(0, ToRank(1)); err != nil {
		t.Errorf("rank 0 to nodeid 1: %v", err)
	}
	if err := call(3); err != nil {
		t.Errorf("rank 3 with NodeIDAny (upstream to rank 1): %v", err)
	}
	if err := call(2); !errors.Is(err, syscall.ENOSYS) {
		t.Errorf("rank 2 with NodeIDAny: %v; want ENOSYS (rank 1 is not above it)", err)
	}
	srv.Close()
	// The disconnect travels on the client's socket, the request over the
	// tree: give rank 1's broker a moment to drop the service.
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := call(0, ToRank(1))
		if errors.Is(err, syscall.ENOSYS) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the server disconnected: %v; want ENOSYS", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
