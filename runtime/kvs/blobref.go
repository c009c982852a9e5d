package kvs

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"syscall"

	"github.com/fluxgo/fluxgo/runtime"
)

// blobHashes are the content-store hash types a blobref may name, with
// their digest sizes in bytes.
var blobHashes = []struct {
	name string
	size int
	new  func() hash.Hash
}{
	{"sha1", sha1.Size, sha1.New},
	{"sha256", sha256.Size, sha256.New},
}

// hashIndex returns the index in blobHashes of the hash type s names,
// either exactly ("sha1") or as the prefix of a blobref ("sha1-…"); -1
// when none.
func hashIndex(s string) int {
	for i, h := range blobHashes {
		if s == h.name || len(s) > len(h.name) && s[len(h.name)] == '-' && strings.HasPrefix(s, h.name) {
			return i
		}
	}
	return -1
}

// ValidateBlobref checks that s is "<hash>-<digest>" for a known hash
// type with a digest of its size in lowercase hex; anything else is
// EINVAL.
func ValidateBlobref(s string) error {
	i := hashIndex(s)
	if i < 0 || len(s) <= len(blobHashes[i].name) {
		return runtime.ErrnoError(syscall.EINVAL)
	}
	digest := s[len(blobHashes[i].name)+1:]
	if len(digest) != 2*blobHashes[i].size {
		return runtime.ErrnoError(syscall.EINVAL)
	}
	for j := 0; j < len(digest); j++ {
		c := digest[j]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return runtime.ErrnoError(syscall.EINVAL)
		}
	}
	return nil
}

// HashBlobref returns the blobref of data under hash type hashType
// ("sha1" or "sha256", the broker's content.hash attribute); an unknown
// type is EINVAL.
func HashBlobref(hashType string, data []byte) (string, error) {
	i := hashIndex(hashType)
	if i < 0 {
		return "", runtime.ErrnoError(syscall.EINVAL)
	}
	h := blobHashes[i].new()
	h.Write(data)
	return blobHashes[i].name + "-" + hex.EncodeToString(h.Sum(nil)), nil
}
