// Package eventfd holds the two eventfd(2) operations the runtime packages
// use to wake a poll or epoll wait.
package eventfd

import "golang.org/x/sys/unix"

// Raise adds one to an eventfd counter, making it readable.
func Raise(fd int) {
	var b [8]byte
	b[0] = 1
	_, _ = unix.Write(fd, b[:])
}

// Drain resets an eventfd counter to zero.
func Drain(fd int) {
	var b [8]byte
	_, _ = unix.Read(fd, b[:])
}
