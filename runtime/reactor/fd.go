package reactor

import "syscall"

// fdOps is the kind of fd watchers.
type fdOps struct {
	fd     int
	events int // PollIn|PollOut
}

func (o *fdOps) phase() phase                 { return phaseFD }
func (o *fdOps) armLocked(*Reactor, *Watcher) {}

// waitLocked: an fd epoll refused is treated as always ready (or failed).
func (o *fdOps) waitLocked(r *Reactor, _ *Watcher) (float64, bool) {
	_, broken := r.fdBroken[o.fd]
	return 0, broken
}

func (o *fdOps) dueLocked(r *Reactor, _ *Watcher, fdRev map[int]int) (int, bool) {
	if errno, broken := r.fdBroken[o.fd]; broken {
		if syscall.Errno(errno) == syscall.EPERM {
			// Files epoll refuses (regular files) are always ready.
			return o.events & (PollIn | PollOut), true
		}
		return PollErr | PollIn | PollOut, true
	}
	rev := fdRev[o.fd] & o.events
	return rev, rev != 0
}

// firedLocked stops a watcher whose fd could not be watched: its callback
// sees PollErr once.
func (o *fdOps) firedLocked(r *Reactor, w *Watcher) bool {
	if errno, broken := r.fdBroken[o.fd]; broken && syscall.Errno(errno) != syscall.EPERM {
		r.stopLocked(w)
	}
	return true
}

// NewFDWatcher makes a watcher that calls cb while fd is readable (PollIn
// in events) or writable (PollOut) (flux_fd_watcher_create). revents holds
// the ready subset of events; PollErr (with PollIn|PollOut) means the fd
// could not be watched (closed or invalid), and the watcher was stopped.
// PollErr in events is ignored. A nil reactor or a negative fd gives
// EINVAL.
func (r *Reactor) NewFDWatcher(fd int, events int, cb WatcherFunc) (*Watcher, error) {
	if fd < 0 {
		return nil, einval()
	}
	return r.newWatcher(&fdOps{fd: fd, events: events & (PollIn | PollOut)}, cb)
}

// FD returns the descriptor of an fd watcher (flux_fd_watcher_get_fd);
// EINVAL for other watchers.
func (w *Watcher) FD() (int, error) {
	if w == nil {
		return -1, einval()
	}
	o, ok := w.ops.(*fdOps)
	if !ok {
		return -1, einval()
	}
	return o.fd, nil
}
