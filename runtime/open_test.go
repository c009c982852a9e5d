package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
	"golang.org/x/sys/unix"
)

func TestOpenErrors(t *testing.T) {
	clearHandleEnv(t)
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0")
	dir := shortTempDir(t)
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	long := "/" + strings.Repeat("x", 108)
	tests := []struct {
		name  string
		uri   *string
		flags int
		errno syscall.Errno
		text  string
	}{
		{"bad flags", strp("loop://"), 0x80, syscall.EINVAL, "invalid flags specified"},
		{"bad flags high bit", strp("loop://"), 0x1000, syscall.EINVAL, "invalid flags specified"},
		{"unknown scheme", strp("foo://bar"), 0, syscall.ENOENT, "Unable to find connector name 'foo'"},
		{"empty uri", strp(""), 0, syscall.ENOENT, "Unable to find connector name ''"},
		{"leading blank kept", strp(" local:///x"), 0, syscall.ENOENT, "Unable to find connector name ' local'"},
		{"ssh without a path", strp("ssh://host"), 0, syscall.EINVAL, "Invalid argument"},
		{"local no path", strp("local://"), 0, syscall.EINVAL, "Invalid argument"},
		{"local blank path", strp("local://  \t "), 0, syscall.EINVAL, "Invalid argument"},
		{"local no separator", strp("local"), 0, syscall.EINVAL, "Invalid argument"},
		{"local missing", strp("local:///nonexistent/sock"), 0, syscall.ENOENT, "broker socket /nonexistent/sock was not found"},
		{"local trailing blanks trimmed", strp("local:///nonexistent/sock \t"), 0, syscall.ENOENT, "broker socket /nonexistent/sock was not found"},
		{"local regular file", strp("local://" + regular), 0, syscall.ECONNREFUSED, "Connection refused"},
		{"local path too long", strp("local://" + long), 0, syscall.EINVAL, "Invalid argument"},
		{"fd no path", strp("fd://"), 0, syscall.EINVAL, "URI path is not set"},
		{"fd not a number", strp("fd://abc"), 0, syscall.EINVAL, "error parsing file descriptor"},
		{"fd negative", strp("fd://-1"), 0, syscall.EINVAL, "error parsing file descriptor"},
		{"fd trailing junk", strp("fd://3x"), 0, syscall.EINVAL, "error parsing file descriptor"},
		{"interthread no name", strp("interthread://"), 0, syscall.EINVAL, "Invalid argument"},
		{"path-like bad root", strp("/x"), 0, syscall.ENOENT, "broker socket /nonexistent/sock was not found"},
	}
	t.Setenv("FLUX_URI", "local:///nonexistent/sock")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Open(tc.uri, tc.flags)
			if h != nil {
				h.Close()
				t.Fatal("Open succeeded")
			}
			wantErrno(t, err, tc.errno, tc.text)
		})
	}
}

func TestOpenDefaultURI(t *testing.T) {
	clearHandleEnv(t)
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "0")
	_, err := Open(nil, 0)
	wantErrno(t, err, syscall.ENOENT, "broker socket /run/flux/local was not found")

	t.Setenv("FLUX_URI", "loop://")
	h, err := Open(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	h.Close()

	// FLUX_URI is used verbatim, even when it looks like a path.
	t.Setenv("FLUX_URI", "./relative")
	_, err = Open(nil, 0)
	wantErrno(t, err, syscall.ENOENT, "Unable to find connector name './relative'")
}

func TestOpenAuthByte(t *testing.T) {
	clearHandleEnv(t)
	for _, tc := range []struct {
		name  string
		auth  byte
		errno syscall.Errno
		text  string
	}{
		{"EPERM", 1, syscall.EPERM, "Operation not permitted"},
		{"EACCES", 13, syscall.EACCES, "Permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, nil)
			s.setAuth(tc.auth)
			_, err := Open(strp("local://"+s.path), 0)
			wantErrno(t, err, tc.errno, tc.text)
		})
	}
}

func TestOpenRetryCount(t *testing.T) {
	clearHandleEnv(t)
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"abc", false}, {"-1", false}, {"3x", false}, {"", false}, {"0", true}, {"2", true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", tc.value)
			_, err := Open(strp("local:///nonexistent/sock"), 0)
			if tc.ok {
				wantErrno(t, err, syscall.ENOENT, "broker socket /nonexistent/sock was not found")
			} else {
				wantErrno(t, err, syscall.EINVAL, "Invalid argument")
			}
		})
	}
}

func TestOpenRetryDelays(t *testing.T) {
	clearHandleEnv(t)
	var delays []time.Duration
	old := transport.LocalSleep
	transport.LocalSleep = func(d time.Duration) { delays = append(delays, d) }
	t.Cleanup(func() { transport.LocalSleep = old })

	_, err := Open(strp("local:///nonexistent/sock"), 0)
	wantErrno(t, err, syscall.ENOENT, "")
	want := []time.Duration{16, 32, 64, 128, 256}
	if len(delays) != len(want) {
		t.Fatalf("delays = %v", delays)
	}
	for i := range want {
		if delays[i] != want[i]*time.Millisecond {
			t.Fatalf("delays = %v", delays)
		}
	}

	delays = nil
	t.Setenv("FLUX_LOCAL_CONNECTOR_RETRY_COUNT", "10")
	_, _ = Open(strp("local:///nonexistent/sock"), 0)
	if len(delays) != 10 || delays[7] != 2*time.Second || delays[9] != 2*time.Second || delays[6] != 1024*time.Millisecond {
		t.Fatalf("delays = %v", delays)
	}
}

func TestOpenFDErrors(t *testing.T) {
	clearHandleEnv(t)
	tests := []struct {
		name  string
		peer  func(fd int)
		errno syscall.Errno
		text  string
	}{
		{"peer closes before auth", func(fd int) { unix.Close(fd) }, syscall.ECONNRESET, "Connection reset by peer"},
		{"non-zero auth byte", func(fd int) { unix.Write(fd, []byte{13}); unix.Close(fd) }, syscall.EACCES, "Permission denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			tc.peer(fds[1])
			_, err = Open(strp("fd://"+strconv.Itoa(fds[0])), 0)
			wantErrno(t, err, tc.errno, tc.text)
			// On failure the descriptor is left open for the caller.
			if _, err := unix.FcntlInt(uintptr(fds[0]), unix.F_GETFD, 0); err != nil {
				t.Fatalf("fd closed by failed open: %v", err)
			}
			unix.Close(fds[0])
		})
	}
}

func TestOpenEnvFlags(t *testing.T) {
	clearHandleEnv(t)
	for _, tc := range []struct {
		env  string
		flag int
	}{
		{"FLUX_HANDLE_TRACE", OTrace},
		{"FLUX_HANDLE_MATCHDEBUG", OMatchdebug},
	} {
		t.Run(tc.env, func(t *testing.T) {
			h := mustOpen(t, "loop://", 0)
			if h.FlagsGet()&tc.flag != 0 {
				t.Fatal("flag set without env")
			}
			h.Close()
			t.Setenv(tc.env, "") // presence, even empty, counts
			h = mustOpen(t, "loop://", 0)
			defer h.Close()
			if h.FlagsGet()&tc.flag == 0 {
				t.Fatalf("flags %#x lack %#x", h.FlagsGet(), tc.flag)
			}
		})
	}
}

func TestOpenEnvCredentials(t *testing.T) {
	clearHandleEnv(t)
	uid := uint32(os.Getuid())
	tests := []struct {
		name         string
		userid       *string
		rolemask     *string
		wantUserid   uint32
		wantRolemask uint32
	}{
		{"none", nil, nil, uid, 1},
		{"both", strp("5"), strp("0x2"), 5, 2},
		{"rolemask only", nil, strp("0x12"), uid, 0x12},
		{"octal rolemask", nil, strp("010"), uid, 8},
		{"decimal userid ignores hex", strp("0x10"), nil, 0, 1},
		{"userid junk suffix", strp("42abc"), nil, 42, 1},
		{"userid negative wraps", strp("-1"), nil, 0xffffffff, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.userid != nil {
				t.Setenv("FLUX_HANDLE_USERID", *tc.userid)
			}
			if tc.rolemask != nil {
				t.Setenv("FLUX_HANDLE_ROLEMASK", *tc.rolemask)
			}
			h := mustOpen(t, "loop://", 0)
			defer h.Close()
			if err := h.Send(newRequest("a.b", 0, ""), 0); err != nil {
				t.Fatal(err)
			}
			m, err := h.Recv(Match{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if m.Userid != tc.wantUserid || m.Rolemask != tc.wantRolemask {
				t.Fatalf("creds %d/%#x, want %d/%#x", m.Userid, m.Rolemask, tc.wantUserid, tc.wantRolemask)
			}
		})
	}
}

func TestOpenEnvCredentialsUnsupported(t *testing.T) {
	clearHandleEnv(t)
	t.Setenv("FLUX_HANDLE_USERID", "5")
	_, err := Open(strp("interthread://envcred"), 0)
	wantErrno(t, err, syscall.EINVAL, "Invalid argument")
	// The failed opens must have released the channel name: two more
	// handles can still pair on it.
	os.Unsetenv("FLUX_HANDLE_USERID")
	a := mustOpen(t, "interthread://envcred", 0)
	defer a.Close()
	b := mustOpen(t, "interthread://envcred", 0)
	defer b.Close()
}

func TestSplitURI(t *testing.T) {
	for _, tc := range []struct {
		uri, scheme, path string
		has               bool
	}{
		{"local:///a/b", "local", "/a/b", true},
		{"local:///a/b \t ", "local", "/a/b", true},
		{"local://", "local", "", false},
		{"local://  ", "local", "", false},
		{"local", "local", "", false},
		{"a://b://c", "a", "b://c", true},
		{" x:// y", " x", " y", true},
		{"", "", "", false},
	} {
		s, p, has := splitURI(tc.uri)
		if s != tc.scheme || p != tc.path || has != tc.has {
			t.Errorf("splitURI(%q) = %q %q %v", tc.uri, s, p, has)
		}
	}
}

func TestStrtoul(t *testing.T) {
	for _, tc := range []struct {
		s    string
		base int
		want uint64
	}{
		{"123", 10, 123}, {"  7", 10, 7}, {"+9", 10, 9}, {"12ab", 10, 12}, {"", 10, 0},
		{"abc", 10, 0}, {"0x1f", 0, 31}, {"0X1F", 0, 31}, {"017", 0, 15}, {"0", 0, 0},
		{"0x", 0, 0}, {"0xg", 0, 0}, {"99", 0, 99}, {"0x10", 10, 0}, {"-1", 10, ^uint64(0)},
		{"-2", 0, ^uint64(0) - 1}, {"99999999999999999999999", 10, ^uint64(0)},
	} {
		if got := strtoul(tc.s, tc.base); got != tc.want {
			t.Errorf("strtoul(%q, %d) = %d, want %d", tc.s, tc.base, got, tc.want)
		}
	}
}

func TestPathLikeURI(t *testing.T) {
	clearHandleEnv(t)
	attrs := map[string]string{"instance-level": "0"}
	s := startServer(t, attrServer(attrs, true))
	t.Setenv("FLUX_URI", "local://"+s.path)
	for _, uri := range []string{"/", ".", "..", "../..", "..//./"} {
		t.Run(uri, func(t *testing.T) {
			h, err := Open(strp(uri), 0)
			if err != nil {
				t.Fatal(err)
			}
			h.Close()
		})
	}
	for _, tc := range []struct{ uri, text string }{
		{"/x", "/x: invalid URI"},
		{"./foo", "./foo: invalid URI path element 'foo'"},
		{".x", ".x: invalid URI path element '.x'"},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			_, err := Open(strp(tc.uri), 0)
			wantErrno(t, err, syscall.EINVAL, tc.text)
		})
	}
}

func TestPathLikeURIParent(t *testing.T) {
	clearHandleEnv(t)
	root := startServer(t, attrServer(map[string]string{"instance-level": "0"}, true))
	child := startServer(t, attrServer(map[string]string{
		"instance-level": "1", "parent-uri": "local://" + root.path}, true))
	t.Setenv("FLUX_URI", "local://"+child.path)
	for _, tc := range []struct{ uri, level string }{
		{".", "1"}, {"..", "0"}, {"../../..", "0"}, {"/", "0"},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			h, err := Open(strp(tc.uri), 0)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			// Each server reports its own level: this tells which
			// instance the handle reached.
			got, err := h.AttrGet("instance-level")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.level {
				t.Fatalf("reached level %s, want %s", got, tc.level)
			}
		})
	}

	t.Run("bad level", func(t *testing.T) {
		bad := startServer(t, attrServer(map[string]string{"instance-level": "x"}, true))
		t.Setenv("FLUX_URI", "local://"+bad.path)
		_, err := Open(strp(".."), 0)
		wantErrno(t, err, syscall.EINVAL, "Failed to get instance-level attribute: Invalid argument")
		none := startServer(t, attrServer(map[string]string{}, true))
		t.Setenv("FLUX_URI", "local://"+none.path)
		_, err = Open(strp(".."), 0)
		wantErrno(t, err, syscall.ENOENT, "Failed to get instance-level attribute: No such file or directory")
	})
}
