package flux

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fluxgo/fluxgo/internal/fluxtest"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
)

// TestConfigRealBroker reads the configuration of a flux-core instance
// started on a TOML configuration directory of two files.
func TestConfigRealBroker(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.toml": "[tbl]\nx = 1\nname = \"first\"\n[when]\nat = 2024-01-02T03:04:05Z\n",
		"b.toml": "[tbl]\nname = \"second\"\nratio = 0.5\nlist = [\"p\", \"q\"]\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := fluxtest.Start(t, fluxtest.Options{ConfigPath: dir})
	h, err := Open(in.URI)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var cfg struct {
		Tbl struct {
			X     int      `json:"x"`
			Name  string   `json:"name"`
			Ratio float64  `json:"ratio"`
			List  []string `json:"list"`
		} `json:"tbl"`
		When struct {
			At struct {
				TS string `json:"iso-8601-ts"`
			} `json:"at"`
		} `json:"when"`
	}
	if err := h.DecodeConfig(ctx, &cfg); err != nil {
		t.Fatalf("DecodeConfig: %v", err)
	}
	if cfg.Tbl.X != 1 || cfg.Tbl.Name != "second" || cfg.Tbl.Ratio != 0.5 || len(cfg.Tbl.List) != 2 || cfg.Tbl.List[1] != "q" {
		t.Errorf("tbl = %+v; want the two files merged, b.toml's name winning", cfg.Tbl)
	}
	if cfg.When.At.TS != "2024-01-02T03:04:05Z" {
		t.Errorf("when.at = %q; want flux-core's iso-8601-ts form", cfg.When.At.TS)
	}
	c1, err := h.Config(ctx)
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	c2, err := h.Config(ctx)
	if err != nil || c2 != c1 {
		t.Errorf("Config again = %p, %v; want the cached %p", c2, err, c1)
	}
	c3, err := h.RefreshConfig(ctx)
	if err != nil || c3 == c1 || c3.JSON() != c1.JSON() {
		t.Errorf("RefreshConfig = %v, %v; want a new, equal configuration", c3, err)
	}

	// The same directory parsed by the library gives what the broker has.
	local, err := fluxrtParseConf(dir)
	if err != nil {
		t.Fatalf("ParseConf: %v", err)
	}
	if local != c1.JSON() {
		t.Errorf("ParseConf = %s; broker has %s", local, c1.JSON())
	}
}

// fluxrtParseConf parses dir with the runtime, as flux_conf_parse does.
func fluxrtParseConf(dir string) (string, error) {
	c, err := fluxrt.ParseConf(dir)
	if err != nil {
		return "", err
	}
	defer c.Decref()
	return c.JSON()
}
