#!/usr/bin/env bash
# run.sh FLUX_CORE INCDIR LIBDIR OUTDIR [LIB/TEST ...]
#
# Conformance: compiles flux-core's own unit tests that use only the public
# API (from the source tree the build script leaves at FLUX_CORE/src/flux-core)
# against our header (INCDIR) and library (LIBDIR), runs each, and prints one
# TAP summary line per test and a total. flux-core's test helpers (libtap,
# libtestutil, the internal utility archive) are built in flux-core's tree
# and linked statically; they call only public libflux-core functions, which
# come from our library. Nothing built here is part of fluxgo.
#
# Without LIB/TEST arguments it runs the default list below. Exits non-zero
# if any test fails to build, fails a point, or dies.
set -uo pipefail
[ $# -ge 4 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
prefix=$1 incdir=$2 libdir=$3 out=$4
shift 4
src=$prefix/src/flux-core
mkdir -p "$out"
incdir=$(cd "$incdir" && pwd) libdir=$(cd "$libdir" && pwd) out=$(cd "$out" && pwd)
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
    # libflux: every test but module, conf, message, msg_deque (plugin: below)
    # (they reach into flux-core's private headers).
    for t in attr composite_future disconnect dispatch event fdconnector future handle \
        interthread log msg_handler msglist reactor reactor_loop request response rpc \
        rpc_chained rpc_security rpcscale sync version; do
        tests+=("libflux/$t")
    done
    # libjob: job.h and jobspec1.h (375 points).
    tests+=(libjob/job libjob/jobspec1)
    # libkvs: its public-API tests.
    for t in kvs kvs_commit kvs_copy kvs_getroot kvs_lookup; do
        tests+=("libkvs/$t")
    done
    # libflux/plugin: plugin.h, with its two test plugins (built below).
    tests+=(libflux/plugin)
fi

[ -d "$src/src/common" ] || { echo "conformance: no flux-core source tree at $src" >&2; exit 2; }
make -s -C "$src/src/common/libtap" libtap.la >/dev/null 2>&1 &&
    make -s -C "$src/src/common/libtestutil" libtestutil.la >/dev/null 2>&1 ||
    { echo "conformance: cannot build flux-core's test helpers in $src" >&2; exit 2; }

# flux-core's option parser (rpcscale uses it), without its core.h or
# libflux-core beside it: the tests' only run path besides LIBDIR is
# OUTDIR/lib.
mkdir -p "$out/include/flux" "$out/lib"
ln -sf "$prefix/include/flux/optparse.h" "$out/include/flux/optparse.h"
ln -sf "$prefix/lib/libflux-optparse.so.1" "$out/lib/libflux-optparse.so.1"

# libflux/plugin loads test/.libs/plugin_{foo,bar}.so (relative to its
# working directory, OUTDIR): flux-core's test plugins, built here from its
# tree without linking a libflux-core, so they use the test's.
for t in "${tests[@]}"; do
    [ "$t" = libflux/plugin ] || continue
    mkdir -p "$out/test/.libs"
    for p in foo bar; do
        cc -w -fPIC -shared -I"$incdir" -I"$src" -I"$src/config" -o "$out/test/.libs/plugin_$p.so" \
            "$src/src/common/libflux/test/plugin_$p.c" ||
            { echo "conformance: cannot build flux-core's test plugin plugin_$p" >&2; exit 2; }
    done
done

total=0 passed=0 bad=()
for t in "${tests[@]}"; do
    name=${t//\//-}
    exe=$out/$name
    if ! cc -w -I"$incdir" -I"$out/include" -I"$src" -I"$src/config" -I"$src/src/common/libccan" \
        -I"$src/src/common/libtap" -I"$src/src/common/libev" \
        -I"$src/src/common/libflux" -o "$exe" "$src/src/common/${t%%/*}/test/${t#*/}.c" \
        "$src/src/common/libtestutil/.libs/libtestutil.a" "$src/src/common/.libs/libflux-internal.a" \
        "$src/src/common/libtap/.libs/libtap.a" "$out/lib/libflux-optparse.so.1" \
        -L"$libdir" -Wl,-rpath,"$libdir" -Wl,-rpath,"$out/lib" -lflux-core \
        -luuid -ljansson -lpthread -lm -lzmq >"$exe.build.log" 2>&1; then
        echo "not ok - $t: does not build ($(grep -m1 -o 'error: .*\|undefined reference to .*' "$exe.build.log"))"
        bad+=("$t")
        continue
    fi
    if ! ldd "$exe" | grep -c "libflux-core.so.2 => $libdir/" >/dev/null; then
        echo "not ok - $t: does not load libflux-core from $libdir"
        bad+=("$t")
        continue
    fi
    (cd "$out" && timeout 120 "$exe") >"$exe.log" 2>&1
    rc=$?
    plan=$(grep -m1 -o '^1\.\.[0-9]*' "$exe.log" | cut -c4-)
    okn=$(grep -c '^ok ' "$exe.log")
    notok=$(grep -c '^not ok ' "$exe.log")
    total=$((total + ${plan:-0})) passed=$((passed + okn))
    if [ $rc -ne 0 ] || [ "$notok" -ne 0 ] || [ -z "$plan" ] || [ "$okn" -ne "$plan" ]; then
        echo "not ok - $t: $okn of ${plan:-?} passed, exit $rc (log: $exe.log)"
        bad+=("$t")
    else
        echo "ok - $t: $okn of $plan"
    fi
done
echo "# conformance: ${#tests[@]} files, $passed of $total points passed; failing: ${bad[*]:-none}"
[ ${#bad[@]} -eq 0 ]
