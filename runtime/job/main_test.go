package job

import (
	"os"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// TestMain stops the shared flux-core instance the job tests use.
func TestMain(m *testing.M) { os.Exit(fluxtest.Main(m)) }
