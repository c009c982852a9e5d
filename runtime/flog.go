package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fluxgo/fluxgo/runtime/msg"
)

// severityNames are the syslog level names flux_log prints when it has no
// handle, indexed by level (LOG_EMERG .. LOG_DEBUG).
var severityNames = []string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// logContext is a handle's logging identity (flux_log_set_*), kept in the
// handle's aux so that clones start with defaults, as in flux-core.
type logContext struct {
	mu       sync.Mutex
	appname  string
	procid   string
	hostname string
	redirect func(level int, text string)
}

const logContextKey = "flux::log"

func (h *Handle) logContext() *logContext {
	return h.auxGetOrCreate(logContextKey, func() any {
		app := filepath.Base(os.Args[0])
		if len(app) > 48 {
			app = app[:48]
		}
		return &logContext{appname: app, procid: strconv.Itoa(os.Getpid())}
	}).(*logContext)
}

// LogSetAppname sets the APPNAME field of log messages (flux_log_set_appname).
func (h *Handle) LogSetAppname(s string) {
	lc := h.logContext()
	lc.mu.Lock()
	lc.appname = s
	lc.mu.Unlock()
}

// LogSetProcid sets the PROCID field of log messages (flux_log_set_procid).
func (h *Handle) LogSetProcid(s string) {
	lc := h.logContext()
	lc.mu.Lock()
	lc.procid = s
	lc.mu.Unlock()
}

// LogSetHostname sets the HOSTNAME field, which is otherwise the broker
// rank (flux_log_set_hostname).
func (h *Handle) LogSetHostname(s string) {
	lc := h.logContext()
	lc.mu.Lock()
	lc.hostname = s
	lc.mu.Unlock()
}

// LogSetRedirect sends formatted log text to fn instead of the broker
// (flux_log_set_redirect); nil restores sending.
func (h *Handle) LogSetRedirect(fn func(level int, text string)) {
	lc := h.logContext()
	lc.mu.Lock()
	lc.redirect = fn
	lc.mu.Unlock()
}

// Log sends text to the broker's log at a syslog level, as flux_log does:
// a log.append request with matchtag 0 and an RFC 5424 style payload.
// Trailing newlines are dropped; each further line is logged as a message
// of its own. A nil handle prints "<level>: <text>" on stderr instead.
func (h *Handle) Log(level int, text string) error {
	text = strings.TrimRight(text, "\r\n")
	if h == nil {
		diagf("%s: %s\n", levelName(level), text)
		return nil
	}
	first, rest, more := strings.Cut(text, "\n")
	if more {
		first = strings.TrimRight(first, "\r")
	}
	if err := h.logLine(level, first); err != nil {
		return err
	}
	if more {
		return h.Log(level, rest)
	}
	return nil
}

func levelName(level int) string {
	if level >= 0 && level < len(severityNames) {
		return severityNames[level]
	}
	return strconv.Itoa(level)
}

// logLine sends one line.
func (h *Handle) logLine(level int, text string) error {
	lc := h.logContext()
	lc.mu.Lock()
	app, procid, host, redirect := lc.appname, lc.procid, lc.hostname, lc.redirect
	lc.mu.Unlock()
	if host == "" {
		if rank, err := h.GetRank(); err == nil {
			host = strconv.FormatUint(uint64(rank), 10)
		} else {
			host = "-"
		}
	}
	pri := (level & 7) << 3
	ts := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	payload := fmt.Sprintf("<%d>1 %s %s %s %s - - %s", pri, ts, host, app, procid, text)
	if redirect != nil {
		redirect(level, payload)
		return nil
	}
	m, err := RequestEncode("log.append", []byte(payload))
	if err != nil {
		return err
	}
	m.Aux2 = msg.MatchtagNone
	return h.Send(m, 0)
}

// LogError logs text followed by ": <description of errnum>" at LOG_ERR
// (flux_log_error).
func (h *Handle) LogError(errnum int, text string) {
	_ = h.Log(3, text+": "+StrError(syscall.Errno(errnum)))
}
