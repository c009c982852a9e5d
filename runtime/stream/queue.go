package stream

import (
	"io"
	"sync"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// QueueWriter writes frames to an io.Writer from a goroutine of its own,
// through an unbounded queue, so that a peer slow to read never blocks the
// side that produces messages (flux-core's servers keep such a queue per
// connection). Its methods may be called from any goroutine.
type QueueWriter struct {
	w       io.Writer
	fail    func(error)
	mu      sync.Mutex
	cond    *sync.Cond
	q       []queued
	closed  bool
	aborted bool
	done    chan struct{}
}

// queued is one unit of bytes waiting to be written; hangup ends the
// writer once they are (a stand-in broker uses it to cut a frame short).
type queued struct {
	data   []byte
	hangup bool
}

// NewQueueWriter starts a writer on w. fail, when not nil, is called once
// from the writer's goroutine when a write fails (with the error) or after
// bytes queued with hangup were written (with nil); the writer has then
// stopped and drops whatever is queued later.
func NewQueueWriter(w io.Writer, fail func(error)) *QueueWriter {
	qw := &QueueWriter{w: w, fail: fail, done: make(chan struct{})}
	qw.cond = sync.NewCond(&qw.mu)
	go qw.run()
	return qw
}

// Send encodes m and queues its frame; it never blocks. A message that
// cannot be encoded is not queued and its error is returned.
func (qw *QueueWriter) Send(m *msg.Message) error {
	frame, err := AppendFrame(nil, m)
	if err != nil {
		return err
	}
	qw.Write(frame, false)
	return nil
}

// Write queues raw bytes, which the writer then owns; with hangup the
// writer stops once they are written (see NewQueueWriter).
func (qw *QueueWriter) Write(b []byte, hangup bool) {
	qw.mu.Lock()
	if !qw.closed {
		qw.q = append(qw.q, queued{data: b, hangup: hangup})
		qw.cond.Signal()
	}
	qw.mu.Unlock()
}

func (qw *QueueWriter) run() {
	defer close(qw.done)
	for {
		qw.mu.Lock()
		for len(qw.q) == 0 && !qw.closed {
			qw.cond.Wait()
		}
		if len(qw.q) == 0 {
			qw.mu.Unlock()
			return
		}
		batch := qw.q
		qw.q = nil
		qw.mu.Unlock()
		for _, it := range batch {
			qw.mu.Lock()
			aborted := qw.aborted
			qw.mu.Unlock()
			if aborted {
				return
			}
			_, err := qw.w.Write(it.data)
			if err != nil || it.hangup {
				qw.Abort()
				if qw.fail != nil {
					qw.fail(err)
				}
				return
			}
		}
	}
}

// Abort stops the writer at once, dropping what is still queued, even
// the rest of a batch being written (a write in progress finishes or
// fails on its own).
func (qw *QueueWriter) Abort() {
	qw.mu.Lock()
	qw.closed, qw.aborted, qw.q = true, true, nil
	qw.cond.Broadcast()
	qw.mu.Unlock()
}

// Close stops taking bytes, lets the writer write out what is queued and
// waits for it to end, at most for wait (0: no limit). It reports whether
// the writer ended in time.
func (qw *QueueWriter) Close(wait time.Duration) bool {
	qw.mu.Lock()
	qw.closed = true
	qw.cond.Broadcast()
	qw.mu.Unlock()
	if wait <= 0 {
		<-qw.done
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-qw.done:
		return true
	case <-t.C:
		return false
	}
}
