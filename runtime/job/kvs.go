package job

import "os"

// KVSKey returns the KVS key of a job's directory, or of key within it
// when key is not nil: "job.<dothex id>[.key]" (flux_job_kvs_key).
func KVSKey(id ID, key *string) string {
	s := "job." + dothexEncode(id)
	if key != nil {
		s += "." + *key
	}
	return s
}

// KVSGuestKey returns the key of key in a job's guest namespace as seen
// from here (flux_job_kvs_guest_key): inside the job (FLUX_KVS_NAMESPACE
// set) key itself, or "." for the whole namespace when key is nil;
// outside it, "job.<dothex id>.guest[.key]".
func KVSGuestKey(id ID, key *string) string {
	_, inJob := os.LookupEnv("FLUX_KVS_NAMESPACE")
	return KVSGuestKeyIn(id, key, inJob)
}

// KVSGuestKeyIn is KVSGuestKey with the caller saying whether
// FLUX_KVS_NAMESPACE is set (the C library reads the C environment).
func KVSGuestKeyIn(id ID, key *string, inJob bool) string {
	if inJob {
		if key == nil {
			return "."
		}
		return *key
	}
	guest := "guest"
	if key != nil {
		guest += "." + *key
	}
	return KVSKey(id, &guest)
}

// KVSNamespace returns the name of a job's guest KVS namespace,
// "job-<decimal id>" (flux_job_kvs_namespace).
func KVSNamespace(id ID) string { return "job-" + formatUint(id, 10, "") }
