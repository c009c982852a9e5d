package flux_test

import (
	"os"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// TestMain stops the shared flux-core instances the job tests start.
func TestMain(m *testing.M) { os.Exit(fluxtest.Main(m)) }
