package runtime

import (
	"encoding/json"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// The methods every broker module answers under its service name
// (flux_register_default_methods): NAME.ping, NAME.stats-get,
// NAME.stats-clear (request and event), NAME.rusage, NAME.debug,
// NAME.config-reload and NAME.config-update, with flux-core's payloads,
// role rules and error texts.

// RegisterDefaultMethods starts the default method handlers of a module
// serving service on h (flux_register_default_methods); destroy them with
// MsgHandlerDelvec.
func (h *Handle) RegisterDefaultMethods(service string) ([]*MsgHandler, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	req, ev := int(msg.TypeRequest), int(msg.TypeEvent)
	return h.MsgHandlerAddvec(&service, []MsgHandlerSpec{
		{TypeMask: req, TopicGlob: "stats-get", Cb: methodStatsGet, Rolemask: msg.RoleAll},
		{TypeMask: req, TopicGlob: "stats-clear", Cb: methodStatsClear},
		{TypeMask: ev, TopicGlob: "stats-clear", Cb: methodStatsClearEvent},
		{TypeMask: req, TopicGlob: "config-reload", Cb: methodConfigReload},
		{TypeMask: req, TopicGlob: "config-update", Cb: methodConfigReload},
		{TypeMask: req, TopicGlob: "debug", Cb: methodDebug},
		{TypeMask: req, TopicGlob: "rusage", Cb: methodRusage, Rolemask: msg.RoleUser},
		{TypeMask: req, TopicGlob: "ping", Cb: methodPing, Rolemask: msg.RoleUser},
	})
}

// respondJSON answers req with v, or with the error of failing to.
func respondJSON(h *Handle, req *msg.Message, v any) {
	p, err := JSONPayload(v)
	if err == nil {
		err = h.Respond(req, p)
	}
	if err != nil {
		respondErr(h, req, err, nil)
	}
}

// respondErr answers req with err's errno and text (if any).
func respondErr(h *Handle, req *msg.Message, err error, text *string) {
	if err := h.RespondError(req, int(ErrnoOf(err)), text); err != nil {
		diagf("default method: responding: %s\n", ErrorText(err))
	}
}

func methodStatsGet(h *Handle, _ *MsgHandler, req *msg.Message) {
	if _, _, err := RequestDecode(req); err != nil {
		respondErr(h, req, err, nil)
		return
	}
	c := h.Msgcounters()
	respondJSON(h, req, map[string]any{
		"tx": map[string]int{"request": c.RequestTx, "response": c.ResponseTx, "event": c.EventTx, "control": c.ControlTx},
		"rx": map[string]int{"request": c.RequestRx, "response": c.ResponseRx, "event": c.EventRx, "control": c.ControlRx},
	})
}

func methodStatsClear(h *Handle, _ *MsgHandler, req *msg.Message) {
	if _, _, err := RequestDecode(req); err != nil {
		respondErr(h, req, err, nil)
		return
	}
	h.ClearMsgcounters()
	if err := h.Respond(req, nil); err != nil {
		diagf("default method: responding: %s\n", ErrorText(err))
	}
}

func methodStatsClearEvent(h *Handle, _ *MsgHandler, ev *msg.Message) {
	if _, _, err := EventDecode(ev); err == nil {
		h.ClearMsgcounters()
	}
}

func methodConfigReload(h *Handle, _ *MsgHandler, req *msg.Message) {
	topic := topicOrUnknown(req)
	conf, err := ModuleConfigRequestDecode(req)
	if err != nil {
		text := fmt.Sprintf("Failed to parse %s request", topic)
		respondErr(h, req, err, &text)
		return
	}
	if err := h.SetConfNew(conf); err != nil {
		conf.Decref()
		text := "Failed to update config"
		respondErr(h, req, err, &text)
		return
	}
	if err := h.Respond(req, nil); err != nil {
		diagf("default method: responding: %s\n", ErrorText(err))
	}
}

func methodDebug(h *Handle, _ *MsgHandler, req *msg.Message) {
	_, payload, err := RequestDecode(req)
	var body struct {
		Op    *string `json:"op"`
		Flags *int32  `json:"flags"`
	}
	if err == nil && (decodeJSONPayload(payload, &body) != nil || body.Op == nil || body.Flags == nil) {
		err = ErrnoError(syscall.EPROTO)
	}
	if err != nil {
		respondErr(h, req, err, nil)
		return
	}
	f := h.moduleDebugFlags(true)
	if f == nil {
		respondErr(h, req, ErrnoError(syscall.ENOMEM), nil)
		return
	}
	for {
		old := f.v.Load()
		var v int32
		switch *body.Op {
		case "setbit":
			v = old | *body.Flags
		case "clrbit":
			v = old &^ *body.Flags
		case "set":
			v = *body.Flags
		case "clr":
			v = 0
		default:
			respondErr(h, req, ErrnoError(syscall.EPROTO), nil)
			return
		}
		if f.v.CompareAndSwap(old, v) {
			respondJSON(h, req, map[string]int32{"flags": v})
			return
		}
	}
}

func methodRusage(h *Handle, _ *MsgHandler, req *msg.Message) {
	_, payload, err := RequestDecode(req)
	if err != nil {
		respondErr(h, req, err, nil)
		return
	}
	var body struct {
		Who *string `json:"who"`
	}
	_ = decodeJSONPayload(payload, &body) // no payload: self
	who := unix.RUSAGE_SELF
	if body.Who != nil {
		switch *body.Who {
		case "self":
		case "children":
			who = unix.RUSAGE_CHILDREN
		case "thread":
			who = unix.RUSAGE_THREAD
		default:
			text := fmt.Sprintf("%s is unsupported", *body.Who)
			respondErr(h, req, ErrnoError(syscall.EINVAL), &text)
			return
		}
	}
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		respondErr(h, req, errnoErr(err), nil)
		return
	}
	tv := func(t unix.Timeval) float64 { return float64(t.Sec) + 1e-6*float64(t.Usec) }
	respondJSON(h, req, map[string]any{
		"utime": tv(ru.Utime), "stime": tv(ru.Stime),
		"maxrss": ru.Maxrss, "ixrss": ru.Ixrss, "idrss": ru.Idrss, "isrss": ru.Isrss,
		"minflt": ru.Minflt, "majflt": ru.Majflt, "nswap": ru.Nswap,
		"inblock": ru.Inblock, "oublock": ru.Oublock, "msgsnd": ru.Msgsnd,
		"msgrcv": ru.Msgrcv, "nsignals": ru.Nsignals, "nvcsw": ru.Nvcsw, "nivcsw": ru.Nivcsw,
	})
}

// methodPing answers with the request's payload object plus the route
// the request took (ending with this module's short uuid), the sender's
// credentials and this broker's rank.
func methodPing(h *Handle, _ *MsgHandler, req *msg.Message) {
	_, payload, err := RequestDecode(req)
	var obj map[string]json.RawMessage
	if err == nil && (decodeJSONPayload(payload, &obj) != nil || obj == nil) {
		err = ErrnoError(syscall.EPROTO)
	}
	var uuid string
	if err == nil {
		var v any
		if v, err = h.AuxGet("flux::uuid"); err == nil {
			s, ok := v.(string)
			if !ok {
				err = ErrnoError(syscall.EINVAL)
			}
			uuid = s
		}
	}
	var route string
	if err == nil {
		route, err = MsgRouteString(req)
	}
	var rank uint32
	if err == nil {
		rank, err = h.GetRank()
	}
	if err != nil {
		respondErr(h, req, err, nil)
		return
	}
	if len(uuid) > 8 {
		uuid = uuid[:8]
	}
	resp := map[string]any{}
	for k, v := range obj {
		resp[k] = v
	}
	resp["route"] = route + "!" + uuid
	resp["userid"] = req.Userid
	resp["rolemask"] = req.Rolemask
	resp["rank"] = rank
	respondJSON(h, req, resp)
}
