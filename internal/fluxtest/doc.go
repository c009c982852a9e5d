// Package fluxtest gives tests a real flux-core to run against.
//
// Tests of anything flux-core's own modules serve (the KVS, jobs) and of
// wire compatibility with a real broker run against flux-core itself, not
// against the stand-in broker. This package finds a flux-core installation
// and starts instances of it:
//
//	in := fluxtest.Start(t, fluxtest.Options{Full: true})   // KVS, jobs
//	h, err := flux.Open(in.URI)
//
// # Finding flux-core
//
// Prefix looks at $FLUX_CORE (an installation prefix, as the build script
// ../shared/tools/build-flux-core makes), then at the `flux` command on
// $PATH. Without either, a test that needs flux-core is skipped with one
// line saying how to get it, unless FLUXGO_REQUIRE_FLUX_CORE=1 (set by CI),
// which turns the skip into a failure so a run can never pass by skipping.
//
// # Instances
//
// Start runs `flux start` with an initial program that reports the
// instance's URI and run directory and then waits for its standard input to
// close; stopping the instance closes it, and the brokers shut down as
// `flux start` does when its program exits. Options pick the size
// (`--test-size`) and whether the rc scripts run (Full: the KVS and job
// modules are loaded; otherwise the brokers start in about a second with
// the broker's own services only).
//
// Shared returns one instance per Options for the whole test binary; call
// Main from TestMain so shared instances are stopped when the tests end.
package fluxtest
