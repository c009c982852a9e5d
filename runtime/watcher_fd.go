package runtime

import "syscall"

// NewFDWatcher makes a watcher that calls cb while fd is readable (PollIn
// in events) or writable (PollOut) (flux_fd_watcher_create). revents holds
// the ready subset of events; PollErr (with PollIn|PollOut) means the fd
// could not be watched (closed or invalid), and the watcher was stopped.
// PollErr in events is ignored. A nil reactor or a negative fd gives
// EINVAL.
func (r *Reactor) NewFDWatcher(fd int, events int, cb WatcherFunc) (*Watcher, error) {
	if fd < 0 {
		return nil, ErrnoError(syscall.EINVAL)
	}
	w, err := r.newWatcher(kindFD, cb)
	if err != nil {
		return nil, err
	}
	w.fd = fd
	w.events = events & (PollIn | PollOut)
	return w, nil
}

// FD returns the descriptor of an fd watcher (flux_fd_watcher_get_fd);
// EINVAL for other watchers.
func (w *Watcher) FD() (int, error) {
	if w == nil || w.kind != kindFD {
		return -1, ErrnoError(syscall.EINVAL)
	}
	return w.fd, nil
}
