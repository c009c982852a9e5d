package transport

import (
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/internal/eventfd"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// Deque is a mutex-protected message deque with an optional size limit
// and a lazily created eventfd that is readable exactly while the deque is
// non-empty (so it serves both for blocking waits and, added to an epoll
// set with EPOLLET, as a wake-up signal).
type Deque struct {
	mu     sync.Mutex
	items  []*msg.Message
	limit  int // 0 = unlimited
	efd    int // -1 until created
	raised bool
	closed bool
	// outFD, created on demand, is an eventfd written each time the
	// deque stops being full (PollOut comes back): an edge for a
	// pollfd's epoll set (see PollOutFD).
	outFD int
}

func NewDeque() *Deque {
	return &Deque{efd: -1, outFD: -1}
}

// PollOutFD returns the eventfd written whenever the deque stops being
// full, creating it on first use. It is only meant for an edge-triggered
// epoll set; nothing drains it.
func (q *Deque) PollOutFD() (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return -1, errno.New(syscall.EBADF)
	}
	if q.outFD < 0 {
		fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
		if err != nil {
			return -1, errno.FromUnix(err)
		}
		q.outFD = fd
	}
	return q.outFD, nil
}

// signal keeps the eventfd in step with emptiness. Call with mu held.
func (q *Deque) signal() {
	if q.efd < 0 {
		return
	}
	want := len(q.items) > 0
	if want && !q.raised {
		eventfd.Raise(q.efd)
		q.raised = true
	} else if !want && q.raised {
		eventfd.Drain(q.efd)
		q.raised = false
	}
}

// full reports whether a limit is set and reached. Call with mu held.
func (q *Deque) full() bool {
	return q.limit != 0 && len(q.items) >= q.limit
}

// PushBack appends m; EWOULDBLOCK when the deque is full.
func (q *Deque) PushBack(m *msg.Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.full() {
		return errno.New(syscall.EWOULDBLOCK)
	}
	q.items = append(q.items, m)
	q.signal()
	return nil
}

// PushFront prepends m; EWOULDBLOCK when the deque is full.
func (q *Deque) PushFront(m *msg.Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.full() {
		return errno.New(syscall.EWOULDBLOCK)
	}
	q.items = append(q.items, nil)
	copy(q.items[1:], q.items)
	q.items[0] = m
	q.signal()
	return nil
}

// PopFront removes and returns the first message, or nil when empty.
func (q *Deque) PopFront() *msg.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil
	}
	if q.full() && q.outFD >= 0 {
		eventfd.Raise(q.outFD) // PollOut is back
	}
	m := ShiftMsg(&q.items)
	if len(q.items) == 0 {
		q.items = nil
	}
	q.signal()
	return m
}

// ShiftMsg removes and returns the first message of a non-empty slice,
// clearing its slot so the message is not kept alive by the array.
func ShiftMsg(q *[]*msg.Message) *msg.Message {
	m := (*q)[0]
	(*q)[0] = nil
	*q = (*q)[1:]
	return m
}

// Count returns the number of queued messages.
func (q *Deque) Count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// SetLimit sets the size limit (0 = unlimited); negative is EINVAL.
func (q *Deque) SetLimit(n int) error {
	if n < 0 {
		return errno.New(syscall.EINVAL)
	}
	q.mu.Lock()
	q.limit = n
	q.mu.Unlock()
	return nil
}

// Limit returns the size limit.
func (q *Deque) Limit() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit
}

// PollEvents returns PollIn while non-empty and PollOut while not full.
func (q *Deque) PollEvents() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	ev := 0
	if len(q.items) > 0 {
		ev |= PollIn
	}
	if !q.full() {
		ev |= PollOut
	}
	return ev
}

// FD returns the deque's eventfd, creating it on first use.
func (q *Deque) FD() (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return -1, errno.New(syscall.EBADF)
	}
	if q.efd < 0 {
		fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
		if err != nil {
			return -1, errno.FromUnix(err)
		}
		q.efd = fd
		q.raised = false
		q.signal()
	}
	return q.efd, nil
}

// Close drops all messages and closes the eventfd.
func (q *Deque) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = nil
	for _, fd := range []*int{&q.efd, &q.outFD} {
		if *fd >= 0 {
			_ = unix.Close(*fd)
			*fd = -1
		}
	}
	q.closed = true
}
