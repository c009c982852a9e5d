package flux

import "context"

// Attr returns the value of a broker attribute. Immutable attributes
// (rank, size, ...) are cached by the handle after the first lookup;
// others are asked of the broker every time. An unknown attribute is
// ENOENT.
func (h *Handle) Attr(ctx context.Context, name string) (string, error) {
	if err := h.usable(); err != nil {
		return "", opErr("attr.get", name, err)
	}
	var v string
	err := h.retrySend(ctx, func() error {
		var err error
		v, err = h.rt.AttrGetContext(ctx, name)
		return err
	})
	return v, opErr("attr.get", name, err)
}

// SetAttr sets a broker attribute (owner only). The broker refuses
// attributes that may not be updated with EINVAL "attribute may not be
// updated", and unknown ones with ENOENT.
func (h *Handle) SetAttr(ctx context.Context, name, value string) error {
	if err := h.usable(); err != nil {
		return opErr("attr.set", name, err)
	}
	return opErr("attr.set", name, h.retrySend(ctx, func() error { return h.rt.AttrSetContext(ctx, name, &value, false) }))
}

// SetAttrForce is SetAttr with force set, which lets the broker update
// attributes it otherwise refuses to change at run time.
func (h *Handle) SetAttrForce(ctx context.Context, name, value string) error {
	if err := h.usable(); err != nil {
		return opErr("attr.set", name, err)
	}
	return opErr("attr.set", name, h.retrySend(ctx, func() error { return h.rt.AttrSetContext(ctx, name, &value, true) }))
}

// ReconnectFollowup does what flux-core documents after Reconnect: it
// waits for the broker's RUN state and registers the handle's services
// and subscriptions again. WithReconnect does this by itself.
func (h *Handle) ReconnectFollowup(ctx context.Context) error {
	if err := h.usable(); err != nil {
		return opErr("reconnect followup", "", err)
	}
	return opErr("reconnect followup", "", h.rt.ReconnectFollowupContext(ctx))
}
