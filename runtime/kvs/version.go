package kvs

import (
	"context"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// GetVersion returns the current root sequence number of namespace ns
// (flux_kvs_get_version), waiting under ctx.
func GetVersion(ctx context.Context, h *runtime.Handle, ns string) (int, error) {
	if h == nil {
		return 0, inval()
	}
	p, err := requestJSON(map[string]string{"namespace": orDefault(ns)})
	if err != nil {
		return 0, err
	}
	f, err := h.RPC("kvs.getroot", p, msg.NodeIDAny, 0)
	if err != nil {
		return 0, err
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return 0, err
	}
	r, err := decodeRoot(f, false)
	if err != nil {
		return 0, err
	}
	return *r.Rootseq, nil
}

// WaitVersion waits, under ctx, until namespace ns has reached root
// sequence number version (flux_kvs_wait_version).
func WaitVersion(ctx context.Context, h *runtime.Handle, ns string, version int) error {
	if h == nil {
		return inval()
	}
	p, err := requestJSON(map[string]any{"rootseq": version, "namespace": orDefault(ns)})
	if err != nil {
		return err
	}
	f, err := h.RPC("kvs.wait-version", p, msg.NodeIDAny, 0)
	if err != nil {
		return err
	}
	defer f.Destroy()
	if err := f.Wait(ctx); err != nil {
		return err
	}
	_, err = f.Get()
	return err
}
