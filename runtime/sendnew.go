package runtime

import "github.com/fluxgo/fluxgo/runtime/msg"

// SendNew is Send for a message its caller gives up (flux_send_new). A
// connector that can deliver the object itself (interthread://) does, and
// handedOver is true: the peer's receive returns m, not a copy. Other
// connectors send m as Send does. Either way the caller must not use m
// after a successful call.
func (h *Handle) SendNew(m *msg.Message, flags int) (handedOver bool, err error) {
	_, handedOver, err = h.send(m, flags, true)
	return handedOver, err
}
