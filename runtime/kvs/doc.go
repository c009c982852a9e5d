// Package kvs is the client side of the Flux key-value store, the Go
// counterpart of flux-core's libkvs: RFC 11 tree objects, transactions
// and commits, lookups (one-shot or streaming watches served by the
// kvs-watch module), root snapshots, directory objects, copy and move,
// and namespaces. It is built on package runtime's public API only: every
// call that talks to the KVS sends an RPC and returns its *runtime.Future,
// so a C caller can use flux_future_* on it, and a Get function decodes
// the response, one Go call for each function of flux-core's kvs.h,
// kvs_lookup.h, kvs_txn.h, kvs_commit.h, kvs_getroot.h, kvs_dir.h and
// kvs_copy.h. An empty namespace argument means DefaultNamespace
// ($FLUX_KVS_NAMESPACE, else "primary"), where flux-core takes NULL.
//
// Tree objects (RFC 11), encoded as compact JSON with sorted keys:
//
//	{"data":"<base64>","type":"val","ver":1}
//	{"data":["sha1-<hex>",…],"type":"valref","ver":1}
//	{"data":{"<name>":<treeobj>,…},"type":"dir","ver":1}
//	{"data":["sha1-<hex>",…],"type":"dirref","ver":1}
//	{"data":{"namespace":"<ns>","target":"<key>"},"type":"symlink","ver":1}
//
// (a symlink's namespace is optional; blobrefs may also be sha256-<hex>.)
//
// Requests and responses (JSON payloads, NUL-terminated):
//
//	kvs.commit             {"namespace":s,"flags":i,"ops":[{"key":s,"flags":i,"dirent":treeobj|null},…]}
//	                       → {"rootref":s,"rootseq":i}
//	kvs.lookup             {"key":s,"namespace":s,"flags":i}
//	                       or {"key":s,"flags":i,"rootdir":treeobj} (lookupat)
//	                       → {"val":treeobj}
//	kvs-watch.lookup       as kvs.lookup; a streaming RPC with Watch or
//	                       Stream: one {"val":treeobj} per change (with
//	                       WatchInitialSentinel an empty response after the
//	                       first), ended by an error response, ENODATA after
//	                       a cancel
//	kvs-watch.cancel       {"matchtag":i} (no response)
//	kvs.getroot            {"namespace":s,"flags":0}
//	                       → {"rootref":s,"rootseq":i,"owner":i,"flags":i}
//	kvs.wait-version       {"rootseq":i,"namespace":s} → {"rootseq":i,"rootref":s}
//	kvs.namespace-create   {"namespace":s,"rootref":s,"owner":i,"flags":i} → {}
//	kvs.namespace-remove   {"namespace":s} → {}
//	kvs.namespace-list     (no payload) → {"namespaces":[{"namespace":s,"owner":i,"flags":i},…]}
//
// flux-core's functions and their Go calls (C's output pointers are
// results; a NULL namespace is ""):
//
//	flux_kvs_lookup, _lookupat            Lookup, LookupAt
//	flux_kvs_lookup_get, _get_raw         LookupGet, LookupGetRaw
//	flux_kvs_lookup_get_unpack            LookupGetRaw (then jansson), LookupGetJSON
//	flux_kvs_lookup_get_treeobj, _dir     LookupGetTreeObj, LookupGetDir
//	flux_kvs_lookup_get_symlink, _key     LookupGetSymlink, LookupGetKey
//	flux_kvs_lookup_cancel                LookupCancel
//	flux_kvs_txn_create, _clear, _is_empty NewTxn, Txn.Clear, Txn.IsEmpty
//	flux_kvs_txn_put, _put_raw, _pack     Txn.Put, Txn.PutRaw, Txn.PutRaw of the packed text
//	flux_kvs_txn_put_treeobj, _mkdir      Txn.PutTreeObj, Txn.Mkdir
//	flux_kvs_txn_unlink, _symlink         Txn.Unlink, Txn.Symlink
//	flux_kvs_commit, _get_treeobj         Commit, CommitGetTreeObj
//	flux_kvs_commit_get_rootref, _sequence CommitGetRootref, CommitGetSequence
//	flux_kvs_getroot, _get_*              Getroot, GetrootGetTreeObj/Blobref/Sequence/Owner
//	flux_kvs_copy, flux_kvs_move          Copy, Move
//	flux_kvs_namespace_create, _with      NamespaceCreate, NamespaceCreateWith
//	flux_kvs_namespace_remove             NamespaceRemove
//	flux_kvs_get_version, _wait_version   GetVersion, WaitVersion
//	flux_kvsdir_create, _copy             NewDir, Dir.Copy
//	flux_kvsdir_get_size, _exists         Dir.Size, Dir.Exists
//	flux_kvsdir_isdir, _issymlink         Dir.IsDir, Dir.IsSymlink
//	flux_kvsdir_key, _handle, _rootref    Dir.Key, Dir.Handle, Dir.Rootref
//	flux_kvsdir_key_at                    Dir.KeyAt
//	flux_kvsitr_create, _next, _rewind    NewItr, Itr.Next, Itr.Rewind
//
// Reference counts (flux_kvsdir_incref, the _destroy functions) are the C
// layer's; Go values are collected.
//
// Errors are *runtime.Error values carrying the errno a C caller sees
// (EINVAL for bad arguments, EPROTO for a malformed response, the
// service's errno and text otherwise).
package kvs
