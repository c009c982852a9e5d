package runtime

import (
	"sync"
	"syscall"
)

// auxItem is one entry of an aux container. Anonymous items have no name
// and can only be released by destroying the container.
type auxItem struct {
	name    string
	anon    bool
	val     any
	destroy func(any)
}

// auxList is the linear aux container of libutil/aux.c: named items are
// added at the front, anonymous ones at the back, and destruction walks
// front to back. It has no lock of its own.
type auxList struct {
	items []auxItem
}

// get returns the value stored under name.
func (a *auxList) get(name string) (any, error) {
	for _, it := range a.items {
		if !it.anon && it.name == name {
			return it.val, nil
		}
	}
	return nil, ErrnoError(syscall.ENOENT)
}

// checkAuxArgs applies the argument rules of aux_set.
func checkAuxArgs(name *string, val any, destroy func(any)) error {
	if (name == nil && val == nil) || (val == nil && destroy != nil) ||
		(name == nil && destroy == nil) {
		return ErrnoError(syscall.EINVAL)
	}
	return nil
}

// remove takes the named item out of the list and returns it.
func (a *auxList) remove(name string) (auxItem, bool) {
	for i, it := range a.items {
		if !it.anon && it.name == name {
			a.items = append(a.items[:i:i], a.items[i+1:]...)
			return it, true
		}
	}
	return auxItem{}, false
}

// add stores an item, named ones at the front and anonymous ones at the
// back.
func (a *auxList) add(it auxItem) {
	if it.anon {
		a.items = append(a.items, it)
		return
	}
	a.items = append([]auxItem{it}, a.items...)
}

// takeAll empties the list and returns its items in destruction order.
func (a *auxList) takeAll() []auxItem {
	items := a.items
	a.items = nil
	return items
}

// runDestructor calls an item's destructor, if any.
func runDestructor(it auxItem) {
	if it.destroy != nil {
		it.destroy(it.val)
	}
}

// set applies flux_aux_set to the list guarded by mu: a nil name stores
// val anonymously (a destructor is then required), a nil val with a name
// deletes the item, and an item replaced or deleted has its destructor run
// first, with mu not held.
func (a *auxList) set(mu sync.Locker, name *string, val any, destroy func(any)) error {
	if err := checkAuxArgs(name, val, destroy); err != nil {
		return err
	}
	if name == nil {
		mu.Lock()
		a.add(auxItem{anon: true, val: val, destroy: destroy})
		mu.Unlock()
		return nil
	}
	mu.Lock()
	old, found := a.remove(*name)
	mu.Unlock()
	if found {
		runDestructor(old)
	}
	if val != nil {
		mu.Lock()
		a.add(auxItem{name: *name, val: val, destroy: destroy})
		mu.Unlock()
	}
	return nil
}

// destroyAll runs every destructor of the list guarded by mu, front to
// back and with mu not held, repeating while destructors add new items.
func (a *auxList) destroyAll(mu sync.Locker) {
	for {
		mu.Lock()
		items := a.takeAll()
		mu.Unlock()
		if len(items) == 0 {
			return
		}
		for _, it := range items {
			runDestructor(it)
		}
	}
}

// AuxGet returns the value stored on this handle (not its root) under
// name: ENOENT when there is none.
func (h *Handle) AuxGet(name string) (any, error) {
	if h == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.aux.get(name)
}

// AuxSet stores val under name on this handle with an optional destructor,
// following flux_aux_set: a nil name stores val anonymously (a destructor is
// then required), a nil val with a name deletes the item, an existing
// item's destructor runs before it is replaced. Destructors run on the
// calling goroutine with no lock held.
func (h *Handle) AuxSet(name *string, val any, destroy func(any)) error {
	if h == nil {
		return ErrnoError(syscall.EINVAL)
	}
	return h.aux.set(&h.mu, name, val, destroy)
}

// auxGetOrCreate returns the item stored under name, storing mk()'s result
// first when there is none. It is for the library's own flux:: keys.
func (h *Handle) auxGetOrCreate(name string, mk func() any) any {
	return h.auxGetOrCreateWith(name, func() (any, func(any)) { return mk(), nil })
}

// auxGetOrCreateWith is auxGetOrCreate for items that need a destructor.
func (h *Handle) auxGetOrCreateWith(name string, mk func() (any, func(any))) any {
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, err := h.aux.get(name); err == nil {
		return v
	}
	v, destroy := mk()
	h.aux.add(auxItem{name: name, val: v, destroy: destroy})
	return v
}

// destroyAux runs every destructor of the handle's aux container, front to
// back, repeating while destructors add new items.
func (h *Handle) destroyAux() {
	h.aux.destroyAll(&h.mu)
}

// AuxStore is an aux container with flux_aux_set's rules for objects that
// bindings own, such as the C ABI's message pointers. It is safe for
// concurrent use; destructors run with no lock held.
type AuxStore struct {
	mu  sync.Mutex
	aux auxList
}

// Get returns the value stored under name; ENOENT when there is none.
func (s *AuxStore) Get(name string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aux.get(name)
}

// Set stores, replaces or (with a nil val) deletes an item, with the rules
// of Handle.AuxSet.
func (s *AuxStore) Set(name *string, val any, destroy func(any)) error {
	return s.aux.set(&s.mu, name, val, destroy)
}

// Destroy runs every destructor, front to back, until the store is empty.
func (s *AuxStore) Destroy() {
	s.aux.destroyAll(&s.mu)
}
