package main

// The reactor blocks in C: flux-core's commands may install plain
// signal(2) handlers that call the library (flux exec forwards SIGINT to
// its processes from one). A handler runs on whatever stack the thread is
// on; while the reactor waits in epoll_wait through cgo, that is the
// thread's C stack, from which calling into Go is a nested callback, where
// a wait in Go code would leave it on a goroutine stack, where Go cannot
// be entered (the runtime aborts with "morestack on g0").

/*
#include <errno.h>
#include <sys/epoll.h>

static int fluxgo_epoll_wait (int epfd, void *events, int maxevents, int msec, int *errp)
{
    int n = epoll_wait (epfd, events, maxevents, msec);
    if (n < 0)
        *errp = errno;
    return n;
}
*/
import "C"

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/reactor"
)

func init() { reactor.SetPollWait(cEpollWait) }

// cEpollWait is epoll_wait(2) called from C; events holds no Go pointers
// and is the layout of struct epoll_event.
func cEpollWait(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	if len(events) == 0 {
		return 0, syscall.EINVAL
	}
	var e C.int
	n := C.fluxgo_epoll_wait(C.int(epfd), unsafe.Pointer(&events[0]), C.int(len(events)), C.int(msec), &e)
	if n < 0 {
		return 0, syscall.Errno(e)
	}
	return int(n), nil
}
