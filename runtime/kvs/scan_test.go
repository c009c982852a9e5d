package kvs

import (
	"encoding/json"
	"errors"
	"syscall"
	"testing"
)

// decodeLookupResponseSlow is the general decoder alone: what
// decodeLookupResponse must agree with.
func decodeLookupResponseSlow(p []byte) (*Tree, error) {
	var r struct {
		Val json.RawMessage `json:"val"`
	}
	if json.Unmarshal(p, &r) != nil || r.Val == nil {
		return nil, syscall.EPROTO
	}
	return DecodeTreeBytes(r.Val)
}

var lookupResponseSeeds = []string{
	`{"namespace":"primary","key":"a.b","val":{"data":"aGVsbG8=","type":"val","ver":1}}`,
	`{"val":{"ver":1,"type":"val","data":""}}`,
	` { "val" : { "data" : "eyJzZXEiOjQyfQ==" , "type" : "val" , "ver" : 1 } } `,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1},"val":{"data":"d29ybGQ=","type":"val","ver":1}}`,
	`{"Val":{"data":"aGVsbG8=","type":"val","ver":1}}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1},"VAL":{"data":"d29ybGQ=","type":"val","ver":1}}`,
	`{"val":{"data":"aGVs\u0062G8=","type":"val","ver":1}}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1.0}}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":10}}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1,"x":2}}`,
	`{"val":{"data":"aGVsbG8=","type":"val"}}`,
	`{"val":{"data":"aGVsbG8=","data":"aGVsbG8=","type":"val","ver":1}}`,
	`{"val":{"data":{"a":{"data":{"target":"b"},"type":"symlink","ver":1}},"type":"dir","ver":1}}`,
	`{"val":{"data":["sha1-c0a9faf907dda6216fd73bf81d0b3b21a1a8cb91"],"type":"valref","ver":1}}`,
	`{"x":[1,-2.5e+3,true,false,null,{"y":"\u00e9\n"}],"val":{"data":"","type":"val","ver":1}}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1}`,
	`{"val":{"data":"aGVsbG8=","type":"val","ver":1}} x`,
	`{"x":01,"val":{"data":"","type":"val","ver":1}}`,
	`{"x":"a` + "\x01" + `","val":{"data":"","type":"val","ver":1}}`,
	`{"x":"\xff","val":{"data":"","type":"val","ver":1}}`,
	`[{"val":{"data":"","type":"val","ver":1}}]`,
	`{"val":null}`,
	`{}`,
	``,
}

func treeText(t *Tree, err error) string {
	if err != nil {
		if errors.Is(err, syscall.EPROTO) {
			return "EPROTO"
		}
		return "error " + err.Error()
	}
	return t.Encode()
}

// TestDecodeLookupResponseAgrees pins the scanner's fast path to the
// general decoder on plain, odd and invalid responses.
func TestDecodeLookupResponseAgrees(t *testing.T) {
	fast := 0
	for _, s := range lookupResponseSeeds {
		got := treeText(decodeLookupResponse([]byte(s)))
		want := treeText(decodeLookupResponseSlow([]byte(s)))
		if got != want {
			t.Errorf("%s: got %s, want %s", s, got, want)
		}
		if raw, ok := scanLookupVal([]byte(s)); ok {
			if _, ok := scanValTree(raw); ok {
				fast++
			}
		}
	}
	if fast < 3 {
		t.Errorf("only %d of the plain responses took the fast path", fast)
	}
}

// TestDecodeLookupResponseAllocs: a plain val response costs the Tree
// and its string, nothing from encoding/json.
func TestDecodeLookupResponseAllocs(t *testing.T) {
	p := []byte(lookupResponseSeeds[0])
	n := testing.AllocsPerRun(100, func() {
		if _, err := decodeLookupResponse(p); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2 {
		t.Errorf("%v allocations per plain response, want at most 2", n)
	}
}

// FuzzDecodeLookupResponse checks the scanner against the general
// decoder on any input.
func FuzzDecodeLookupResponse(f *testing.F) {
	for _, s := range lookupResponseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := treeText(decodeLookupResponse([]byte(s)))
		want := treeText(decodeLookupResponseSlow([]byte(s)))
		if got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
