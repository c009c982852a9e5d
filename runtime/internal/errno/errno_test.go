package errno

import (
	"errors"
	"syscall"
	"testing"
)

func TestErrorMatchesErrnoAndText(t *testing.T) {
	err := Errorf(syscall.ENOENT, "kvs lookup %s: missing", "a.b")
	if !errors.Is(err, syscall.ENOENT) || Of(err) != syscall.ENOENT {
		t.Fatalf("%v does not carry ENOENT", err)
	}
	if Text(err) != "kvs lookup a.b: missing" {
		t.Fatalf("Text = %q", Text(err))
	}
	if Of(errors.New("plain")) != syscall.EIO || Of(nil) != 0 {
		t.Fatal("Of: EIO for errors without an errno, 0 for nil")
	}
	if e := FromUnix(syscall.EAGAIN); Of(e) != syscall.EAGAIN {
		t.Fatalf("FromUnix(EAGAIN) = %v", e)
	}
}

// Str reads the installed table, says "Unknown error N" for values it
// lacks, and falls back to Go's descriptions before one is installed.
func TestStrTable(t *testing.T) {
	old := texts.Load()
	t.Cleanup(func() { texts.Store(old) })
	texts.Store(nil)
	if got := Str(syscall.EINVAL); got != syscall.EINVAL.Error() {
		t.Fatalf("without a table: %q", got)
	}
	SetTexts(map[syscall.Errno]string{syscall.EINVAL: "Invalid argument"})
	if got := New(syscall.EINVAL).Error(); got != "Invalid argument" {
		t.Fatalf("with a table: %q", got)
	}
	if got := Str(syscall.Errno(4000)); got != "Unknown error 4000" {
		t.Fatalf("missing value: %q", got)
	}
}
