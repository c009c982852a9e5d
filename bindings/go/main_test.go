package flux

import (
	"os"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// TestMain stops the real flux-core instances tests share (fluxtest.Shared).
func TestMain(m *testing.M) { os.Exit(fluxtest.Main(m)) }
