// Package job is fluxgo's job client library, the counterpart of
// flux-core's libjob (job.h and jobspec1.h), built on the public API of
// package runtime. Each exported function does what one flux-core
// function does, with plain arguments, so the C library can export it in
// a few lines and the Go binding can wrap it idiomatically; functions that
// send a request return the *runtime.Future of the RPC, so the
// flux_future_* calls work on it.
//
// # Job ids
//
// A job id (ID, flux_jobid_t) is a 64-bit FLUID. IDParse accepts every
// encoding flux-core prints and IDEncode writes them: decimal, 0x hex,
// "kvs" (job.0000.0000.0000.0000), dothex, mnemonic words, f58 (base58
// after "ƒ", or "f" in non-UTF-8 locales and as f58plain) and emoji. On
// the wire ids are JSON integers packed as signed 64-bit values.
//
// # Services and payloads
//
//	job-ingest.submit        {"J": s, "urgency": i, "flags": i}        -> {"id": I}
//	job-manager.wait         {"id": I}                                 -> {"id": I, "success": b, "errstr": s}
//	job-manager.raise        {"id": I, "type": s, "severity": i[, "note": s]} -> {}
//	job-manager.kill         {"id": I, "signum": i}                    -> {}
//	job-manager.urgency      {"id": I, "urgency": i}                   -> {"old_urgency": i}
//	job-list.list            {"max_entries": i[, "since": f], "attrs": [s...], "constraint": {...}} -> {"jobs": [{...}...]}
//	job-list.list-id         {"id": I, "attrs": [s...]}                -> {"job": {...}}
//	job-info.eventlog-watch  {"id": I, "path": s, "flags": i}          -> stream of {"event": s}, ended by ENODATA
//	job-info.eventlog-watch-cancel {"matchtag": i}                     (no response)
//	resource.status          (no payload)                              -> {"R": {"execution": {"expiration": f}}, ...}
//
// Eventlog entries (RFC 18) are one JSON object per line: {"timestamp": f,
// "name": s[, "context": {...}]}. The main eventlog goes from "submit"
// through "validate", "depend", "priority", "alloc", "start", "finish"
// ({"status": waitstatus}), "release", "free" to "clean"; an "exception"
// ({"type", "severity", "note"}) can come at any point. The exec eventlog
// (guest.exec.eventlog) has "init", "starting", "shell.init",
// "shell.start", "complete", "done". The output eventlog (guest.output)
// starts with "header" and has one "data" entry per chunk of output:
// {"stream": "stdout"|"stderr", "rank": s, "data": s[, "eof": true]}.
//
// # Signing
//
// Without flux-security, flux-core wraps the jobspec in J with the "none"
// mechanism (SignNone), which job-ingest accepts from the instance owner
// only. Submit does the same, and for a caller who is not the owner fails
// at once with EPERM and ErrGuestNoneSigning instead of sending a request
// that must be refused; a J signed elsewhere is passed through with
// FlagPreSigned.
//
// # Jobspec
//
// Jobspec is flux_jobspec1_t: JobspecFromCommand builds flux-core's
// minimal jobspec, the setters edit its attributes, Check and AttrCheck
// validate it with flux-core's texts, and Encode writes it with jansson's
// formatting (keys in insertion order), byte for byte what flux-core
// writes.
package job
