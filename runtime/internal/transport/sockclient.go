package transport

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/msg"
	"github.com/fluxgo/fluxgo/runtime/stream"
)

// sockClient speaks the usock protocol (wire.md §2) on a connected,
// non-blocking stream socket: framed messages in both directions after the
// one-byte auth reply. It is the shared engine of the fd:// and local://
// connectors. Sends and receives are each serialized by the handle.
type sockClient struct {
	fd   int
	out  []byte // unsent bytes of the frame in progress (may be partial)
	wbuf []byte // reused frame buffer (out points into it while sending)
	in   stream.Assembler
	buf  *[]byte // read buffer, from readBufs on the first receive; back there on Close
	// buffered is set when in holds a complete frame after a receive: the
	// socket may then be quiet although a message is ready, so pollEvents
	// reports PollIn from it (read without the receive lock).
	buffered atomic.Bool

	notSock bool // fd is not a socket: use write(2)
}

// newSockClient reads the auth byte from the blocking socket fd and then
// makes it non-blocking. It does not close fd on failure.
func newSockClient(fd int) (*sockClient, error) {
	if err := readAuthByte(fd); err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, errno.FromUnix(err)
	}
	return &sockClient{fd: fd}, nil
}

// readAuthByte reads the server's one-byte verdict: 0 is success, EOF is
// ECONNRESET, any other value is returned as the errno.
func readAuthByte(fd int) error {
	var b [1]byte
	for {
		n, err := unix.Read(fd, b[:])
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			// The fd may already be non-blocking (fd://): wait for it.
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if _, perr := unix.Poll(pfd, -1); perr != nil && perr != syscall.EINTR {
				return errno.FromUnix(perr)
			}
			continue
		}
		if err != nil {
			return errno.FromUnix(err)
		}
		if n == 0 {
			return errno.New(syscall.ECONNRESET)
		}
		if b[0] != 0 {
			return errno.New(syscall.Errno(b[0]))
		}
		return nil
	}
}

// isPollError reports POLLERR, POLLHUP or POLLNVAL.
func isPollError(revents int16) bool {
	return revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0
}

// Send writes m as one frame. A frame left incomplete by an earlier
// ONonblock send is finished first, and then that call succeeds without
// sending m (the caller retries with the same message after EAGAIN, as
// with flux-core). Without ONonblock a full socket is waited for with
// poll; a poll error while waiting is EIO.
func (s *sockClient) Send(m *msg.Message, flags int, w Waiter) error {
	if len(s.out) == 0 {
		frame, err := stream.AppendFrame(s.wbuf[:0], m)
		if err != nil {
			return errno.New(errno.Of(err))
		}
		// Keep the buffer for the next send unless it grew large.
		if cap(frame) <= maxReusedFrame {
			s.wbuf = frame[:0]
		} else {
			s.wbuf = nil
		}
		s.out = frame
	}
	for len(s.out) > 0 {
		n, err := s.write(s.out)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			if flags&ONonblock != 0 {
				return errno.New(syscall.EAGAIN)
			}
			rev, werr := w.Wait(s.fd, unix.POLLOUT)
			if werr != nil {
				return werr
			}
			if isPollError(rev) {
				s.out = nil
				return errno.New(syscall.EIO)
			}
			continue
		}
		if err != nil {
			s.out = nil
			return errno.FromUnix(err)
		}
		s.out = s.out[n:]
	}
	s.out = nil
	return nil
}

// maxReusedFrame is the largest frame buffer a sockClient keeps between
// sends; bigger frames get a buffer of their own.
const maxReusedFrame = 64 * 1024

// Idle reports whether no received bytes are waiting to be assembled, so
// a receive can only make progress once the socket is readable. Call with
// receives serialized.
func (s *sockClient) Idle() bool { return s.in.Buffered() == 0 }

// write writes b with send(MSG_NOSIGNAL) so that a closed peer is EPIPE
// rather than SIGPIPE, falling back to write(2) for a non-socket fd.
func (s *sockClient) write(b []byte) (int, error) {
	if !s.notSock {
		n, err := unix.SendmsgN(s.fd, b, nil, nil, unix.MSG_NOSIGNAL)
		if err != syscall.ENOTSOCK {
			return n, err
		}
		s.notSock = true
	}
	return unix.Write(s.fd, b)
}

// Recv returns the next complete message, reading as needed. End of
// stream is ECONNRESET; a bad frame header is EPROTO; without ONonblock an
// empty socket is waited for with poll, and a poll error while waiting is
// EIO.
func (s *sockClient) Recv(flags int, w Waiter) (*msg.Message, error) {
	if s.buf == nil {
		s.buf = readBufs.Get().(*[]byte)
	}
	buf := *s.buf
	for {
		m, err := s.in.Next()
		s.buffered.Store(s.in.Ready())
		if err != nil {
			return nil, errno.New(errno.Of(err))
		}
		if m != nil {
			return m, nil
		}
		n, err := unix.Read(s.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			if flags&ONonblock != 0 {
				return nil, errno.New(syscall.EAGAIN)
			}
			rev, werr := w.Wait(s.fd, unix.POLLIN)
			if werr != nil {
				return nil, werr
			}
			if isPollError(rev) {
				return nil, errno.New(syscall.EIO)
			}
			continue
		}
		if err != nil {
			return nil, errno.FromUnix(err)
		}
		if n == 0 {
			return nil, errno.New(syscall.ECONNRESET)
		}
		s.in.Feed(buf[:n])
	}
}

// HasBuffered reports whether a complete message waits in the receive
// buffer (see core.syncBuffered).
func (s *sockClient) HasBuffered() bool { return s.buffered.Load() }

// PollEvents is a zero-timeout poll mapped to PollIn/PollOut, with
// PollErr for POLLERR/POLLHUP/POLLNVAL (or a failing poll).
func (s *sockClient) PollEvents() int {
	pfd := []unix.PollFd{{Fd: int32(s.fd), Events: unix.POLLIN | unix.POLLOUT}}
	for {
		_, err := unix.Poll(pfd, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return PollErr
		}
		break
	}
	ev := 0
	if pfd[0].Revents&unix.POLLIN != 0 || s.buffered.Load() {
		ev |= PollIn
	}
	if pfd[0].Revents&unix.POLLOUT != 0 {
		ev |= PollOut
	}
	if isPollError(pfd[0].Revents) {
		ev |= PollErr
	}
	return ev
}

// Close closes the socket and gives the read buffer back to readBufs.
func (s *sockClient) Close() {
	if s.fd >= 0 {
		_ = unix.Close(s.fd)
		s.fd = -1
	}
	if s.buf != nil {
		readBufs.Put(s.buf)
		s.buf = nil
	}
}

// readBufs holds the 64 KiB read buffers of closed connections, so that a
// program opening and closing handles does not allocate (and clear, and
// collect) one per handle. Feed copies what it is given, so nothing read
// into a buffer outlives the receive that read it.
var readBufs = sync.Pool{New: func() any {
	b := make([]byte, 64*1024)
	return &b
}}
