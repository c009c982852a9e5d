package transport

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/fluxgo/fluxgo/runtime/internal/errno"
)

// mapEnv is an environment lookup over a fixed map.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestParseSSHURI(t *testing.T) {
	tests := []struct {
		in   string
		want sshURI
		ok   bool
	}{
		{"host/tmp/s", sshURI{host: "host", path: "tmp/s"}, true},
		{"u@host:2222/tmp/s", sshURI{user: "u", host: "host", port: 2222, path: "tmp/s"}, true},
		{"u:secret@host/s", sshURI{user: "u", host: "host", path: "s"}, true},
		{"host/", sshURI{host: "host", path: ""}, true},
		{"host:0/s", sshURI{host: "host", path: "s"}, true},
		{"host:ab/s", sshURI{host: "host", port: 49*10 + 50, path: "s"}, true},
		{"a@b@c/s", sshURI{user: "a", host: "b@c", path: "s"}, true},
		{"host", sshURI{}, false},
		{"host:22", sshURI{}, false},
		{"host/s?x=1", sshURI{}, false},
		{"host/s?", sshURI{}, false},
		{"host/s#frag", sshURI{}, false},
		{"@host/s", sshURI{}, false},
		{"u@/s", sshURI{}, false},
		{":22/s", sshURI{}, false},
		{"host:/s", sshURI{}, false},
		{"/s", sshURI{}, false},
		{"", sshURI{}, false},
	}
	for _, tc := range tests {
		got, err := parseSSHURI(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("parseSSHURI(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if errno.Of(err) != syscall.EINVAL {
				t.Errorf("parseSSHURI(%q) errno = %v, want EINVAL", tc.in, errno.Of(err))
			}
			continue
		}
		if got != tc.want {
			t.Errorf("parseSSHURI(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestCDirname(t *testing.T) {
	tests := map[string]string{
		"":              ".",
		"local":         ".",
		"tmp/foo/local": "tmp/foo",
		"/tmp/x":        "/tmp",
		"/x":            "/",
		"//x":           "//",
		"///x":          "/",
		"a//b":          "a",
		"a/b/":          "a",
		"/":             "/",
		"a/./b":         "a/.",
		"dir//flux":     "dir",
	}
	for in, want := range tests {
		if got := cDirname(in); got != want {
			t.Errorf("cDirname(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSSHCommandArgv(t *testing.T) {
	bindir := t.TempDir()
	if err := os.WriteFile(filepath.Join(bindir, "flux"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notExec := t.TempDir()
	if err := os.WriteFile(filepath.Join(notExec, "flux"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nofluxPath := "/nonexistent-dir"
	tests := []struct {
		name string
		uri  string
		env  map[string]string
		want []string
	}{
		// The four argv connectors.md §3 verified against flux-core.
		{"user and port", "user@host:2222/tmp/foo/local",
			map[string]string{"FLUX_SSH": "fakessh", "PATH": nofluxPath},
			[]string{"fakessh", "-p", "2222", "user@host", "env", "PATH=/tmp/foo/bin:/bin:/usr/bin", "flux", "relay", "/tmp/foo/local"}},
		{"host only", "host/run/flux/local",
			map[string]string{"FLUX_SSH": "fakessh", "PATH": nofluxPath},
			[]string{"fakessh", "host", "env", "PATH=/run/flux/bin:/bin:/usr/bin", "flux", "relay", "/run/flux/local"}},
		{"FLUX_SSH_RCMD", "host/run/flux/local",
			map[string]string{"FLUX_SSH": "fakessh", "FLUX_SSH_RCMD": "/opt/flux/bin/flux", "PATH": nofluxPath},
			[]string{"fakessh", "host", "/opt/flux/bin/flux", "relay", "/run/flux/local"}},
		{"LD_LIBRARY_PATH", "host/run/flux/local",
			map[string]string{"FLUX_SSH": "fakessh", "LD_LIBRARY_PATH": "/opt/lib", "PATH": nofluxPath},
			[]string{"fakessh", "host", "env", "PATH=/run/flux/bin:/bin:/usr/bin", "LD_LIBRARY_PATH=/opt/lib", "flux", "relay", "/run/flux/local"}},
		// Further rows derived from the same rules.
		{"RCMD and LD_LIBRARY_PATH", "host/s",
			map[string]string{"FLUX_SSH": "x", "FLUX_SSH_RCMD": "r", "LD_LIBRARY_PATH": ""},
			[]string{"x", "host", "env", "LD_LIBRARY_PATH=", "r", "relay", "/s"}},
		{"default ssh, no PATH", "host/s",
			map[string]string{},
			[]string{"ssh", "host", "env", "PATH=/./bin:/bin:/usr/bin", "flux", "relay", "/s"}},
		{"flux found in PATH", "h/tmp/x/local",
			map[string]string{"PATH": "::" + notExec + ":" + bindir + "/:/usr/bin"},
			[]string{"ssh", "h", "env", "PATH=/tmp/x/bin:" + bindir + ":/bin:/usr/bin", "flux", "relay", "/tmp/x/local"}},
		{"password dropped, port 0", "u:pw@h:0/a/b",
			map[string]string{"PATH": nofluxPath},
			[]string{"ssh", "u@h", "env", "PATH=/a/bin:/bin:/usr/bin", "flux", "relay", "/a/b"}},
		{"empty remote path", "h/",
			map[string]string{"PATH": nofluxPath},
			[]string{"ssh", "h", "env", "PATH=/./bin:/bin:/usr/bin", "flux", "relay", "/"}},
		{"double slash path", "h//x",
			map[string]string{"PATH": nofluxPath},
			[]string{"ssh", "h", "env", "PATH=//bin:/bin:/usr/bin", "flux", "relay", "//x"}},
		{"PATH= too long is left out", "h/" + strings.Repeat("d", 5000) + "/s",
			map[string]string{"PATH": nofluxPath},
			[]string{"ssh", "h", "env", "flux", "relay", "/" + strings.Repeat("d", 4095)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, argv, err := sshCommand(tc.uri, mapEnv(tc.env))
			if err != nil {
				t.Fatalf("sshCommand: %v", err)
			}
			if prog != tc.want[0] {
				t.Errorf("prog = %q, want %q", prog, tc.want[0])
			}
			if !reflect.DeepEqual(argv, tc.want) {
				t.Errorf("argv =\n %q\nwant\n %q", argv, tc.want)
			}
		})
	}
}
