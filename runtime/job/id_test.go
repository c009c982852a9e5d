package job

import (
	"errors"
	"syscall"
	"testing"
)

func TestIDEncodeMatchesFluxCore(t *testing.T) {
	t.Setenv("LANG", "C")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_CTYPE", "")
	for _, c := range idEncodings {
		want := map[string]string{
			"dec": c.dec, "hex": c.hex, "kvs": c.kvs, "dothex": c.dothex, "words": c.words,
			"f58": c.f58, "f58plain": c.f58plain, "emoji": c.emoji, "": c.dec, "DotHex": c.dothex,
		}
		for enc, w := range want {
			got, err := IDEncode(c.id, enc)
			if err != nil || got != w {
				t.Errorf("IDEncode(%d, %q) = %q, %v; flux-core gives %q", c.id, enc, got, err, w)
			}
			back, err := IDParse(got)
			if err != nil || back != c.id {
				t.Errorf("IDParse(%q) = %d, %v; want %d", got, back, err, c.id)
			}
		}
		if got := F58Encode(c.id, true); got != c.f58utf8 {
			t.Errorf("F58Encode(%d, unicode) = %q, want %q", c.id, got, c.f58utf8)
		}
	}
}

func TestIDEncodeF58FollowsLocale(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_CTYPE", "")
	t.Setenv("LANG", "en_US.UTF-8")
	if s, _ := IDEncode(1, "f58"); s != "ƒ2" {
		t.Errorf("UTF-8 locale: %q", s)
	}
	t.Setenv("FLUX_F58_FORCE_ASCII", "1")
	if s, _ := IDEncode(1, "f58"); s != "f2" {
		t.Errorf("FLUX_F58_FORCE_ASCII: %q", s)
	}
}

func TestIDEncodeUnknownType(t *testing.T) {
	if _, err := IDEncode(1, "base64"); !errors.Is(err, syscall.EPROTO) {
		t.Fatalf("unknown encoding: %v, want EPROTO", err)
	}
}

func TestIDParseMatchesFluxCore(t *testing.T) {
	for _, c := range idParses {
		id, err := IDParse(c.in)
		if c.errno != 0 {
			if !errors.Is(err, syscall.Errno(c.errno)) {
				t.Errorf("IDParse(%q) = %d, %v; flux-core fails with errno %d", c.in, id, err, c.errno)
			}
			continue
		}
		if err != nil || id != c.id {
			t.Errorf("IDParse(%q) = %d, %v; flux-core gives %d", c.in, id, err, c.id)
		}
	}
}

func FuzzIDRoundTrip(f *testing.F) {
	f.Add(uint64(0))
	f.Add(^uint64(0))
	f.Fuzz(func(t *testing.T, id uint64) {
		for _, enc := range []string{"dec", "hex", "kvs", "dothex", "words", "f58", "f58plain", "emoji"} {
			s, err := IDEncode(id, enc)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := IDParse(s); err != nil || back != id {
				t.Fatalf("%s %q -> %d, %v", enc, s, back, err)
			}
		}
	})
}
