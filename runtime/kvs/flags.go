package kvs

// Lookup flags (flux-core's enum kvs_op), for Lookup and LookupAt.
const (
	// Readdir asks for a directory (flux_kvs_lookup_get_dir).
	Readdir = 1
	// Readlink asks for a symlink's target instead of following it.
	Readlink = 2
	// Watch streams the value each time it changes (kvs-watch).
	Watch = 4
	// WaitCreate waits for the key to exist instead of failing ENOENT.
	WaitCreate = 8
	// TreeObj returns the RFC 11 tree object instead of the value.
	TreeObj = 16
	// Append marks a put as an append (transactions only).
	Append = 32
	// WatchFull responds when the key's tree object changes, even if its
	// value does not (with Watch).
	WatchFull = 64
	// WatchUniq responds only when the value differs from the last one
	// sent (with Watch).
	WatchUniq = 128
	// WatchAppend sends only what was appended since the last response
	// (with Watch).
	WatchAppend = 256
	// Stream returns a value too large for one response in several,
	// ended by ENODATA (kvs-watch).
	Stream = 512
	// WatchInitialSentinel sends an empty response after the initial
	// value (with Watch).
	WatchInitialSentinel = 1024
)

// Commit flags (flux-core's enum kvs_commit_flags), for Commit.
const (
	// NoMerge keeps the commit from being merged with others.
	NoMerge = 1
	// TxnCompact combines a transaction's appends to one key before
	// sending it.
	TxnCompact = 2
	// Sync flushes the content store and checkpoints after the commit.
	Sync = 4
)

// PrimaryNamespace is the KVS's default namespace.
const PrimaryNamespace = "primary"

// watchFlags are the flags only meaningful with Watch.
const watchFlags = WatchFull | WatchUniq | WatchAppend | WatchInitialSentinel
