package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/sys/unix"
)

// ParseConf reads a configuration (flux_conf_parse): a directory is every
// *.toml file in it, in name order, merged one after the other (tables
// present in several files are merged key by key); a file is TOML, or
// JSON when its name ends in ".json". Errors carry flux-core's texts:
// "stat: PATH: ...", "PATH: ..." for an unreadable directory, and
// "FILE:LINE: ..." for a file that does not parse.
func ParseConf(path string) (*Conf, error) {
	st, err := os.Stat(path)
	if err != nil {
		e := ErrnoOf(err)
		return nil, Errorf(e, "stat: %s: %s", path, StrError(e))
	}
	c := NewConf()
	if st.IsDir() {
		err = c.updateDir(path)
	} else {
		err = c.updateFile(path)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// updateDir merges every *.toml file of dir into c.
func (c *Conf) updateDir(dir string) error {
	if err := unix.Access(dir, unix.R_OK|unix.X_OK); err != nil {
		e := ErrnoOf(err)
		return Errorf(e, "%s: %s", dir, StrError(e))
	}
	pattern := dir + "/*.toml"
	if len(pattern) >= 4096 {
		return Errorf(syscall.EOVERFLOW, "%s: %s", dir, StrError(syscall.EOVERFLOW))
	}
	files, err := filepath.Glob(pattern)
	if err != nil {
		return Errorf(syscall.EINVAL, "%s: %s", pattern, "Unknown glob error")
	}
	for _, f := range files {
		if err := c.updateTOMLFile(f); err != nil {
			return err
		}
	}
	return nil
}

// updateFile merges one file (JSON when named *.json, else TOML) into c.
func (c *Conf) updateFile(path string) error {
	if filepath.Ext(path) == ".json" {
		return c.updateJSONFile(path)
	}
	return c.updateTOMLFile(path)
}

// readConfFile reads a file, failing as flux-core's parsers do when it
// cannot be opened.
func readConfFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		e := ErrnoOf(err)
		return nil, Errorf(e, "%s: %s", path, StrError(e))
	}
	return data, nil
}

func (c *Conf) updateTOMLFile(path string) error {
	data, err := readConfFile(path)
	if err != nil {
		return err
	}
	obj, err := tomlToObject(data)
	if err != nil {
		var te *tomlError
		if errors.As(err, &te) {
			if te.line < 0 {
				return Errorf(syscall.EINVAL, "%s: %s", path, te.text)
			}
			return Errorf(syscall.EINVAL, "%s:%d: %s", path, te.line, te.text)
		}
		e := ErrnoOf(err)
		return Errorf(e, "%s: converting TOML to JSON: %s", path, StrError(e))
	}
	c.merge(obj)
	return nil
}

func (c *Conf) updateJSONFile(path string) error {
	data, err := readConfFile(path)
	if err != nil {
		return err
	}
	v, err := confDecodeJSON(data)
	if err != nil {
		je := err.(*confJSONError)
		return Errorf(syscall.EINVAL, "%s:%d: %s", path, je.line, je.text)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Errorf(syscall.EINVAL, "%s: JSON must be an object", path)
	}
	c.merge(obj)
	return nil
}

// merge merges obj into c's object.
func (c *Conf) merge(obj map[string]any) {
	c.mu.Lock()
	confMerge(c.obj, obj)
	c.mu.Unlock()
}

// Update changes c with value (flux_conf_update): text containing a
// newline is inline TOML, or inline JSON when it starts with '{' after
// blanks; text starting with '{' is inline JSON; KEY=VAL sets the dotted
// path KEY to VAL read as JSON, or as a string when it is not JSON;
// anything else is a file to merge, as ParseConf reads one.
func (c *Conf) Update(value string) error {
	if c == nil {
		return ErrnoError(syscall.EINVAL)
	}
	switch {
	case strings.Contains(value, "\n"):
		if strings.HasPrefix(strings.TrimLeft(value, " \t\n\r"), "{") {
			return c.updateInlineJSON(value)
		}
		obj, err := tomlToObject([]byte(value))
		if err != nil {
			var te *tomlError
			if errors.As(err, &te) {
				if te.line < 0 {
					return Errorf(syscall.EINVAL, "%s", te.text)
				}
				return Errorf(syscall.EINVAL, "line %d: %s", te.line, te.text)
			}
			e := ErrnoOf(err)
			return Errorf(e, "converting inline TOML to JSON: %s", StrError(e))
		}
		c.merge(obj)
		return nil
	case strings.HasPrefix(value, "{"):
		return c.updateInlineJSON(value)
	case strings.Contains(value, "="):
		return c.updateKeyval(value)
	}
	return c.updateFile(value)
}

func (c *Conf) updateInlineJSON(s string) error {
	v, err := confDecodeJSON([]byte(s))
	if err != nil {
		return Errorf(syscall.EINVAL, "inline JSON: %v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Errorf(syscall.EINVAL, "merging inline JSON: internal error")
	}
	c.merge(obj)
	return nil
}

func (c *Conf) updateKeyval(s string) error {
	key, val, _ := strings.Cut(s, "=")
	if key == "" {
		return Errorf(syscall.EINVAL, "value must have a key in KEY=VAL")
	}
	v, err := confDecodeJSON([]byte(val))
	if err != nil {
		v = val
	}
	c.mu.Lock()
	err = confSetPath(c.obj, key, v)
	c.mu.Unlock()
	if err != nil {
		e := ErrnoOf(err)
		return Errorf(e, "setting %s: %s", key, StrError(e))
	}
	return nil
}

// tomlError is a TOML syntax error; line is -1 when unknown.
type tomlError struct {
	line int
	text string
}

func (e *tomlError) Error() string { return e.text }

// tomlToObject parses TOML into a configuration object.
func tomlToObject(data []byte) (map[string]any, error) {
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		text := strings.TrimPrefix(err.Error(), "toml: ")
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ := de.Position()
			return nil, &tomlError{line: line, text: text}
		}
		return nil, &tomlError{line: -1, text: text}
	}
	if m == nil {
		m = map[string]any{}
	}
	v, err := tomlValue(m)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// tomlValue converts a decoded TOML value to the configuration's JSON
// form. Datetimes with a date and a time of day become
// {"iso-8601-ts": "YYYY-MM-DDTHH:MM:SSZ"} from the fields as written (an
// offset is not applied), as flux-core converts them; a date or a time of
// day alone is EINVAL.
func tomlValue(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			y, err := tomlValue(x)
			if err != nil {
				return nil, err
			}
			t[k] = y
		}
		return t, nil
	case []any:
		for i, x := range t {
			y, err := tomlValue(x)
			if err != nil {
				return nil, err
			}
			t[i] = y
		}
		return t, nil
	case time.Time:
		return isoTimestamp(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()), nil
	case toml.LocalDateTime:
		return isoTimestamp(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second), nil
	case toml.LocalDate, toml.LocalTime:
		return nil, ErrnoError(syscall.EINVAL)
	case int64, float64, string, bool:
		return t, nil
	}
	return nil, ErrnoError(syscall.EINVAL)
}

// isoTimestamp is flux-core's JSON form of a TOML datetime.
func isoTimestamp(y, mo, d, h, mi, s int) map[string]any {
	return map[string]any{"iso-8601-ts": fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s)}
}
