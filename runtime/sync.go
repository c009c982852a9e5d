package runtime

import (
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// A sync future (flux_sync_create) is fulfilled in step with the
// instance's heartbeat: once per "heartbeat.pulse" event, with no value,
// and no more often than every minimum seconds when minimum > 0. It is
// reset to wait for the next beat; a timeout on Then or WaitFor bounds
// the wait. The handle stays subscribed to the heartbeat while the future
// lives.

// syncTopic is the heartbeat event's topic.
const syncTopic = "heartbeat.pulse"

// syncAuxKey is the future's aux key for the sync state (flux-core's).
const syncAuxKey = "flux::sync"

// syncState is what a sync future remembers between beats.
type syncState struct {
	h       *Handle
	minimum float64
	count   int
	seq     uint32
	last    float64
}

// SyncCreate returns a future fulfilled on each heartbeat, at most every
// minimum seconds (flux_sync_create). A nil handle is EINVAL.
func (h *Handle) SyncCreate(minimum float64) (*Future, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	st := &syncState{h: h, minimum: minimum}
	f := NewFutureInit(st.init)
	f.SetFlux(h)
	sub, err := h.EventSubscribeEx(syncTopic, RPCNoResponse)
	if err != nil {
		f.Destroy()
		return nil, err
	}
	sub.Destroy()
	key := syncAuxKey
	if err := f.AuxSet(&key, st, func(any) { st.unsubscribe() }); err != nil {
		st.unsubscribe()
		f.Destroy()
		return nil, err
	}
	return f, nil
}

// unsubscribe drops the heartbeat subscription without waiting.
func (st *syncState) unsubscribe() {
	if f, err := st.h.EventUnsubscribeEx(syncTopic, RPCNoResponse); err == nil {
		f.Destroy()
	}
}

// init starts a handler of heartbeat events on the handle the future is
// waited on, destroyed with the future.
func (st *syncState) init(f *Future) {
	h, err := f.GetFlux()
	if err != nil {
		f.FulfillError(int(ErrnoOf(err)), nil)
		return
	}
	match := Match{TypeMask: int(msg.TypeEvent), TopicGlob: syncTopic}
	mh, err := h.MsgHandlerCreate(match, func(h *Handle, _ *MsgHandler, m *msg.Message) {
		st.beat(h, f, m)
	})
	if err != nil {
		f.FulfillError(int(ErrnoOf(err)), nil)
		return
	}
	if err := f.AuxSet(nil, mh, func(any) { mh.Destroy() }); err != nil {
		mh.Destroy()
		f.FulfillError(int(ErrnoOf(err)), nil)
		return
	}
	mh.Start()
}

// beat fulfills f for a heartbeat newer than the last one taken, unless
// it comes sooner than the minimum interval.
func (st *syncState) beat(h *Handle, f *Future, m *msg.Message) {
	if MsgAuthorize(m, msg.UseridUnknown) != nil || m.Type != msg.TypeEvent || !m.HasTopic() {
		return
	}
	now := 0.0
	if r, err := h.GetReactor(); err == nil {
		now = r.Now()
	}
	if st.count > 0 {
		if m.Aux1 <= st.seq {
			return
		}
		if st.minimum > 0 && now-st.last < st.minimum {
			return
		}
	}
	st.seq, st.last = m.Aux1, now
	st.count++
	f.Fulfill(nil)
}
