package main

/*
#include <errno.h>
#include <stdlib.h>
#include "flux/core.h"

// Trampolines for struct flux_handle_ops: each runs one operation with
// errno cleared first, so that cgo reports the errno the operation left.

static inline int fluxgo_ops_send (const struct flux_handle_ops *ops, void *impl,
                                   const flux_msg_t *msg, int flags)
{
    errno = 0;
    return ops->send (impl, msg, flags);
}

static inline flux_msg_t *fluxgo_ops_recv (const struct flux_handle_ops *ops,
                                           void *impl, int flags)
{
    errno = 0;
    return ops->recv (impl, flags);
}

static inline int fluxgo_ops_pollfd (const struct flux_handle_ops *ops, void *impl)
{
    errno = 0;
    return ops->pollfd (impl);
}

static inline int fluxgo_ops_pollevents (const struct flux_handle_ops *ops, void *impl)
{
    errno = 0;
    return ops->pollevents (impl);
}

static inline int fluxgo_ops_setopt (const struct flux_handle_ops *ops, void *impl,
                                     const char *option, const void *val, size_t len)
{
    errno = 0;
    return ops->setopt (impl, option, val, len);
}

static inline int fluxgo_ops_getopt (const struct flux_handle_ops *ops, void *impl,
                                     const char *option, void *val, size_t len)
{
    errno = 0;
    return ops->getopt (impl, option, val, len);
}

static inline int fluxgo_ops_reconnect (const struct flux_handle_ops *ops, void *impl)
{
    errno = 0;
    return ops->reconnect (impl);
}

static inline void fluxgo_ops_destroy (const struct flux_handle_ops *ops, void *impl)
{
    ops->impl_destroy (impl);
}

static inline int fluxgo_ops_has (const struct flux_handle_ops *ops, int which)
{
    switch (which) {
        case 0: return ops->send != NULL;
        case 1: return ops->recv != NULL;
        case 2: return ops->pollfd != NULL;
        case 3: return ops->pollevents != NULL;
        case 4: return ops->setopt != NULL;
        case 5: return ops->getopt != NULL;
        case 6: return ops->reconnect != NULL;
        case 7: return ops->impl_destroy != NULL;
    }
    return 0;
}

void fluxgo_dso_close (void *dso);
flux_t *fluxgo_connector_dso_open (const char *scheme, const char *path,
                                   int flags, flux_error_t *errp, void **dsop);
*/
import "C"

import (
	"sync"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// cConnector is a connector written in C: the impl pointer and ops table
// given to flux_handle_create. Like flux-core, the table is used in place,
// so it must outlive the handle. dso, when set, is the connector DSO that
// made the handle; it is closed after impl_destroy.
type cConnector struct {
	impl unsafe.Pointer
	ops  *C.struct_flux_handle_ops

	mu  sync.Mutex
	dso unsafe.Pointer
}

// Indices of the operations for fluxgo_ops_has.
const (
	opSend = iota
	opRecv
	opPollfd
	opPollevents
	opSetopt
	opGetopt
	opReconnect
	opDestroy
)

// cConnectors maps each handle made by flux_handle_create to its
// connector, so that flux_open can give it the DSO that made it.
var cConnectors sync.Map // *fluxrt.Handle -> *cConnector

// opErr is the error of an operation that failed with errno e (EIO when
// the operation failed without setting errno).
func opErr(err error) error {
	if e, ok := err.(syscall.Errno); ok && e != 0 {
		return fluxrt.ErrnoError(e)
	}
	return fluxrt.ErrnoError(syscall.EIO)
}

// runtimeOps builds the runtime's operation table for c; only the
// operations the C table has are set.
func (c *cConnector) runtimeOps() *fluxrt.Ops {
	ops := &fluxrt.Ops{}
	has := func(which int) bool { return C.fluxgo_ops_has(c.ops, C.int(which)) != 0 }
	if has(opSend) {
		ops.Send = c.send
	}
	if has(opRecv) {
		ops.Recv = c.recv
	}
	if has(opPollfd) {
		ops.PollFD = func() (int, error) {
			fd, err := C.fluxgo_ops_pollfd(c.ops, c.impl)
			if fd < 0 {
				return -1, opErr(err)
			}
			return int(fd), nil
		}
	}
	if has(opPollevents) {
		ops.PollEvents = func() (int, error) {
			ev, err := C.fluxgo_ops_pollevents(c.ops, c.impl)
			if ev < 0 {
				return 0, opErr(err)
			}
			return int(ev), nil
		}
	}
	if has(opSetopt) {
		ops.SetOpt = c.setOpt
	}
	if has(opGetopt) {
		ops.GetOpt = c.getOpt
	}
	if has(opReconnect) {
		ops.Reconnect = func() error {
			if rc, err := C.fluxgo_ops_reconnect(c.ops, c.impl); rc < 0 {
				return opErr(err)
			}
			return nil
		}
	}
	ops.Destroy = c.destroy
	return ops
}

// send hands the connector m under a token of its own; the connector may
// keep a reference to it (flux_msg_incref), as flux-core's may.
func (c *cConnector) send(m *msg.Message, flags int) error {
	tok := registerMsg(m)
	defer releaseMsg(tok)
	if rc, err := C.fluxgo_ops_send(c.ops, c.impl, (*C.flux_msg_t)(tok), C.int(flags)); rc < 0 {
		return opErr(err)
	}
	return nil
}

// recv takes over the reference the connector returns. A message the
// connector still holds references to is copied, so that the runtime
// never shares a message C may change.
func (c *cConnector) recv(flags int) (*msg.Message, error) {
	p, err := C.fluxgo_ops_recv(c.ops, c.impl, C.int(flags))
	if p == nil {
		return nil, opErr(err)
	}
	tok := unsafe.Pointer(p)
	m, lerr := lookupMsg(tok)
	if lerr != nil {
		return nil, fluxrt.Errorf(syscall.EPROTO, "connector recv returned an invalid message")
	}
	if messages.refs(tok) > 1 {
		m = m.Copy(true)
	}
	releaseMsg(tok)
	return m, nil
}

func (c *cConnector) setOpt(name string, val []byte) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var p unsafe.Pointer
	if len(val) > 0 {
		p = C.CBytes(val)
		defer C.free(p)
	}
	if rc, err := C.fluxgo_ops_setopt(c.ops, c.impl, cname, p, C.size_t(len(val))); rc < 0 {
		return opErr(err)
	}
	return nil
}

func (c *cConnector) getOpt(name string, size int) ([]byte, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var p unsafe.Pointer
	if size > 0 {
		p = C.calloc(1, C.size_t(size))
		defer C.free(p)
	}
	if rc, err := C.fluxgo_ops_getopt(c.ops, c.impl, cname, p, C.size_t(size)); rc < 0 {
		return nil, opErr(err)
	}
	return C.GoBytes(p, C.int(size)), nil
}

// destroy runs impl_destroy, then closes the DSO the code came from.
func (c *cConnector) destroy() {
	if C.fluxgo_ops_has(c.ops, opDestroy) != 0 {
		C.fluxgo_ops_destroy(c.ops, c.impl)
	}
	c.mu.Lock()
	dso := c.dso
	c.dso = nil
	c.mu.Unlock()
	if dso != nil {
		C.fluxgo_dso_close(dso)
	}
}

// fluxgo_flux_handle_create implements flux_handle_create: a root handle
// whose connection is the C operations table ops.
//
//export fluxgo_flux_handle_create
func fluxgo_flux_handle_create(impl unsafe.Pointer, ops *C.struct_flux_handle_ops, flags C.int, errp *C.int) (ret *C.flux_t) {
	defer recoverTo(errp, nil, &ret, nil)
	if ops == nil {
		setError(errp, errInvalid("ops is NULL"), nil)
		return nil
	}
	c := &cConnector{impl: impl, ops: ops}
	h, err := fluxrt.NewHandle(c.runtimeOps(), int(flags))
	if err != nil {
		setError(errp, err, nil)
		return nil
	}
	cConnectors.Store(h, c)
	key := "fluxgo::c_connector"
	_ = h.AuxSet(&key, unsafe.Pointer(&key), func(any) { cConnectors.Delete(h) })
	return (*C.flux_t)(registerHandle(h))
}

func init() { fluxrt.SetConnectorLoader(openConnectorDSO) }

// openConnectorDSO opens a URI with a connector DSO found on
// FLUX_CONNECTOR_PATH (connector_dso.c). The DSO is closed with the
// handle, after the connector's impl_destroy.
func openConnectorDSO(scheme string, path *string, flags int) (*fluxrt.Handle, error) {
	cscheme := C.CString(scheme)
	defer C.free(unsafe.Pointer(cscheme))
	var cpath *C.char
	if path != nil {
		cpath = C.CString(*path)
		defer C.free(unsafe.Pointer(cpath))
	}
	ebuf := (*C.flux_error_t)(C.calloc(1, C.sizeof_flux_error_t))
	defer C.free(unsafe.Pointer(ebuf))
	dsop := (*unsafe.Pointer)(C.calloc(1, C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(dsop))
	hp, err := C.fluxgo_connector_dso_open(cscheme, cpath, C.int(flags), ebuf, dsop)
	if hp == nil {
		e := syscall.EIO
		if en, ok := err.(syscall.Errno); ok && en != 0 {
			e = en
		}
		return nil, fluxrt.Errorf(e, "%s", C.GoString(&ebuf.text[0]))
	}
	dso := *dsop
	h, lerr := lookupHandle(unsafe.Pointer(hp))
	if lerr != nil {
		C.fluxgo_dso_close(dso)
		return nil, fluxrt.Errorf(syscall.EPROTO, "%s: connector_init returned an invalid handle", scheme)
	}
	if v, ok := cConnectors.Load(h); ok {
		c := v.(*cConnector)
		c.mu.Lock()
		c.dso = dso
		c.mu.Unlock()
	} else {
		key := "fluxgo::connector_dso"
		_ = h.AuxSet(&key, dso, func(any) { C.fluxgo_dso_close(dso) })
	}
	return h, nil
}
