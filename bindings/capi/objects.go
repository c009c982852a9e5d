package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"sync"
	"syscall"
	"unsafe"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// objectNames gives each runtime object of one kind a single stable C
// pointer (a token: a small block of C memory) for as long as the object
// lives: the same object always maps to the same pointer, which is what C
// code comparing pointers in callbacks expects. The token is retired —
// forgotten and freed — when the runtime object is destroyed, so a stale
// pointer is refused with EINVAL afterwards. C's references are the
// runtime object's own references; the token holds none.
type objectNames[T any] struct {
	what    string // for error texts: "flux_reactor_t"
	mu      sync.RWMutex
	byToken map[unsafe.Pointer]*T
	byObj   map[*T]unsafe.Pointer
	// onDestroy arranges for retire to run when the object is destroyed.
	onDestroy func(v *T, retire func())
	// onRetire, if set, runs with the token just before it is freed.
	onRetire func(tok unsafe.Pointer)
	// newToken, if set, makes v's token in place of a zeroed block of
	// tokenSize bytes; it runs with mu held.
	newToken func(v *T) unsafe.Pointer
	// freeToken, if set, disposes of a retired token in place of free(3).
	freeToken func(tok unsafe.Pointer, v *T)
}

func newObjectNames[T any](what string, onDestroy func(*T, func())) *objectNames[T] {
	return &objectNames[T]{
		what:      what,
		byToken:   map[unsafe.Pointer]*T{},
		byObj:     map[*T]unsafe.Pointer{},
		onDestroy: onDestroy,
	}
}

// token returns v's C pointer, making one on first use; nil is NULL.
func (n *objectNames[T]) token(v *T) unsafe.Pointer {
	if v == nil {
		return nil
	}
	n.mu.Lock()
	if tok, ok := n.byObj[v]; ok {
		n.mu.Unlock()
		return tok
	}
	var tok unsafe.Pointer
	if n.newToken != nil {
		tok = n.newToken(v)
	} else {
		tok = C.calloc(1, tokenSize)
	}
	n.byToken[tok] = v
	n.byObj[v] = tok
	n.mu.Unlock()
	n.onDestroy(v, func() { n.retire(v) })
	return tok
}

// retire forgets v's token and frees it with the C strings cached for it.
func (n *objectNames[T]) retire(v *T) {
	n.mu.Lock()
	tok, ok := n.byObj[v]
	if ok {
		delete(n.byObj, v)
		delete(n.byToken, tok)
	}
	n.mu.Unlock()
	if ok {
		if n.onRetire != nil {
			n.onRetire(tok)
		}
		freeCStrings(tok)
		if n.freeToken != nil {
			n.freeToken(tok, v)
		} else {
			C.free(tok)
		}
	}
}

// lookup returns the object behind a C pointer.
func (n *objectNames[T]) lookup(p unsafe.Pointer) (*T, error) {
	if p == nil {
		return nil, fluxrt.Errorf(syscall.EINVAL, "%s is NULL", n.what)
	}
	n.mu.RLock()
	v, ok := n.byToken[p]
	n.mu.RUnlock()
	if !ok {
		return nil, fluxrt.Errorf(syscall.EINVAL, "not a live %s", n.what)
	}
	return v, nil
}

var reactors = newObjectNames("flux_reactor_t", func(r *fluxrt.Reactor, retire func()) { r.OnDestroy(retire) })

var watchers = newObjectNames("flux_watcher_t", func(w *fluxrt.Watcher, retire func()) { w.OnDestroy(retire) })

var msgHandlers = newObjectNames("flux_msg_handler_t", func(mh *fluxrt.MsgHandler, retire func()) { mh.OnDestroy(retire) })

// registerReactor returns the C pointer of a reactor.
func registerReactor(r *fluxrt.Reactor) unsafe.Pointer { return reactors.token(r) }

// lookupReactor returns the reactor behind a C flux_reactor_t *.
func lookupReactor(p unsafe.Pointer) (*fluxrt.Reactor, error) { return reactors.lookup(p) }

// registerWatcher returns the C pointer of a watcher.
func registerWatcher(w *fluxrt.Watcher) unsafe.Pointer { return watchers.token(w) }

// lookupWatcher returns the watcher behind a C flux_watcher_t *.
func lookupWatcher(p unsafe.Pointer) (*fluxrt.Watcher, error) { return watchers.lookup(p) }

// registerMsgHandler returns the C pointer of a message handler.
func registerMsgHandler(mh *fluxrt.MsgHandler) unsafe.Pointer { return msgHandlers.token(mh) }

// lookupMsgHandler returns the handler behind a C flux_msg_handler_t *.
func lookupMsgHandler(p unsafe.Pointer) (*fluxrt.MsgHandler, error) { return msgHandlers.lookup(p) }

var confs = newObjectNames("flux_conf_t", func(c *fluxrt.Conf, retire func()) { c.OnDestroy(retire) })

// registerConf returns the C pointer of a configuration object.
func registerConf(c *fluxrt.Conf) unsafe.Pointer { return confs.token(c) }

// lookupConf returns the configuration behind a C flux_conf_t *.
func lookupConf(p unsafe.Pointer) (*fluxrt.Conf, error) { return confs.lookup(p) }
