package flux

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// LogLevel is a syslog severity for Log.
type LogLevel int

// Syslog severities, most severe first (LOG_EMERG .. LOG_DEBUG).
const (
	LogEmerg LogLevel = iota
	LogAlert
	LogCrit
	LogErr
	LogWarning
	LogNotice
	LogInfo
	LogDebug
)

// Log writes a message to the broker's log at level (flux_log): the text
// is formatted as fmt.Sprintf does, and each line becomes one log entry.
// Nothing is waited for; an error says the message could not be sent.
func (h *Handle) Log(level LogLevel, format string, args ...any) error {
	if err := h.ready(nil); err != nil {
		return opErr("log", "", err)
	}
	return opErr("log", "", h.rt.Log(int(level), fmt.Sprintf(format, args...)))
}

// MsgCounters are the counts of messages the handle's connection has sent
// (Tx) and received (Rx), by type (flux_get_msgcounters). A handle and its
// clones share theirs.
type MsgCounters = fluxrt.Msgcounters

// MsgCounters returns the connection's message counters.
func (h *Handle) MsgCounters() MsgCounters {
	if h.usable() != nil {
		return MsgCounters{}
	}
	return h.rt.Msgcounters()
}

// ClearMsgCounters zeroes the connection's message counters.
func (h *Handle) ClearMsgCounters() {
	if h.usable() == nil {
		h.rt.ClearMsgcounters()
	}
}

// WithDiagHandler sends the handle's diagnostic output — messages traced
// with the Trace flag, MatchDebug's reports — to handler as slog records
// at slog.LevelDebug, one per message or report, with a "kind" attribute
// ("trace" or "matchdebug"), instead of to standard error. It applies to
// the connection: the handle and its clones.
func WithDiagHandler(handler slog.Handler) Option {
	return optionFunc(func(c *openConfig) { c.diag = handler })
}

// slogWriter turns each Write of diagnostic output into a slog record.
type slogWriter struct{ h slog.Handler }

// Write logs p (one trace block or report) as one record.
func (w slogWriter) Write(p []byte) (int, error) {
	ctx := context.Background()
	if !w.h.Enabled(ctx, slog.LevelDebug) {
		return len(p), nil
	}
	text := strings.TrimRight(string(p), "\n")
	kind := "trace"
	if strings.HasPrefix(text, "MATCHDEBUG") {
		kind = "matchdebug"
	}
	r := slog.NewRecord(time.Now(), slog.LevelDebug, text, 0)
	r.AddAttrs(slog.String("kind", kind))
	return len(p), w.h.Handle(ctx, r)
}
