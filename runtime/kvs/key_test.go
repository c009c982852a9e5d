package kvs

import "testing"

func TestNormalizeKey(t *testing.T) {
	for _, c := range []struct {
		in, out string
		dir     bool
	}{
		{"a", "a", false},
		{"a.b.c", "a.b.c", false},
		{"a..b...c", "a.b.c", false},
		{".a", "a", false},
		{"a.", "a", true},
		{"..a..b..", "a.b", true},
		{".", ".", true},
		{"..", ".", true},
		{"...", ".", true},
		{"", "", false},
	} {
		out, dir := NormalizeKey(c.in)
		if out != c.out || dir != c.dir {
			t.Errorf("NormalizeKey(%q) = %q, %v; want %q, %v", c.in, out, dir, c.out, c.dir)
		}
	}
}

func TestDefaultNamespace(t *testing.T) {
	t.Setenv(NamespaceEnv, "")
	if ns := DefaultNamespace(); ns != "" {
		t.Fatalf("set but empty: %q", ns) // flux-core takes the variable as is
	}
	t.Setenv(NamespaceEnv, "other")
	if ns := orDefault(""); ns != "other" {
		t.Fatalf("orDefault = %q", ns)
	}
	if ns := orDefault("mine"); ns != "mine" {
		t.Fatalf("orDefault(mine) = %q", ns)
	}
}
