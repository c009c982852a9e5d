package runtime

// Constants that the handle layer needs but that are not yet in the
// generated spec. They mirror flux-core 0.88's handle.h / message.h values
// and should move into the spec (and zz_generated_constants.go).

// Options understood only by the loop connector (plain strings in
// flux-core, no FLUX_OPT_ macro).
const (
	OptMessageCountLimit = "flux::message_count_limit"
	OptAttrRedirect      = "flux::attr_redirect"
)

// MatchtagNone is FLUX_MATCHTAG_NONE, the tag that is never allocated.
const MatchtagNone = 0

// DefaultURI is the URI Open uses when it is given none and FLUX_URI is not
// set (flux-core's compiled-in local://${runstatedir}/flux/local).
const DefaultURI = "local:///run/flux/local"
