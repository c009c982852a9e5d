package flux

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall"
	"testing"
)

// Errors read "<op> <subject>: <cause>" and keep the cause reachable.
func TestErrorNamesOpAndSubject(t *testing.T) {
	tb := startBroker(t)
	h := tb.open(t)
	ctx := testCtx(t)

	_, err := h.Attr(ctx, "nosuch")
	if got, want := err.Error(), "attr.get nosuch: No such file or directory"; got != want {
		t.Errorf("Attr: %q, want %q", got, want)
	}
	if !errors.Is(err, syscall.ENOENT) {
		t.Errorf("Attr: %v does not match ENOENT", err)
	}
	_, err = h.RegisterService(ctx, "broker", func(*ServiceRequest) {})
	if got, want := fmtErr(err), "service register broker: File exists"; got != want {
		t.Errorf("RegisterService: %q, want %q", got, want)
	}
	_, err = h.RPC(ctx, "nosuch.method", nil)
	var fe *Error
	if !errors.As(err, &fe) || fe.Op != "rpc" || fe.Subject != "nosuch.method" || !errors.Is(err, syscall.ENOSYS) {
		t.Errorf("RPC: %#v", err)
	}
}

// fmtErr is err's text, or "<nil>".
func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A payload that does not decode is EPROTO and unwraps to the decoder's
// error.
func TestPayloadDecodeErrorUnwraps(t *testing.T) {
	var v struct{ N int }
	err := Payload(`{"N":"x"}` + "\x00").Decode(&v)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "N" {
		t.Fatalf("errors.As(*json.UnmarshalTypeError): %v", err)
	}
	if !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("%v does not match EPROTO", err)
	}
	if !strings.HasPrefix(err.Error(), "payload decode: ") {
		t.Fatalf("text %q", err.Error())
	}
	err = Payload(`{`).Decode(&v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("errors.As(*json.SyntaxError): %v", err)
	}
}

// Open's errors name the URI the caller gave (and for "" the one chosen).
func TestOpenErrorNamesURI(t *testing.T) {
	dir := t.TempDir()
	for _, uri := range []string{dir + "/plainpath", "local://" + dir + "/nosock", "foo://bar"} {
		_, err := Open(uri)
		if err == nil || !strings.HasPrefix(err.Error(), "open "+uri+": ") {
			t.Errorf("Open(%q): %v", uri, err)
		}
	}
	t.Setenv("FLUX_URI", "local://"+dir+"/fromenv")
	_, err := Open("")
	if err == nil || !strings.Contains(err.Error(), "local://"+dir+"/fromenv (from FLUX_URI)") {
		t.Errorf("Open(\"\") with FLUX_URI: %v", err)
	}
}
