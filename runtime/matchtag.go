package runtime

import (
	"container/heap"
	"fmt"
)

const (
	tagPoolInitial = 1024
	tagPoolMax     = 1 << 31
)

// tagHeap is a min-heap of freed tags.
type tagHeap []uint32

func (t tagHeap) Len() int           { return len(t) }
func (t tagHeap) Less(i, j int) bool { return t[i] < t[j] }
func (t tagHeap) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }
func (t *tagHeap) Push(x any)        { *t = append(*t, x.(uint32)) }
func (t *tagHeap) Pop() any {
	old := *t
	n := len(old)
	x := old[n-1]
	*t = old[:n-1]
	return x
}

// tagPool hands out the lowest free matchtag. Tags at or above next have
// never been handed out; freed tags below next sit in a heap (and a set for
// membership tests), so the work done is proportional to the tags in use,
// not to the size of the tag space. It has no lock of its own.
type tagPool struct {
	size  uint32 // universe: tags 0..size-1, doubling when exhausted
	next  uint32 // lowest tag never handed out
	freed tagHeap
	free  map[uint32]struct{}
}

func newTagPool() *tagPool {
	return &tagPool{size: tagPoolInitial, next: 1, free: map[uint32]struct{}{}}
}

// alloc returns the lowest free tag, growing the universe when needed. It
// returns 0 when the pool cannot grow any further. grown reports a change
// of universe size (from, to) for the caller to log.
func (p *tagPool) alloc() (tag uint32, from, to uint32) {
	if len(p.freed) > 0 {
		t := heap.Pop(&p.freed).(uint32)
		delete(p.free, t)
		return t, 0, 0
	}
	if p.next >= p.size {
		if p.size >= tagPoolMax {
			return 0, 0, 0
		}
		from = p.size
		p.size *= 2
		to = p.size
	}
	t := p.next
	p.next++
	return t, from, to
}

// isAllocated reports whether tag is currently handed out.
func (p *tagPool) isAllocated(tag uint32) bool {
	if tag == 0 || tag >= p.next {
		return false
	}
	_, f := p.free[tag]
	return !f
}

// release returns tag to the pool. It reports "invalid" for a tag outside
// the universe (or 0) and "double" for one in range but not allocated, and
// leaves the pool unchanged in both cases.
func (p *tagPool) release(tag uint32) string {
	if tag == 0 || tag >= p.size {
		return "invalid"
	}
	if !p.isAllocated(tag) {
		return "double"
	}
	if tag == p.next-1 {
		// Shrink the never-used region instead of growing the heap.
		p.next--
		for p.next > 1 {
			if _, f := p.free[p.next-1]; !f {
				break
			}
			delete(p.free, p.next-1)
			p.next--
		}
		p.rebuild()
		return ""
	}
	p.free[tag] = struct{}{}
	heap.Push(&p.freed, tag)
	return ""
}

// rebuild drops heap entries that are no longer below next.
func (p *tagPool) rebuild() {
	if len(p.freed) == len(p.free) {
		return
	}
	p.freed = p.freed[:0]
	for t := range p.free {
		p.freed = append(p.freed, t)
	}
	heap.Init(&p.freed)
}

// allocated is the number of tags handed out.
func (p *tagPool) allocated() uint32 {
	return p.next - 1 - uint32(len(p.free))
}

// avail is the number of tags that can be handed out without growing.
func (p *tagPool) avail() uint32 {
	return p.size - 1 - p.allocated()
}

// MatchtagAlloc returns the lowest free matchtag of the root's pool (1 on a
// fresh handle), or 0 (FLUX_MATCHTAG_NONE) when none can be had.
func (h *Handle) MatchtagAlloc() uint32 {
	if h == nil {
		return MatchtagNone
	}
	c := h.core
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tags == nil {
		return MatchtagNone
	}
	t, _, _ := c.tags.alloc()
	// flux-core logs pool growth through flux_log (a log.append request);
	// that logging layer is not part of this package.
	return t
}

// MatchtagFree returns tag to the root's pool. Tag 0 and tags that are not
// allocated are ignored, with a MATCHDEBUG diagnostic when the root has
// FLUX_O_MATCHDEBUG.
func (h *Handle) MatchtagFree(tag uint32) {
	if h == nil {
		return
	}
	c := h.core
	debug := c.root.FlagsGet()&OMatchdebug != 0
	c.mu.Lock()
	if c.tags == nil {
		c.mu.Unlock()
		return
	}
	var bad string
	if tag == MatchtagNone {
		bad = "invalid"
	} else {
		bad = c.tags.release(tag)
	}
	c.mu.Unlock()
	if debug && bad != "" {
		if bad == "double" {
			c.diagf("MATCHDEBUG: double free tag=%d", int32(tag))
		} else {
			c.diagf("MATCHDEBUG: invalid tag=%d", int32(tag))
		}
	}
}

// MatchtagAvail returns how many matchtags the root's pool can hand out
// before it has to grow (1023 on a fresh handle).
func (h *Handle) MatchtagAvail() uint32 {
	if h == nil {
		return 0
	}
	c := h.core
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tags == nil {
		return 0
	}
	return c.tags.avail()
}

// tagPoolDestroyText is the MATCHDEBUG line printed when a pool is
// destroyed with tags still allocated ("" when none are).
func tagPoolDestroyText(p *tagPool) string {
	if p == nil || p.allocated() == 0 {
		return ""
	}
	return fmt.Sprintf("MATCHDEBUG: pool destroy with %d allocated\n", p.allocated())
}
