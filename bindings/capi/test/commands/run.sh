#!/usr/bin/env bash
# run.sh FLUX_CORE LIBDIR OUTDIR
#
# flux-core's own commands on our library: starts one full flux-core
# instance (FLUX_CORE/bin/flux start) and, inside it, runs each command
# below twice, once with LD_LIBRARY_PATH=LIBDIR (our libflux-core.so.2)
# and once with flux-core's library, then compares what they print
# (stdout, stderr and exit status) after masking what differs from run to
# run: times, durations, uuids, pids. Prints one TAP line per command and
# exits non-zero if any output differs. Outputs are kept in OUTDIR.
set -uo pipefail
[ $# -eq 3 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
prefix=$1 libdir=$(cd "$2" && pwd) out=$3
flux=$prefix/bin/flux
mkdir -p "$out" && out=$(cd "$out" && pwd)

if [ "${FLUXGO_COMMANDS_INNER:-}" != 1 ]; then
    [ -x "$flux" ] || { echo "commands: no flux at $flux" >&2; exit 2; }
    [ -e "$libdir/libflux-core.so.2" ] || { echo "commands: no $libdir/libflux-core.so.2" >&2; exit 2; }
    FLUXGO_COMMANDS_INNER=1 timeout 300 "$flux" start "$0" "$@" 2>"$out/broker.log"
    exit $?
fi

# with LIB CMD...: run CMD on "ours" or "theirs" (flux-core's) library.
with () {
    local lib=$1
    shift
    if [ "$lib" = ours ]; then
        env LD_LIBRARY_PATH="$libdir" "$@"
    else
        env -u LD_LIBRARY_PATH "$@"
    fi
}

# mask: blank out what differs between two runs of the same command.
mask () {
    sed -E \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<TIME>/g' \
        -e 's/[A-Z][a-z]{2} [0-9]{2} [0-9:.]+ [A-Z]+ [0-9]{4}/<TIME>/g' \
        -e 's/^ ?[0-9]{2}:[0-9]{2}:[0-9]{2} /<TIME> /' \
        -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<UUID>/g' \
        -e 's/\(([0-9a-f]{8}!)*[0-9a-f]{8}\)/(<ROUTE>)/g' \
        -e 's/time=[0-9.]+ ms/time=<T> ms/g' \
        -e 's/[0-9]+(\.[0-9]+)?(ms|s|m|h|d)\b/<DUR>/g'
}

# Each case is "NAME|COMMAND", run with `sh -c` under each library, with
# FLUX (the flux command), OUT (OUTDIR) and LIBNAME (ours or theirs) set.
# Ring-buffer and attribute output is limited to what a run does not
# change (the first dmesg lines; lsattr without the pid and ring use).
cases=(
    "getattr|\$FLUX getattr rank; \$FLUX getattr size; \$FLUX getattr hostlist"
    "getattr-unknown|\$FLUX getattr nosuch"
    "setattr|\$FLUX setattr log-stderr-level 6 && \$FLUX getattr log-stderr-level"
    "setattr-immutable|\$FLUX setattr rank 3"
    "lsattr|\$FLUX lsattr -v | grep -v -e '^broker.pid ' -e '^log-ring-used '"
    "dmesg|\$FLUX dmesg | head -12"
    "logger|\$FLUX logger --severity=warning fluxgo-commands-\$LIBNAME && \$FLUX dmesg | grep fluxgo-commands-\$LIBNAME | sed s/-\$LIBNAME//"
    "event|\$FLUX event sub --count=1 fluxgo.test.\$LIBNAME > \$OUT/event-sub.\$LIBNAME & pid=\$!; i=0; while kill -0 \$pid 2>/dev/null && [ \$i -lt 100 ]; do \$FLUX event pub fluxgo.test.\$LIBNAME '{\"n\":1}'; sleep 0.1; i=\$((i+1)); done; wait \$pid; sed s/\$LIBNAME/LIB/ \$OUT/event-sub.\$LIBNAME"
    "ping-rank|\$FLUX ping --count=3 --interval=0.01 0"
    "ping-service|\$FLUX ping --count=3 --interval=0.01 kvs"
    "ping-unknown|\$FLUX ping --count=1 nosuch"
    "module-list|\$FLUX module list | awk '{ if (NR > 1) { \$2 = \"-\"; \$4 = \"-\"; \$5 = \"-\" } print }' | sort"
    "uptime|\$FLUX uptime"
)

n=0 bad=0
for c in "${cases[@]}"; do
    name=${c%%|*} cmd=${c#*|}
    n=$((n + 1))
    for lib in ours theirs; do
        with $lib env FLUX="$flux" OUT="$out" LIBNAME=$lib sh -c "$cmd" >"$out/$name.$lib.raw" 2>&1
        echo "exit $?" >>"$out/$name.$lib.raw"
        mask <"$out/$name.$lib.raw" >"$out/$name.$lib"
    done
    if diff -u "$out/$name.theirs" "$out/$name.ours" >"$out/$name.diff"; then
        echo "ok $n - flux $name prints the same on both libraries ($(grep -c '' "$out/$name.ours") lines)"
    else
        echo "not ok $n - flux $name differs (diff: $out/$name.diff)"
        sed 's/^/#   /' "$out/$name.diff" | head -20
        bad=$((bad + 1))
    fi
done
# The client must really have loaded our library (the dynamic linker
# says which file it initialized).
maps=$(with ours sh -c 'LD_DEBUG=libs '"$flux"' getattr rank 2>&1 >/dev/null' | grep -m1 'calling init: .*libflux-core.so.2' | sed 's/.*calling init: //')
n=$((n + 1))
case "$maps" in
"$libdir"/*) echo "ok $n - the commands ran on $maps" ;;
*) echo "not ok $n - the commands did not load $libdir/libflux-core.so.2 (${maps:-unknown})"; bad=$((bad + 1)) ;;
esac
echo "1..$n"
echo "# commands: $((n - bad)) of $n passed"
[ $bad -eq 0 ]
