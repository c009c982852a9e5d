package transport

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fluxgo/fluxgo/runtime/internal/env"
	"github.com/fluxgo/fluxgo/runtime/internal/errno"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// The ssh:// connector (connectors.md §3) runs a remote shell whose remote
// command is "flux relay /PATH" and speaks the usock protocol over the
// child's stdin/stdout, which are both one end of a socketpair. The other
// end is driven by the same sockClient engine as local:// and fd://.
//
// Choices where flux-core gives no direct model:
//
//   - Without FLUX_SSH the program is "ssh", looked up in $PATH like
//     execvp(3) would (flux-core compiles in /usr/bin/ssh).
//   - Open always returns the error; the two-line exec failure text that
//     flux_open (no error buffer) prints on stderr is left to the caller.
//   - The child's stderr is always captured while the auth byte is read
//     (as flux_open_ex does); once open succeeds, what was captured and
//     everything after it is copied to SSHStderr (as with flux_open).
//   - Reconnect is supported: it ends the child and starts a new one.
//   - Close waits SSHCloseGrace for the child to exit after shutting down
//     our write side, then kills it; the child is always reaped.

// sshDefaultProgram is the remote shell used when FLUX_SSH is not set.
const sshDefaultProgram = "ssh"

// sshPathMax mirrors the PATH_MAX+1 buffers flux-core formats arguments
// in: a formatted argument is cut to sshPathMax-1 bytes.
const sshPathMax = 4097

// sshWhichBuf mirrors the buffer flux-core builds "<dir>/flux" in while
// looking for flux(1) in $PATH.
const sshWhichBuf = 1024

var (
	// SSHStderr receives the child's stderr once open has succeeded.
	SSHStderr io.Writer = os.Stderr
	// SSHStderrWait bounds how long a failed open waits for the child's
	// stderr to reach end of file before composing the error text.
	SSHStderrWait = 2 * time.Second
	// SSHCloseGrace is how long close waits for the child before killing it.
	SSHCloseGrace = 5 * time.Second
)

// SSHNoCleanConn is the error text when the auth byte could not be read
// and the child wrote nothing on stderr.
const SSHNoCleanConn = "Unable to establish clean ssh connection.\n" +
	"Hint: Check that shell init files do not write to stdout when non-interactive."

// sshConn is the ssh:// connector: a child process tunnelling the usock
// protocol. No options; Reconnect starts a new child.
type sshConn struct {
	prog string   // FLUX_SSH or the default, as given (argv[0])
	argv []string // the full command line
	sc   *sockClient
	kid  *sshChild
}

// sshChild is one running remote shell.
type sshChild struct {
	proc *os.Process
	fd   int // our end of the socketpair
	tap  *stderrTap
}

// sshURI is the parsed part after "ssh://".
type sshURI struct {
	user string // "" when absent
	host string
	port int32  // 0 when absent (or given as 0)
	path string // remote socket path without its leading slash
}

// parseSSHURI splits [user[:password]@]host[:port]/path the way flux-core's
// URL parser does. Query strings and fragments are refused, host and path
// are required; a password is accepted and ignored, and the port digits
// are not validated (each byte counts as byte-'0', as flux-core computes
// it). Every failure is EINVAL.
func parseSSHURI(p string) (sshURI, error) {
	var u sshURI
	bad := errno.New(syscall.EINVAL)
	if p == "" || strings.ContainsAny(p, "?#") {
		return u, bad
	}
	slash := strings.IndexByte(p, '/')
	if slash < 0 {
		return u, bad
	}
	hostpart, path := p[:slash], p[slash+1:]
	if at := strings.IndexByte(hostpart, '@'); at >= 0 {
		if at == 0 {
			return u, bad
		}
		u.user, _, _ = strings.Cut(hostpart[:at], ":")
		hostpart = hostpart[at+1:]
	}
	if hostpart == "" {
		return u, bad
	}
	if c := strings.IndexByte(hostpart, ':'); c >= 0 {
		digits := hostpart[c+1:]
		if digits == "" {
			return u, bad
		}
		for i := 0; i < len(digits); i++ {
			u.port = u.port*10 + int32(int8(digits[i])) - '0'
		}
		hostpart = hostpart[:c]
	}
	if hostpart == "" {
		return u, bad
	}
	u.host, u.path = hostpart, path
	return u, nil
}

// cutArg limits a formatted argument to what flux-core's fixed buffers hold.
func cutArg(s string) string {
	if len(s) >= sshPathMax {
		return s[:sshPathMax-1]
	}
	return s
}

// sshCommand builds the remote shell command line for the URI path p:
//
//	<ssh> [-p PORT] [USER@]HOST [env] [PATH=...] [LD_LIBRARY_PATH=...] <flux> relay /PATH
//
// reading FLUX_SSH, FLUX_SSH_RCMD, LD_LIBRARY_PATH and PATH through env.
func sshCommand(p string, env func(string) (string, bool)) (prog string, argv []string, err error) {
	u, err := parseSSHURI(p)
	if err != nil {
		return "", nil, err
	}
	prog, ok := env("FLUX_SSH")
	if !ok {
		prog = sshDefaultProgram
	}
	rcmd, haveRcmd := env("FLUX_SSH_RCMD")
	ldpath, haveLD := env("LD_LIBRARY_PATH")

	argv = []string{prog}
	if u.port != 0 {
		argv = append(argv, "-p", strconv.Itoa(int(u.port)))
	}
	if u.user != "" {
		argv = append(argv, cutArg(u.user+"@"+u.host))
	} else {
		argv = append(argv, u.host)
	}
	if haveLD || !haveRcmd {
		argv = append(argv, "env")
	}
	if !haveRcmd {
		if s, ok := remotePath(u.path, env); ok {
			argv = append(argv, s)
		}
		rcmd = "flux"
	}
	if haveLD {
		argv = append(argv, cutArg("LD_LIBRARY_PATH="+ldpath))
	}
	argv = append(argv, rcmd, "relay", cutArg("/"+u.path))
	return prog, argv, nil
}

// remotePath is the PATH= assignment given to the remote command: the
// socket's directory (made absolute) plus "/bin", then the directory of
// the first executable flux found in the local $PATH, then /bin:/usr/bin.
// ok is false when the result would not fit flux-core's buffer, in which
// case flux-core leaves the assignment out.
func remotePath(sockpath string, env func(string) (string, bool)) (string, bool) {
	var b strings.Builder
	b.WriteString("PATH=")
	dir := cDirname(sockpath)
	if !strings.HasPrefix(dir, "/") {
		b.WriteByte('/')
	}
	b.WriteString(dir)
	b.WriteString("/bin")
	if d, ok := whichDir("flux", env); ok {
		b.WriteByte(':')
		b.WriteString(d)
	}
	b.WriteString(":/bin:/usr/bin")
	if b.Len() >= sshPathMax {
		return "", false
	}
	return b.String(), true
}

// whichDir returns the directory of the first regular, executable file
// named prog in $PATH (empty elements are skipped, as strtok does).
func whichDir(prog string, env func(string) (string, bool)) (string, bool) {
	path, ok := env("PATH")
	if !ok {
		return "", false
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			continue
		}
		cand := dir + "/" + prog
		if len(cand) >= sshWhichBuf {
			cand = cand[:sshWhichBuf-1]
		}
		st, err := os.Stat(cand)
		if err != nil || !st.Mode().IsRegular() || unix.Access(cand, unix.X_OK) != nil {
			continue
		}
		return cDirname(cand), true
	}
	return "", false
}

// cDirname is POSIX dirname(3) as glibc implements it: trailing slashes of
// the last component are ignored, the slashes before the last component
// are dropped, "" or a name without a slash gives ".", and a path whose
// only slashes lead gives "/" (or "//" for exactly two leading slashes).
// Unlike path.Dir it does not clean "." or ".." elements.
func cDirname(p string) string {
	last := strings.LastIndexByte(p, '/')
	if last > 0 && last == len(p)-1 {
		i := last
		for i > 0 && p[i-1] == '/' {
			i--
		}
		if i > 0 {
			last = strings.LastIndexByte(p[:i], '/')
		}
	}
	if last < 0 {
		return "."
	}
	i := last
	for i > 0 && p[i-1] == '/' {
		i--
	}
	if i == 0 {
		if last == 1 {
			return "//"
		}
		return "/"
	}
	return p[:i]
}

// openSSH opens ssh://[user@]host[:port]/path.
func openSSH(path string, hasPath bool, flags int) (Connector, error) {
	if !hasPath {
		return nil, errno.New(syscall.EINVAL)
	}
	prog, argv, err := sshCommand(path, env.Lookup)
	if err != nil {
		return nil, err
	}
	c := &sshConn{prog: prog, argv: argv}
	if err := c.start(); err != nil {
		return nil, &SSHStartError{err}
	}
	return c, nil
}

// SSHStartError is a failure to start the ssh child or to hear from it;
// flux_open (without an error buffer) prints its text.
// flux_open, which has no error buffer, reports it on stderr too, as
// flux-core's ssh connector does (see OpenReport).
type SSHStartError struct{ Err error }

func (e *SSHStartError) Error() string { return e.Err.Error() }
func (e *SSHStartError) Unwrap() error { return e.Err }

// start runs a new child and reads the auth byte from it.
func (c *sshConn) start() error {
	kid, err := startSSHChild(c.prog, c.argv)
	if err != nil {
		return err
	}
	sc, err := newSockClient(kid.fd)
	if err != nil {
		text := kid.tap.failureText(SSHStderrWait)
		kid.stop()
		return errno.Errorf(errno.Of(err), "%s", text)
	}
	kid.tap.forwardTo(SSHStderr)
	c.kid, c.sc = kid, sc
	return nil
}

// startSSHChild creates the socketpair and the stderr pipe and runs argv
// with the socket as stdin and stdout. An exec failure is reported with
// flux-core's text and the errno of exec.
func startSSHChild(prog string, argv []string) (*sshChild, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, errno.FromUnix(err)
	}
	child := os.NewFile(uintptr(fds[1]), "ssh-stdio")
	rp, wp, err := os.Pipe()
	if err != nil {
		_ = unix.Close(fds[0])
		_ = child.Close()
		return nil, errno.FromUnix(err)
	}
	proc, err := execvp(prog, argv, &os.ProcAttr{Env: env.Environ(), Files: []*os.File{child, child, wp}})
	_ = child.Close()
	_ = wp.Close()
	if err != nil {
		_ = unix.Close(fds[0])
		_ = rp.Close()
		e := errno.Of(err)
		return nil, errno.Errorf(e, "ssh-connector: %s: %s\nHint: set FLUX_SSH in environment to override",
			prog, errno.Str(e))
	}
	return &sshChild{proc: proc, fd: fds[0], tap: newStderrTap(rp)}, nil
}

// execvp starts file with argv the way execvp(3) finds it: a name with a
// slash is used as is, otherwise each $PATH element is tried (an empty one
// meaning the current directory; /bin:/usr/bin when PATH is unset),
// skipping the ones where it does not exist and remembering EACCES. A file
// the kernel cannot execute (ENOEXEC) is run with /bin/sh.
func execvp(file string, argv []string, attr *os.ProcAttr) (*os.Process, error) {
	if file == "" {
		return nil, syscall.ENOENT
	}
	if strings.Contains(file, "/") {
		return execOne(file, argv, attr)
	}
	path, ok := env.Lookup("PATH")
	if !ok {
		path = "/bin:/usr/bin"
	}
	sawEACCES := false
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		proc, err := execOne(dir+"/"+file, argv, attr)
		if err == nil {
			return proc, nil
		}
		switch errno.Of(err) {
		case syscall.EACCES:
			sawEACCES = true
		case syscall.ENOENT, syscall.ESTALE, syscall.ENOTDIR, syscall.ENODEV, syscall.ETIMEDOUT:
		default:
			return nil, err
		}
	}
	if sawEACCES {
		return nil, syscall.EACCES
	}
	return nil, syscall.ENOENT
}

// execOne starts one candidate path, falling back to /bin/sh for ENOEXEC.
// Candidates that plainly do not exist are skipped without forking.
func execOne(path string, argv []string, attr *os.ProcAttr) (*os.Process, error) {
	if _, err := os.Stat(path); err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) && (errno == syscall.ENOENT || errno == syscall.ENOTDIR) {
			return nil, errno
		}
	}
	proc, err := os.StartProcess(path, argv, attr)
	if err != nil && errno.Of(err) == syscall.ENOEXEC {
		shArgv := append([]string{"/bin/sh", path}, argv[1:]...)
		return os.StartProcess("/bin/sh", shArgv, attr)
	}
	return proc, err
}

// stop shuts down our write side so the child sees end of file, waits
// for it (killing it after SSHCloseGrace) and closes our descriptors.
func (k *sshChild) stop() {
	_ = unix.Shutdown(k.fd, unix.SHUT_WR)
	done := make(chan struct{})
	go func() {
		_, _ = k.proc.Wait()
		close(done)
	}()
	t := time.NewTimer(SSHCloseGrace)
	select {
	case <-done:
		t.Stop()
	case <-t.C:
		_ = k.proc.Kill()
		<-done
	}
	_ = unix.Close(k.fd)
	k.fd = -1
	k.tap.Close()
}

func (c *sshConn) Send(m *msg.Message, flags int, w Waiter) error {
	if c.sc == nil {
		return errno.New(syscall.ENOTCONN)
	}
	return c.sc.Send(m, flags, w)
}

func (c *sshConn) Recv(flags int, w Waiter) (*msg.Message, error) {
	if c.sc == nil {
		return nil, errno.New(syscall.ENOTCONN)
	}
	return c.sc.Recv(flags, w)
}

func (c *sshConn) PollFD() (int, error) {
	if c.sc == nil {
		return -1, errno.New(syscall.ENOTCONN)
	}
	return c.sc.fd, nil
}

func (c *sshConn) HasBuffered() bool { return c.sc != nil && c.sc.HasBuffered() }

func (c *sshConn) PollEvents() int {
	if c.sc == nil {
		return 0
	}
	return c.sc.PollEvents()
}

// Close ends the child; the socket is closed by sshChild.stop, not by the
// sockClient.
func (c *sshConn) Close() {
	if c.kid != nil {
		c.kid.stop()
		c.kid = nil
	}
	if c.sc != nil {
		c.sc.fd = -1
		c.sc = nil
	}
}

// Reconnect ends the current child and starts a new one with the same
// command line (flux-core's ssh connector cannot reconnect).
func (c *sshConn) Reconnect() error {
	c.Close()
	return c.start()
}

// stderrTap reads a child's stderr: it keeps what arrives until open
// decides, then either composes the failure text from it or copies it
// (and the rest of the stream) to a writer.
type stderrTap struct {
	r    *os.File
	eof  chan struct{} // closed at end of file or read error
	mu   sync.Mutex
	buf  []byte
	dst  io.Writer // non-nil once forwarding
	keep int       // most bytes buffered before forwarding starts
}

func newStderrTap(r *os.File) *stderrTap {
	t := &stderrTap{r: r, eof: make(chan struct{}), keep: 64 << 10}
	go t.run()
	return t
}

func (t *stderrTap) run() {
	defer close(t.eof)
	b := make([]byte, 4096)
	for {
		n, err := t.r.Read(b)
		if n > 0 {
			t.mu.Lock()
			if t.dst != nil {
				_, _ = t.dst.Write(b[:n])
			} else if room := t.keep - len(t.buf); room > 0 {
				t.buf = append(t.buf, b[:min(n, room)]...)
			}
			t.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// failureText waits up to wait for end of file and returns the captured
// text (up to its first NUL, surrounding C-locale white space removed),
// or flux-core's hint when there is none.
func (t *stderrTap) failureText(wait time.Duration) string {
	timer := time.NewTimer(wait)
	select {
	case <-t.eof:
	case <-timer.C:
	}
	timer.Stop()
	t.mu.Lock()
	s := string(t.buf)
	t.mu.Unlock()
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(s, " \t\n\v\f\r")
	if s == "" {
		return SSHNoCleanConn
	}
	return s
}

// forwardTo writes what was captured to w and copies the rest there.
func (t *stderrTap) forwardTo(w io.Writer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) > 0 {
		_, _ = w.Write(t.buf)
	}
	t.buf, t.dst = nil, w
}

// Close stops the reader (it may still be blocked if a grandchild keeps
// the pipe open) and waits for it.
func (t *stderrTap) Close() {
	_ = t.r.Close()
	<-t.eof
}
