package runtime

import (
	"strconv"
	"syscall"
)

// compositeState is what a wait_all or wait_any future knows about its
// children.
type compositeState struct {
	any      bool
	seq      int
	names    []string // insertion order
	children map[string]*Future
	cursor   int
}

// NewWaitAllFuture returns a composite future that becomes ready when
// every child pushed on it is ready (flux_future_wait_all_create): with an
// error (the errno of the last failed child in push order) if one failed.
// Without children it is ready as soon as it is waited on.
func NewWaitAllFuture() *Future {
	return newComposite(false)
}

// NewWaitAnyFuture returns a composite future that becomes ready when any
// child is, with that child's error if it failed
// (flux_future_wait_any_create).
func NewWaitAnyFuture() *Future {
	return newComposite(true)
}

func newComposite(anyMode bool) *Future {
	f := NewFutureInit(compositeInit)
	f.rx.comp = &compositeState{any: anyMode, children: map[string]*Future{}}
	return f
}

// Push adds child to a composite future under name, or under "0", "1", …
// when name is nil (flux_future_push). The composite owns the child from
// then on (it is destroyed with the composite). EINVAL for a nil or
// non-composite future or nil child, EEXIST for a name already used.
func (f *Future) Push(name *string, child *Future) error {
	if f == nil || child == nil || f.rx.comp == nil {
		return ErrnoError(syscall.EINVAL)
	}
	cs := f.rx.comp
	f.mu.Lock()
	var n string
	if name == nil {
		n = strconv.Itoa(cs.seq)
		cs.seq++
	} else {
		n = *name
	}
	if _, dup := cs.children[n]; dup {
		f.mu.Unlock()
		return ErrnoError(syscall.EEXIST)
	}
	cs.children[n] = child
	cs.names = append(cs.names, n)
	f.mu.Unlock()
	parent := "flux::parent"
	_ = child.AuxSet(&parent, f, nil)
	return nil
}

// GetChild returns the child pushed under name (flux_future_get_child);
// nil when there is none, EINVAL for a non-composite future.
func (f *Future) GetChild(name string) (*Future, error) {
	if f == nil || f.rx.comp == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rx.comp.children[name], nil
}

// FirstChild starts an iteration over the children's names in push order
// (flux_future_first_child); nil when there are none. EINVAL for a
// non-composite future.
func (f *Future) FirstChild() (*string, error) {
	if f == nil || f.rx.comp == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rx.comp.cursor = 0
	return f.rx.comp.atLocked()
}

// NextChild continues the iteration started by FirstChild
// (flux_future_next_child); nil at the end.
func (f *Future) NextChild() (*string, error) {
	if f == nil || f.rx.comp == nil {
		return nil, ErrnoError(syscall.EINVAL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rx.comp.cursor++
	return f.rx.comp.atLocked()
}

func (cs *compositeState) atLocked() (*string, error) {
	if cs.cursor < 0 || cs.cursor >= len(cs.names) {
		return nil, nil
	}
	name := cs.names[cs.cursor]
	return &name, nil
}

// snapshot returns the children in push order.
func (f *Future) compositeChildren() []*Future {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*Future, 0, len(f.rx.comp.names))
	for _, n := range f.rx.comp.names {
		out = append(out, f.rx.comp.children[n])
	}
	return out
}

// destroyChildren releases the children of a destroyed composite.
func (cs *compositeState) destroyChildren() {
	for _, n := range cs.names {
		cs.children[n].Destroy()
	}
	cs.children = nil
	cs.names = nil
}

// propagateContext gives next the reactor and handle of f's current
// context (its private ones during a blocking wait). A handle is only
// passed on when f has one.
func propagateContext(f, next *Future) {
	if r, err := f.GetReactor(); err == nil {
		next.SetReactor(r)
	}
	if h, err := f.GetFlux(); err == nil {
		next.SetFlux(h)
	}
}

// compositeInit registers a reactor continuation on every child, in the
// composite's current context.
func compositeInit(f *Future) {
	children := f.compositeChildren()
	for _, child := range children {
		propagateContext(f, child)
		if err := child.ThenReactor(-1, func(c *Future) { compositeChildReady(f, c) }); err != nil {
			f.FulfillError(int(ErrnoOf(err)), nil)
			return
		}
	}
	if len(children) == 0 && !f.rx.comp.any {
		f.Fulfill(nil)
	}
}

// compositeChildReady fulfills the composite once its condition holds.
func compositeChildReady(f, child *Future) {
	errnum := 0
	if f.rx.comp.any {
		if _, err := child.Result(); err != nil {
			errnum = int(ErrnoOf(err))
		}
	} else {
		for _, c := range f.compositeChildren() {
			if !c.IsReady() {
				return
			}
			if _, err := c.Result(); err != nil {
				errnum = int(ErrnoOf(err))
			}
		}
	}
	if errnum != 0 {
		f.FulfillError(errnum, nil)
	} else {
		f.Fulfill(nil)
	}
}
