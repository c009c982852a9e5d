package job

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
)

// TestIDEncodeMatchesFluxJobID cross-checks every encoding with
// flux-core's own `flux job id --to=ENC` command (skipped without
// flux-core), and parsing with `flux job id` reading each encoding back.
func TestIDEncodeMatchesFluxJobID(t *testing.T) {
	flux := filepath.Join(fluxtest.Prefix(t), "bin", "flux")
	var ids []string
	for _, c := range idEncodings {
		ids = append(ids, strconv.FormatUint(c.id, 10))
	}
	for _, enc := range []string{"dec", "hex", "kvs", "dothex", "words", "f58", "f58plain", "emoji"} {
		cmd := exec.Command(flux, append([]string{"job", "id", "--to=" + enc}, ids...)...)
		cmd.Env = []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("flux job id --to=%s: %v", enc, err)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) != len(ids) {
			t.Fatalf("--to=%s printed %d lines for %d ids", enc, len(lines), len(ids))
		}
		for i, c := range idEncodings {
			want := lines[i]
			got, _ := IDEncode(c.id, enc)
			if enc == "f58" {
				got = F58Encode(c.id, true)
			}
			if got != want {
				t.Errorf("%d as %s: we write %q, flux job id %q", c.id, enc, got, want)
			}
			if back, err := IDParse(want); err != nil || back != c.id {
				t.Errorf("IDParse(%q) = %d, %v", want, back, err)
			}
		}
	}
}
