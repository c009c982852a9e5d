package kvs

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// lookupAux names the aux item holding a lookup's state.
const lookupAux = "flux::lookup_ctx"

// lookupState is what a lookup future carries: its arguments, and the
// tree object of the response last decoded (a watch's future moves from
// response to response with Reset).
type lookupState struct {
	h     *runtime.Handle
	key   string
	atref string // the tree object given to LookupAt
	flags int

	mu       sync.Mutex
	last     *msg.Message // response tree was decoded from
	tree     *Tree        // nil for a WatchInitialSentinel response
	sentinel bool
}

// checkLookupFlags accepts the flag sets flux-core accepts: TreeObj,
// Readdir, Readdir|TreeObj or Readlink (or none), plus, when watchOK,
// Watch with its modifiers, WaitCreate and Stream.
func checkLookupFlags(flags int, watchOK bool) error {
	if flags&Watch != 0 && !watchOK {
		return inval()
	}
	if flags&watchFlags != 0 && flags&Watch == 0 {
		return inval()
	}
	if flags&(WaitCreate|Stream) != 0 && !watchOK {
		return inval()
	}
	switch flags &^ (Watch | watchFlags | WaitCreate | Stream) {
	case 0, TreeObj, Readdir, Readdir | TreeObj, Readlink:
		return nil
	}
	return inval()
}

// Lookup looks key up in namespace ns (flux_kvs_lookup). With Watch,
// WaitCreate or Stream the request goes to the kvs-watch module, and with
// Watch or Stream the future is a stream: Reset it to get the next
// response, and cancel the watch with LookupCancel. An empty key or a
// bad flag set is EINVAL.
func Lookup(h *runtime.Handle, ns string, flags int, key string) (*runtime.Future, error) {
	if h == nil || key == "" || !utf8.ValidString(key) || !utf8.ValidString(ns) {
		return nil, inval()
	}
	if err := checkLookupFlags(flags, true); err != nil {
		return nil, err
	}
	topic, rpcFlags := "kvs.lookup", 0
	if flags&(Watch|WaitCreate|Stream) != 0 {
		topic = "kvs-watch.lookup"
	}
	if flags&(Watch|Stream) != 0 {
		rpcFlags = runtime.RPCStreaming
	}
	b := make([]byte, 0, 64+len(key)+len(ns))
	b = append(b, `{"key":`...)
	b = appendJSONString(b, key)
	b = append(b, `,"namespace":`...)
	b = appendJSONString(b, orDefault(ns))
	b = append(b, `,"flags":`...)
	b = strconv.AppendInt(b, int64(flags), 10)
	b = append(b, '}', 0)
	f, err := h.RPC(topic, b, msg.NodeIDAny, rpcFlags)
	if err != nil {
		return nil, err
	}
	if err := markFuture(f, lookupAux, &lookupState{h: h, key: key, flags: flags}); err != nil {
		return nil, err
	}
	return f, nil
}

// LookupAt looks key up in the snapshot whose root is the encoded tree
// object treeobj, e.g. from CommitGetTreeObj or GetrootGetTreeObj
// (flux_kvs_lookupat). Watch, WaitCreate and Stream are EINVAL, as is a
// treeobj that is not a JSON object or array.
func LookupAt(h *runtime.Handle, flags int, key, treeobj string) (*runtime.Future, error) {
	if h == nil || key == "" || !utf8.ValidString(key) {
		return nil, inval()
	}
	if err := checkLookupFlags(flags, false); err != nil {
		return nil, err
	}
	root := bytes.TrimSpace([]byte(treeobj))
	if len(root) == 0 || (root[0] != '{' && root[0] != '[') || !json.Valid(root) {
		return nil, inval()
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, root); err != nil {
		return nil, inval()
	}
	b := make([]byte, 0, 64+len(key)+compact.Len())
	b = append(b, `{"key":`...)
	b = appendJSONString(b, key)
	b = append(b, `,"flags":`...)
	b = strconv.AppendInt(b, int64(flags), 10)
	b = append(b, `,"rootdir":`...)
	b = append(b, compact.Bytes()...)
	b = append(b, '}', 0)
	f, err := h.RPC("kvs.lookup", b, msg.NodeIDAny, 0)
	if err != nil {
		return nil, err
	}
	st := &lookupState{h: h, key: key, atref: treeobj, flags: flags}
	if err := markFuture(f, lookupAux, st); err != nil {
		return nil, err
	}
	return f, nil
}

// lookupOf returns the state of a lookup future; EINVAL for other futures.
func lookupOf(f *runtime.Future) (*lookupState, error) {
	if f == nil {
		return nil, inval()
	}
	v, err := f.AuxGet(lookupAux)
	if err != nil {
		return nil, inval()
	}
	st, ok := v.(*lookupState)
	if !ok {
		return nil, inval()
	}
	return st, nil
}

// current waits for f's current response and returns its tree object,
// decoding it once per response: nil with sentinel set for the empty
// response of WatchInitialSentinel. A response without a valid tree
// object in "val" is EPROTO.
func (st *lookupState) current(f *runtime.Future) (*Tree, bool, error) {
	m, err := f.Get()
	if err != nil {
		return nil, false, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if m != nil && m == st.last {
		return st.tree, st.sentinel, nil
	}
	if m == nil || !m.HasPayload() {
		if st.flags&WatchInitialSentinel != 0 {
			st.last, st.tree, st.sentinel = m, nil, true
			return nil, true, nil
		}
		return nil, false, runtime.ErrnoError(syscall.EPROTO)
	}
	p := m.Payload
	if p[len(p)-1] != 0 {
		return nil, false, runtime.ErrnoError(syscall.EPROTO)
	}
	t, err := decodeLookupResponse(p[:len(p)-1])
	if err != nil {
		return nil, false, err
	}
	st.last, st.tree, st.sentinel = m, t, false
	return t, false, nil
}

// decodeLookupResponse returns the tree object in "val" of a lookup
// response: read by the scanner in the plain case (a val object), by
// encoding/json otherwise. A response without a valid tree object in
// "val" is EPROTO.
func decodeLookupResponse(p []byte) (*Tree, error) {
	raw, ok := scanLookupVal(p)
	if ok {
		if t, ok := scanValTree(raw); ok {
			return t, nil
		}
		return DecodeTreeBytes(raw)
	}
	var r struct {
		Val json.RawMessage `json:"val"`
	}
	if json.Unmarshal(p, &r) != nil || r.Val == nil {
		return nil, runtime.ErrnoError(syscall.EPROTO)
	}
	return DecodeTreeBytes(r.Val)
}

// LookupGetRaw returns the value of the current response
// (flux_kvs_lookup_get_raw): nil for an empty value and for the sentinel
// response of WatchInitialSentinel. A response that is not a val (a
// directory asked for with TreeObj, say) is EINVAL.
func LookupGetRaw(f *runtime.Future) ([]byte, error) {
	st, err := lookupOf(f)
	if err != nil {
		return nil, err
	}
	t, sentinel, err := st.current(f)
	if err != nil || sentinel {
		return nil, err
	}
	return t.DecodeVal()
}

// LookupGet returns the value of the current response as a string
// (flux_kvs_lookup_get); see LookupGetRaw.
func LookupGet(f *runtime.Future) (string, error) {
	b, err := LookupGetRaw(f)
	return string(b), err
}

// LookupGetJSON decodes the value of the current response, which must be
// JSON, into v (flux_kvs_lookup_get_unpack); a value that is not JSON or
// does not fit v is EINVAL.
func LookupGetJSON(f *runtime.Future, v any) error {
	st, err := lookupOf(f)
	if err != nil {
		return err
	}
	t, _, err := st.current(f)
	if err != nil {
		return err
	}
	b, err := t.DecodeVal()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return runtime.Errorf(syscall.EINVAL, "%s", err.Error())
	}
	return nil
}

// LookupGetTree returns the tree object of the current response (a copy
// the caller may change).
func LookupGetTree(f *runtime.Future) (*Tree, error) {
	st, err := lookupOf(f)
	if err != nil {
		return nil, err
	}
	t, sentinel, err := st.current(f)
	if err != nil {
		return nil, err
	}
	if sentinel {
		return nil, inval()
	}
	return t.Copy(), nil
}

// LookupGetTreeObj returns the tree object of the current response,
// encoded (flux_kvs_lookup_get_treeobj).
func LookupGetTreeObj(f *runtime.Future) (string, error) {
	st, err := lookupOf(f)
	if err != nil {
		return "", err
	}
	t, sentinel, err := st.current(f)
	if err != nil {
		return "", err
	}
	if sentinel {
		return "", inval()
	}
	return t.Encode(), nil
}

// LookupGetDir returns the directory of the current response, which must
// be a dir object (Readdir), else EINVAL (flux_kvs_lookup_get_dir).
func LookupGetDir(f *runtime.Future) (*Dir, error) {
	st, err := lookupOf(f)
	if err != nil {
		return nil, err
	}
	t, _, err := st.current(f)
	if err != nil {
		return nil, err
	}
	return newDirFromTree(st.h, st.atref, st.key, t)
}

// LookupGetSymlink returns the namespace ("" when none) and target of the
// symlink of the current response (Readlink); another type is EINVAL
// (flux_kvs_lookup_get_symlink).
func LookupGetSymlink(f *runtime.Future) (ns, target string, err error) {
	st, err := lookupOf(f)
	if err != nil {
		return "", "", err
	}
	t, _, err := st.current(f)
	if err != nil {
		return "", "", err
	}
	return t.Symlink()
}

// LookupGetKey returns the key a lookup future was made for
// (flux_kvs_lookup_get_key).
func LookupGetKey(f *runtime.Future) (string, error) {
	st, err := lookupOf(f)
	if err != nil {
		return "", err
	}
	return st.key, nil
}

// LookupGetFlags returns the flags a lookup future was made with.
func LookupGetFlags(f *runtime.Future) (int, error) {
	st, err := lookupOf(f)
	if err != nil {
		return 0, err
	}
	return st.flags, nil
}

// LookupCancel asks kvs-watch to end a Watch, WaitCreate or Stream lookup
// (flux_kvs_lookup_cancel): its stream then ends with ENODATA once the
// responses already sent have arrived. Other futures are EINVAL.
func LookupCancel(f *runtime.Future) error {
	st, err := lookupOf(f)
	if err != nil {
		return err
	}
	if st.flags&(Watch|WaitCreate|Stream) == 0 {
		return inval()
	}
	h, err := f.GetFlux()
	if err != nil || h == nil {
		h = st.h
	}
	p := []byte(`{"matchtag":` + strconv.FormatUint(uint64(f.Matchtag()), 10) + "}\x00")
	cf, err := h.RPC("kvs-watch.cancel", p, msg.NodeIDAny, runtime.RPCNoResponse)
	if err != nil {
		return err
	}
	cf.Destroy()
	return nil
}
