package runtime

import "sync"

// MsgList is flux-core's struct flux_msglist: an ordered list of items (a
// message, or what stands for one, such as the C library's message
// pointers) with a cursor for iterating and deleting as one goes. First,
// Last and Next move the cursor; Delete and Pop act at it. Between the
// last item and the first the cursor rests on no item: Next from there
// starts over at the first, and Delete does nothing.
//
// The list never copies items. Items Delete or Destroy remove are passed
// to the list's drop function (the C library releases its references
// there); Pop hands its item to the caller instead. A MsgList is safe for
// use from several goroutines, although interleaved iterations share the
// one cursor, as in flux-core.
type MsgList[T any] struct {
	mu     sync.Mutex
	items  []T
	cursor int // index of the item at the cursor; -1: no item
	drop   func(T)
}

// NewMsgList returns an empty list; drop, when not nil, is called for
// every item the list itself discards.
func NewMsgList[T any](drop func(T)) *MsgList[T] {
	return &MsgList[T]{cursor: -1, drop: drop}
}

// Destroy empties the list, dropping every item.
func (l *MsgList[T]) Destroy() {
	l.mu.Lock()
	items := l.items
	l.items, l.cursor = nil, -1
	l.mu.Unlock()
	for _, it := range items {
		l.dropItem(it)
	}
}

func (l *MsgList[T]) dropItem(it T) {
	if l.drop != nil {
		l.drop(it)
	}
}

// Append adds it at the end; the cursor stays where it is.
func (l *MsgList[T]) Append(it T) {
	l.mu.Lock()
	l.items = append(l.items, it)
	l.mu.Unlock()
}

// Push adds it at the front; the cursor stays on its item.
func (l *MsgList[T]) Push(it T) {
	l.mu.Lock()
	var zero T
	l.items = append(l.items, zero)
	copy(l.items[1:], l.items)
	l.items[0] = it
	if l.cursor >= 0 {
		l.cursor++
	}
	l.mu.Unlock()
}

// at returns the item at index i and whether there is one. Call with mu
// held.
func (l *MsgList[T]) at(i int) (T, bool) {
	if i < 0 || i >= len(l.items) {
		var zero T
		l.cursor = -1
		return zero, false
	}
	l.cursor = i
	return l.items[i], true
}

// First moves the cursor to the first item and returns it.
func (l *MsgList[T]) First() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.at(0)
}

// Last moves the cursor to the last item and returns it.
func (l *MsgList[T]) Last() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.at(len(l.items) - 1)
}

// Next moves the cursor to the following item and returns it; past the
// last item there is none, and the call after that starts over at the
// first.
func (l *MsgList[T]) Next() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.at(l.cursor + 1)
}

// detach removes the item at index i; the cursor moves back to the item
// before it when it was on it. Call with mu held.
func (l *MsgList[T]) detach(i int) T {
	it := l.items[i]
	copy(l.items[i:], l.items[i+1:])
	var zero T
	l.items[len(l.items)-1] = zero
	l.items = l.items[:len(l.items)-1]
	if l.cursor == i {
		l.cursor = i - 1
	} else if l.cursor > i {
		l.cursor--
	}
	return it
}

// Delete removes and drops the item at the cursor, which moves back to
// the item before it, so that Next continues with the item after it.
func (l *MsgList[T]) Delete() {
	l.mu.Lock()
	if l.cursor < 0 {
		l.mu.Unlock()
		return
	}
	it := l.detach(l.cursor)
	l.mu.Unlock()
	l.dropItem(it)
}

// Pop removes the item at the cursor, or the first item when the cursor
// is on none, and returns it to the caller, who now owns it.
func (l *MsgList[T]) Pop() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.items) == 0 {
		var zero T
		return zero, false
	}
	i := l.cursor
	if i < 0 {
		i = 0
	}
	return l.detach(i), true
}

// Count returns the number of items.
func (l *MsgList[T]) Count() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}
