package runtime

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
)

// Open opens a handle on uri (flux_open / flux_open_ex). A nil uri means
// $FLUX_URI, else DefaultURI; a uri starting with '.' or '/' is a path in
// the instance hierarchy ("/" = root, ".." = parent) resolved through the
// current instance. The scheme before "://" picks the connector (loop,
// interthread, local, fd, ssh; any other scheme goes to the loader set
// with SetConnectorLoader); the rest, with trailing blanks and tabs
// removed, is its path. FLUX_HANDLE_TRACE and FLUX_HANDLE_MATCHDEBUG in
// the environment add OTrace and OMatchdebug; FLUX_HANDLE_USERID and
// FLUX_HANDLE_ROLEMASK set the testing credential options. Every error is
// an *Error whose text is what flux_open_ex puts in flux_error_t.
func Open(uri *string, flags int) (*Handle, error) {
	h, err := open(uri, flags)
	if err != nil {
		return nil, openError(err)
	}
	return h, nil
}

// OpenReport is Open for callers without an error buffer (flux_open):
// when an ssh:// child cannot be started, or fails before the connection
// is made, the error text is also written on stderr, as flux-core's ssh
// connector does when it has nowhere else to put it.
func OpenReport(uri *string, flags int) (*Handle, error) {
	h, err := open(uri, flags)
	if err != nil {
		var se *transport.SSHStartError
		if errors.As(err, &se) {
			diagf("%s\n", ErrorText(se.Err))
		}
		return nil, openError(err)
	}
	return h, nil
}

// openError makes sure a failure carries an errno and a text.
func openError(err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		if fe.Text == "" {
			return &Error{Errno: fe.Errno, Text: StrError(fe.Errno)}
		}
		return fe
	}
	e := ErrnoOf(err)
	return &Error{Errno: e, Text: StrError(e)}
}

func open(uri *string, flags int) (*Handle, error) {
	if flags&^OpenFlagsAccepted != 0 {
		return nil, Errorf(syscall.EINVAL, "invalid flags specified")
	}
	var u string
	switch {
	case uri == nil:
		u = defaultLocalURI()
	case strings.HasPrefix(*uri, ".") || strings.HasPrefix(*uri, "/"):
		r, err := resolvePathURI(*uri)
		if err != nil {
			return nil, err
		}
		u = r
	default:
		u = *uri
	}
	scheme, path, hasPath := splitURI(u)
	init := builtinConnector(scheme)
	load := loadedConnector()
	if init == nil && load == nil {
		return nil, Errorf(syscall.ENOENT, "Unable to find connector name '%s'", scheme)
	}
	if _, ok := lookupEnv("FLUX_HANDLE_TRACE"); ok {
		flags |= OTrace
	}
	if _, ok := lookupEnv("FLUX_HANDLE_MATCHDEBUG"); ok {
		flags |= OMatchdebug
	}
	var h *Handle
	if init == nil {
		var p *string
		if strings.Contains(u, "://") {
			p = &path
		}
		hl, err := load(scheme, p, flags)
		if err != nil {
			return nil, err
		}
		h = hl
	} else {
		conn, err := init(path, hasPath, flags)
		if err != nil {
			return nil, err
		}
		if h, err = newRootHandle(conn, flags); err != nil {
			return nil, err
		}
	}
	if s, ok := lookupEnv("FLUX_HANDLE_USERID"); ok {
		if err := h.OptSet(OptTestingUserid, uint32Bytes(uint32(strtoul(s, 10)))); err != nil {
			h.Close()
			return nil, err
		}
	}
	if s, ok := lookupEnv("FLUX_HANDLE_ROLEMASK"); ok {
		if err := h.OptSet(OptTestingRolemask, uint32Bytes(uint32(strtoul(s, 0)))); err != nil {
			h.Close()
			return nil, err
		}
	}
	return h, nil
}

// defaultLocalURI is $FLUX_URI (verbatim) or DefaultURI.
func defaultLocalURI() string {
	if s, ok := lookupEnv("FLUX_URI"); ok {
		return s
	}
	return DefaultURI
}

// splitURI splits at the first "://". The path has trailing blanks and
// tabs removed; hasPath is false when there is no "://" or nothing is left.
func splitURI(uri string) (scheme, path string, hasPath bool) {
	scheme, rest, found := strings.Cut(uri, "://")
	if !found {
		return uri, "", false
	}
	rest = strings.TrimRight(rest, " \t")
	if rest == "" {
		return scheme, "", false
	}
	return scheme, rest, true
}

// uint32Bytes encodes v as a C uint32 option value.
func uint32Bytes(v uint32) []byte {
	return binary.NativeEndian.AppendUint32(nil, v)
}

// resolvePathURI turns a path-like URI ("/", ".", "..", "../..") into the
// URI of that instance, walking up from the current instance (FLUX_URI or
// the default) with the instance-level and parent-uri attributes.
func resolvePathURI(uri string) (string, error) {
	h, err := open(nil, 0)
	if err != nil {
		return "", err
	}
	defer func() { h.Close() }()
	n := 0
	if uri[0] == '/' {
		if uri != "/" {
			return "", Errorf(syscall.EINVAL, "%s: invalid URI", uri)
		}
		n = -1 // the root instance
	} else {
		for _, elem := range strings.Split(uri, "/") {
			switch elem {
			case "", ".":
			case "..":
				n++
			default:
				return "", Errorf(syscall.EINVAL, "%s: invalid URI path element '%s'", uri, elem)
			}
		}
	}
	level, err := instanceLevel(h)
	if err != nil {
		return "", Errorf(ErrnoOf(err), "Failed to get instance-level attribute: %s", StrError(ErrnoOf(err)))
	}
	if n == 0 || level == 0 {
		return defaultLocalURI(), nil
	}
	depth := 0
	if n > 0 {
		if depth = level - n; depth < 0 {
			depth = 0
		}
	}
	for {
		parent, err := h.AttrGet("parent-uri")
		if err != nil {
			return "", err
		}
		ph, err := open(&parent, 0)
		if err != nil {
			return "", err
		}
		h.Close()
		h = ph
		if level--; level == depth {
			return parent, nil
		}
	}
}

// instanceLevel reads the instance-level attribute as a non-negative int.
func instanceLevel(h *Handle) (int, error) {
	s, err := h.AttrGet("instance-level")
	if err != nil {
		return 0, err
	}
	l, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, ErrnoError(syscall.ERANGE)
		}
		return 0, ErrnoError(syscall.EINVAL)
	}
	if l < 0 || l > 1<<31-1 {
		return 0, ErrnoError(syscall.ERANGE)
	}
	return int(l), nil
}
