package flux

import fluxrt "github.com/fluxgo/fluxgo/runtime"

// Version is fluxgo's own version.
const Version = fluxrt.Version

// CoreVersion is the flux-core release whose client library fluxgo
// implements and speaks the protocol of ("0.88.0"), what
// flux_core_version_string returns in the C library.
const CoreVersion = "0.88.0"
