package flux

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fluxgo/fluxgo/runtime/job"
)

// JobID identifies a job. It prints as f58 ("ƒ2Xz8KLo", or "f…" outside
// UTF-8 locales) like flux-core's tools; ParseJobID reads every encoding.
type JobID uint64

// JobIDAny matches any job (FLUX_JOBID_ANY), e.g. in WaitAny.
const JobIDAny = JobID(job.IDAny)

// ParseJobID parses a job id in any encoding flux-core prints: decimal,
// 0x hex, dothex, "job." KVS form, mnemonic words, f58 or emoji.
func ParseJobID(s string) (JobID, error) {
	id, err := job.IDParse(s)
	if err != nil {
		return 0, fmt.Errorf("parse job id %q: %w", s, err)
	}
	return JobID(id), nil
}

// String returns the f58 encoding.
func (id JobID) String() string {
	s, _ := job.IDEncode(uint64(id), job.EncodingF58)
	return s
}

// Encode returns the id in a named encoding: "dec", "hex", "kvs",
// "dothex", "words", "f58", "f58plain" or "emoji".
func (id JobID) Encode(encoding string) (string, error) {
	s, err := job.IDEncode(uint64(id), encoding)
	if err != nil {
		return "", fmt.Errorf("encode job id %d as %q: %w", uint64(id), encoding, err)
	}
	return s, nil
}

// Dec returns the decimal encoding.
func (id JobID) Dec() string { return id.must(job.EncodingDec) }

// Hex returns the 0x-prefixed hexadecimal encoding.
func (id JobID) Hex() string { return id.must(job.EncodingHex) }

// DotHex returns the dotted hexadecimal encoding ("0000.0000.0000.0000").
func (id JobID) DotHex() string { return id.must(job.EncodingDotHex) }

// KVS returns the job's KVS directory ("job.0000.0000.0000.0000").
func (id JobID) KVS() string { return id.must(job.EncodingKVS) }

// Words returns the mnemonic encoding.
func (id JobID) Words() string { return id.must(job.EncodingWords) }

// F58Plain returns the f58 encoding with the ASCII "f" prefix.
func (id JobID) F58Plain() string { return id.must(job.EncodingF58Plain) }

// Emoji returns the emoji encoding.
func (id JobID) Emoji() string { return id.must(job.EncodingEmoji) }

// must encodes with a known encoding.
func (id JobID) must(enc string) string {
	s, _ := job.IDEncode(uint64(id), enc)
	return s
}

// UnmarshalJSON reads an id given as a JSON integer (as flux-core's
// services send it, past 2^63 as a negative number) or as a string in any
// encoding.
func (id *JobID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := ParseJobID(s)
		if err != nil {
			return err
		}
		*id = v
		return nil
	}
	if u, err := strconv.ParseUint(string(b), 10, 64); err == nil {
		*id = JobID(u)
		return nil
	}
	i, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("job id %s: not an integer or string", b)
	}
	*id = JobID(uint64(i))
	return nil
}
