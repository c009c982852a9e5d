package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeConfFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func confJSON(t *testing.T, c *Conf) string {
	t.Helper()
	s, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseConfDir(t *testing.T) {
	dir := writeConfFiles(t, map[string]string{
		"1.toml":   "[t]\na = 1\nf = 2.0\n[t.sub]\nk = \"one\"\n",
		"2.toml":   "[t]\nb = true\n[t.sub]\nk = \"two\"\nl = [1, 2]\n",
		"skip.txt": "not toml =",
	})
	c, err := ParseConf(dir)
	if err != nil {
		t.Fatalf("ParseConf: %v", err)
	}
	want := `{"t":{"a":1,"b":true,"f":2.0,"sub":{"k":"two","l":[1,2]}}}`
	if got := confJSON(t, c); got != want {
		t.Errorf("merged = %s\nwant     %s", got, want)
	}
	var v struct {
		T struct {
			A   int
			Sub struct{ K string }
		}
	}
	if err := c.Decode(&v); err != nil || v.T.A != 1 || v.T.Sub.K != "two" {
		t.Errorf("Decode = %+v, %v", v, err)
	}
}

func TestParseConfErrors(t *testing.T) {
	if _, err := ParseConf("/nonexistent"); !errors.Is(err, syscall.ENOENT) ||
		ErrorText(err) != "stat: /nonexistent: No such file or directory" {
		t.Errorf("missing path: %v", err)
	}
	dir := writeConfFiles(t, map[string]string{"a.toml": "x = 1\n\n[t\n"})
	_, err := ParseConf(dir)
	if prefix := filepath.Join(dir, "a.toml") + ":3: "; !errors.Is(err, syscall.EINVAL) || !strings.HasPrefix(ErrorText(err), prefix) {
		t.Errorf("bad TOML: %v; want EINVAL and prefix %q", err, prefix)
	}
	dir = writeConfFiles(t, map[string]string{"d.toml": "d = 2024-01-02\n"})
	if _, err := ParseConf(dir); !errors.Is(err, syscall.EINVAL) || !strings.HasSuffix(ErrorText(err), "converting TOML to JSON: Invalid argument") {
		t.Errorf("a date alone: %v", err)
	}
	dir = writeConfFiles(t, map[string]string{"a.json": "[1]", "b.json": "{\n\n  \"x\": ,\n}"})
	if _, err := ParseConf(filepath.Join(dir, "a.json")); ErrorText(err) != filepath.Join(dir, "a.json")+": JSON must be an object" {
		t.Errorf("JSON array: %v", err)
	}
	if _, err := ParseConf(filepath.Join(dir, "b.json")); !strings.HasPrefix(ErrorText(err), filepath.Join(dir, "b.json")+":3: ") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestConfUpdate(t *testing.T) {
	c := NewConf()
	defer c.Decref()
	steps := []struct {
		value, want string
	}{
		{"a.b=1", `{"a":{"b":1}}`},
		{"a.c=text here", `{"a":{"b":1,"c":"text here"}}`},
		{"r=1.5e3", `{"a":{"b":1,"c":"text here"},"r":1500.0}`},
		{`{"a": {"d": [true, null]}}`, `{"a":{"b":1,"c":"text here","d":[true,null]},"r":1500.0}`},
		{"r = \"x\"\n[a]\nb = 2\n", `{"a":{"b":2,"c":"text here","d":[true,null]},"r":"x"}`},
	}
	for _, s := range steps {
		if err := c.Update(s.value); err != nil {
			t.Fatalf("Update %q: %v", s.value, err)
		}
		if got := confJSON(t, c); got != s.want {
			t.Fatalf("after %q: %s\nwant %s", s.value, got, s.want)
		}
	}
	for _, bad := range []struct{ value, text string }{
		{"=1", "value must have a key in KEY=VAL"},
		{"a.b.c=1", "setting a.b.c: Cannot allocate memory"},
		{".x=1", "setting .x: Invalid argument"},
		{"/nonexistent", "/nonexistent: No such file or directory"},
	} {
		if err := c.Update(bad.value); ErrorText(err) != bad.text {
			t.Errorf("Update %q: %v; want %q", bad.value, err, bad.text)
		}
	}
	if err := c.Update("x = \n"); !strings.HasPrefix(ErrorText(err), "line 1: ") {
		t.Errorf("bad inline TOML: %v", err)
	}
}

func TestConfCopyAndRefs(t *testing.T) {
	c, err := ConfFromJSON(`{"n": 3, "o": {"s": "v"}}`)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := c.Copy()
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Update("o.s=w"); err != nil {
		t.Fatal(err)
	}
	if confJSON(t, c) != `{"n":3,"o":{"s":"v"}}` || confJSON(t, cp) != `{"n":3,"o":{"s":"w"}}` {
		t.Errorf("copy not independent: %s / %s", confJSON(t, c), confJSON(t, cp))
	}
	destroyed := 0
	c.OnDestroy(func() { destroyed++ })
	c.Incref()
	c.Decref()
	if destroyed != 0 {
		t.Fatal("destroyed while referenced")
	}
	c.Decref()
	if destroyed != 1 {
		t.Fatalf("destroy hooks ran %d times, want 1", destroyed)
	}
	if _, err := ConfFromJSON(`[1]`); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ConfFromJSON of an array: %v", err)
	}
}
