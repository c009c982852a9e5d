package runtime

import (
	"fmt"
	"testing"
)

func TestCoreVersion(t *testing.T) {
	major, minor, patch, hex := CoreVersion()
	if got := fmt.Sprintf("%d.%d.%d", major, minor, patch); got != CoreVersionString() {
		t.Fatalf("CoreVersion %s, CoreVersionString %s", got, CoreVersionString())
	}
	if hex != 0x005800 {
		t.Fatalf("hex %#x, want 0x005800 (0.88.0)", hex)
	}
	if Version == "" || Version == CoreVersionString() {
		t.Fatalf("fluxgo's Version %q must be its own", Version)
	}
}
