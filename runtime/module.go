package runtime

import (
	"encoding/json"
	"sync/atomic"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// What a broker module's author calls (module.h): telling the broker the
// module is running, testing debug flags set through the module's
// "debug" method, and decoding the configuration the broker sends in a
// config-reload request.

// Module states a module reports with "module.status" (flux-core's
// FLUX_MODSTATE_*).
const (
	ModstateInit       = 0
	ModstateRunning    = 1
	ModstateFinalizing = 2
	ModstateExited     = 3
)

// debugFlagsKey is the handle aux key of a module's debug flags
// (flux-core's).
const debugFlagsKey = "flux::debug_flags"

// ModuleDebugFlags are a module's debug flags, set by its "debug" method
// (RegisterDefaultMethods) and tested with ModuleDebugTest.
type ModuleDebugFlags struct{ v atomic.Int32 }

// moduleDebugFlags returns h's debug flags, creating them if create is
// set (nil otherwise when there are none).
func (h *Handle) moduleDebugFlags(create bool) *ModuleDebugFlags {
	if v, err := h.AuxGet(debugFlagsKey); err == nil {
		if f, ok := v.(*ModuleDebugFlags); ok {
			return f
		}
		return nil
	}
	if !create {
		return nil
	}
	f := &ModuleDebugFlags{}
	key := debugFlagsKey
	if h.AuxSet(&key, f, nil) != nil {
		return nil
	}
	return f
}

// ModuleDebugTest reports whether flag is set among h's debug flags,
// clearing it when clear is set (flux_module_debug_test). A handle
// without debug flags has none set.
func (h *Handle) ModuleDebugTest(flag int, clear bool) bool {
	if h == nil {
		return false
	}
	f := h.moduleDebugFlags(false)
	if f == nil {
		return false
	}
	for {
		old := f.v.Load()
		if old&int32(flag) == 0 {
			return false
		}
		if !clear || f.v.CompareAndSwap(old, old&^int32(flag)) {
			return true
		}
	}
}

// ModuleSetRunning tells the broker the module has finished starting: a
// "module.status" request with status RUNNING that expects no answer
// (flux_module_set_running).
func (h *Handle) ModuleSetRunning() error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	p, err := JSONPayload(map[string]int{"status": ModstateRunning})
	if err != nil {
		return err
	}
	f, err := h.RPC("module.status", p, msg.NodeIDAny, RPCNoResponse)
	if err != nil {
		return err
	}
	f.Destroy()
	return nil
}

// ModuleConfigRequestDecode returns the configuration a config-reload (or
// config-update) request carries: its payload, a JSON object
// (flux_module_config_request_decode). Anything else is EPROTO.
func ModuleConfigRequestDecode(m *msg.Message) (*Conf, error) {
	if m == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	_, payload, err := RequestDecode(m)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if decodeJSONPayload(payload, &obj) != nil || obj == nil {
		return nil, ErrnoError(syscall.EPROTO)
	}
	return ConfFromJSON(string(payload[:len(payload)-1]))
}
