// Package msgtest gives tests access to the interop captures: recordings of
// real flux-core 0.88 traffic between flux-core clients and a flux-core
// broker. The project keeps its own copy in testdata/captures beside this
// file (testdata/README.md gives the record format), so tests need nothing
// outside the module.
package msgtest

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Record kinds, as written by the capture tool.
const (
	KindAuth  = "auth"  // the server's one-byte handshake
	KindFrame = "frame" // one whole framed message, header included
	KindEOF   = "eof"   // that direction was closed
	KindShort = "short" // the stream ended inside a frame
)

// Record is one line of a capture file.
type Record struct {
	File string // base name of the capture file
	Line int    // 1-based line number in that file
	Conn int    // connection number within the file
	Seq  int    // record counter within the file
	Dir  string // "c2s" or "s2c"
	Kind string // one of the Kind constants
	Data []byte // the recorded bytes (for a frame: header and body)
}

// String names the record for test messages.
func (r Record) String() string {
	return fmt.Sprintf("%s:%d (conn %d seq %d %s %s)", r.File, r.Line, r.Conn, r.Seq, r.Dir, r.Kind)
}

// ModuleRoot walks up from the working directory to the first directory
// holding a go.mod file.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found in the working directory or any parent")
		}
		dir = parent
	}
}

// CaptureDir returns the directory of the capture files, testdata/captures
// of this package, found from the module root.
func CaptureDir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "runtime", "msg", "msgtest", "testdata", "captures")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("capture directory %s not found", dir)
	}
	return dir, nil
}

// rawRecord mirrors one JSON line.
type rawRecord struct {
	Conn int    `json:"conn"`
	Seq  int    `json:"seq"`
	Dir  string `json:"dir"`
	Kind string `json:"kind"`
	Hex  string `json:"hex"`
}

// LoadFile reads one capture file.
func LoadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rr rawRecord
		if err := json.Unmarshal(sc.Bytes(), &rr); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		data, err := hex.DecodeString(rr.Hex)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: hex: %v", path, line, err)
		}
		out = append(out, Record{
			File: filepath.Base(path), Line: line,
			Conn: rr.Conn, Seq: rr.Seq, Dir: rr.Dir, Kind: rr.Kind, Data: data,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}

// LoadDir reads every *.jsonl file of dir, in name order.
func LoadDir(dir string) ([]Record, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.jsonl capture files in %s", dir)
	}
	sort.Strings(files)
	var all []Record
	for _, f := range files {
		recs, err := LoadFile(f)
		if err != nil {
			return nil, err
		}
		all = append(all, recs...)
	}
	return all, nil
}

// Captures returns every record of every capture file, failing tb with an
// explanation when the captures cannot be found or read.
func Captures(tb testing.TB) []Record {
	tb.Helper()
	dir, err := CaptureDir()
	if err != nil {
		tb.Fatalf("interop captures not found: %v", err)
	}
	recs, err := LoadDir(dir)
	if err != nil {
		tb.Fatalf("reading interop captures: %v", err)
	}
	return recs
}

// Frames returns the frame records of every capture file (header included
// in Data), failing tb as Captures does.
func Frames(tb testing.TB) []Record {
	tb.Helper()
	var out []Record
	for _, r := range Captures(tb) {
		if r.Kind == KindFrame {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("interop captures contain no frame records")
	}
	return out
}

// Find returns the record of file with the given seq, failing tb when
// there is none.
func Find(tb testing.TB, recs []Record, file string, seq int) Record {
	tb.Helper()
	for _, r := range recs {
		if r.File == file && r.Seq == seq {
			return r
		}
	}
	tb.Fatalf("no record seq %d in %s", seq, file)
	return Record{}
}
