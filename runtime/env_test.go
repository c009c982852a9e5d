package runtime

import (
	"syscall"
	"testing"
)

func TestSetEnvLookupRedirectsOpen(t *testing.T) {
	t.Setenv("FLUX_URI", "nosuch://x")
	SetEnvLookup(func(key string) (string, bool) {
		if key == "FLUX_URI" {
			return "loop://", true
		}
		return "", false
	})
	h, err := Open(nil, 0)
	SetEnvLookup(nil)
	if err != nil {
		t.Fatalf("Open(nil) with a replaced lookup: %v", err)
	}
	h.Close()
	// Restored: the process environment is read again.
	_, err = Open(nil, 0)
	if ErrnoOf(err) != syscall.ENOENT || ErrorText(err) != "Unable to find connector name 'nosuch'" {
		t.Fatalf("after restoring the lookup, Open(nil) = %v", err)
	}
}
