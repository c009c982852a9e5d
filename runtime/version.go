package runtime

// Version is fluxgo's own release: the version of this implementation, as
// opposed to CoreVersionString, the flux-core release it is a drop-in for.
const Version = "0.1.0"

// The flux-core release whose client library fluxgo implements
// (flux_core_version(3)); the C header's FLUX_CORE_VERSION_* macros carry
// the same numbers.
const (
	CoreVersionMajor = 0
	CoreVersionMinor = 88
	CoreVersionPatch = 0
)

// CoreVersionString returns the flux-core version fluxgo is compatible
// with, "0.88.0" (flux_core_version_string).
func CoreVersionString() string { return "0.88.0" }

// CoreVersion returns the compatible flux-core version's major, minor and
// patch numbers, and all three in one number, one byte each
// (flux_core_version).
func CoreVersion() (major, minor, patch, hex int) {
	return CoreVersionMajor, CoreVersionMinor, CoreVersionPatch,
		CoreVersionMajor<<16 | CoreVersionMinor<<8 | CoreVersionPatch
}
