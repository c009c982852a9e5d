package runtime

import (
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// msgDeque is a mutex-protected message deque with an optional size limit
// and a lazily created eventfd that is readable exactly while the deque is
// non-empty (so it serves both for blocking waits and, added to an epoll
// set with EPOLLET, as a wake-up signal).
type msgDeque struct {
	mu     sync.Mutex
	items  []*msg.Message
	limit  int // 0 = unlimited
	efd    int // -1 until created
	raised bool
	closed bool
}

func newMsgDeque() *msgDeque {
	return &msgDeque{efd: -1}
}

// signal keeps the eventfd in step with emptiness. Call with mu held.
func (q *msgDeque) signal() {
	if q.efd < 0 {
		return
	}
	want := len(q.items) > 0
	if want && !q.raised {
		raiseEventfd(q.efd)
		q.raised = true
	} else if !want && q.raised {
		drainEventfd(q.efd)
		q.raised = false
	}
}

// full reports whether a limit is set and reached. Call with mu held.
func (q *msgDeque) full() bool {
	return q.limit != 0 && len(q.items) >= q.limit
}

// pushBack appends m; EWOULDBLOCK when the deque is full.
func (q *msgDeque) pushBack(m *msg.Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.full() {
		return ErrnoError(syscall.EWOULDBLOCK)
	}
	q.items = append(q.items, m)
	q.signal()
	return nil
}

// pushFront prepends m; EWOULDBLOCK when the deque is full.
func (q *msgDeque) pushFront(m *msg.Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.full() {
		return ErrnoError(syscall.EWOULDBLOCK)
	}
	q.items = append(q.items, nil)
	copy(q.items[1:], q.items)
	q.items[0] = m
	q.signal()
	return nil
}

// popFront removes and returns the first message, or nil when empty.
func (q *msgDeque) popFront() *msg.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil
	}
	m := shiftMsg(&q.items)
	if len(q.items) == 0 {
		q.items = nil
	}
	q.signal()
	return m
}

// shiftMsg removes and returns the first message of a non-empty slice,
// clearing its slot so the message is not kept alive by the array.
func shiftMsg(q *[]*msg.Message) *msg.Message {
	m := (*q)[0]
	(*q)[0] = nil
	*q = (*q)[1:]
	return m
}

// count returns the number of queued messages.
func (q *msgDeque) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// setLimit sets the size limit (0 = unlimited); negative is EINVAL.
func (q *msgDeque) setLimit(n int) error {
	if n < 0 {
		return ErrnoError(syscall.EINVAL)
	}
	q.mu.Lock()
	q.limit = n
	q.mu.Unlock()
	return nil
}

// getLimit returns the size limit.
func (q *msgDeque) getLimit() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit
}

// pollEvents returns PollIn while non-empty and PollOut while not full.
func (q *msgDeque) pollEvents() int {
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

// fd returns the deque's eventfd, creating it on first use.
func (q *msgDeque) fd() (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return -1, ErrnoError(syscall.EBADF)
	}
	if q.efd < 0 {
		fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
		if err != nil {
			return -1, errnoErr(err)
		}
		q.efd = fd
		q.raised = false
		q.signal()
	}
	return q.efd, nil
}

// close drops all messages and closes the eventfd.
func (q *msgDeque) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = nil
	if q.efd >= 0 {
		_ = unix.Close(q.efd)
		q.efd = -1
	}
	q.closed = true
}
