#!/usr/bin/env bash
# flux_job_compare.sh FLUX_CORE OURLIBDIR
#
# Runs flux-core's own `flux job` command (submit, wait-event, eventlog,
# status, kill, raise, wait, id, namespace, timeleft, info, attach) and
# `flux exec` in a full instance, once on flux-core's libflux-core and
# once on ours (through LD_LIBRARY_PATH), and fails unless both runs print
# the same thing. Job ids differ between runs, so only what does not
# depend on them is printed. flux-job and flux-exec carry their own copy
# of flux-core's generic watcher functions, which act on our library's
# watchers (see bindings/capi/watcher_compat.h); attach and exec, with
# their stdin, stdout and stderr watchers, exercise that (and flux exec's
# SIGINT forwarding, see bindings/capi/pollwait.go). Jobs to attach
# to are submitted with flux-core's (Python) flux submit. A command's
# stdout and stderr are kept apart (their interleaving varies).
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
prefix=$1 ourlib=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/cmds.sh" <<'SCRIPT'
set -u
J="env ${LIB:+LD_LIBRARY_PATH=$LIB} $FLUX_JOB"
cd "$WORK"
flux run --dry-run --setattr=system.cwd=/tmp sh -c 'echo out; exit 3' >fail.json
flux run --dry-run --setattr=system.cwd=/tmp sleep 300 >sleep.json
$J id --to=words 1234; $J id --to=f58 1234; $J id --to=dothex ƒuzzybunny
id=$($J submit --urgency=16 fail.json); echo "submit rc=$?"
$J wait-event "$id" clean >/dev/null; echo "wait-event rc=$?"
$J eventlog "$id" | awk '{print $2}' | tr '\n' ' '; echo
$J eventlog -p exec "$id" | awk '{print $2}' | tr '\n' ' '; echo
$J status "$id"; echo "status rc=$?"
id=$($J submit sleep.json)
$J wait-event -p exec "$id" shell.start >/dev/null
$J kill "$id"; echo "kill rc=$?"
$J status "$id"; echo "status after kill rc=$?"
id=$($J submit sleep.json)
$J wait-event -p exec "$id" shell.start >/dev/null
$J raise --type=test "$id"; echo "raise rc=$?"
$J status "$id"; echo "status after raise rc=$?"
id=$($J submit --flags=waitable fail.json)
$J wait "$id"; echo "wait rc=$?"
$J namespace "$id" | tr -d '0-9'
$J timeleft; echo "timeleft rc=$?"
$J info "$id" jobspec | head -c 40; echo
$J wait-event --timeout=0.2 "$id" nosuchevent 2>&1 | sed 's/ƒ[^:]*/ID/'; echo "wait-event timeout rc=${PIPESTATUS[0]}"
# split NAME CMD...: run CMD, then print its exit status and its stderr,
# sorted: flux job attach prints the job's stderr and its exit message as
# two independent streams arrive, in either order on either library.
split () {
    local name=$1 rc
    shift
    "$@" 2>"$WORK/stderr"; rc=$?
    echo "$name rc=$rc"; sort "$WORK/stderr" | sed 's/^/  stderr: /'
}
X="env ${LIB:+LD_LIBRARY_PATH=$LIB} $FLUX_EXEC"
id=$(flux submit sh -c 'echo out; echo err >&2; exit 3')
split attach $J attach "$id"
id=$(flux submit cat)
echo "to the job's stdin" | split "attach stdin" $J attach "$id"
id=$(flux submit --label-io -n1 echo labelled)
split "attach label" $J attach -l "$id"
split exec $X -r 0 echo hi
split "exec fail" $X -r all sh -c 'echo out; echo err >&2; exit 2'
echo "to the process's stdin" | split "exec stdin" $X -r 0 cat
split "exec label" $X -l -r 0 printf 'a\nb\n'
split "exec noent" $X -r 0 /nonexistent
# flux exec forwards SIGINT from a signal(2) handler that calls the library.
$X -r 0 sh -c 'echo started; exec sleep 30' >"$WORK/sig.out" 2>"$WORK/sig.err" & pid=$!
i=0; until grep -q started "$WORK/sig.out" || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
kill -INT $pid; wait $pid; echo "exec sigint rc=$?"; cat "$WORK/sig.out"; sort "$WORK/sig.err"
SCRIPT

for cmd in flux-job flux-exec; do
    LD_LIBRARY_PATH=$ourlib LD_DEBUG=libs "$prefix/libexec/flux/cmd/$cmd" --help >"$work/ld.log" 2>&1 || true
    grep -q "init: $ourlib/libflux-core.so.2" "$work/ld.log" ||
        { echo "not ok - $cmd does not load $ourlib/libflux-core.so.2"; exit 1; }
done
export FLUX_JOB=$prefix/libexec/flux/cmd/flux-job FLUX_EXEC=$prefix/libexec/flux/cmd/flux-exec WORK=$work
LIB= "$prefix/bin/flux" start bash "$work/cmds.sh" >"$work/flux-core.out" 2>&1 || true
LIB=$ourlib "$prefix/bin/flux" start bash "$work/cmds.sh" >"$work/fluxgo.out" 2>&1 || true
if diff -u "$work/flux-core.out" "$work/fluxgo.out"; then
    sed 's/^/# /' "$work/fluxgo.out"
    echo "ok - flux job and flux exec give the same results on both libraries"
else
    echo "not ok - flux job or flux exec differs on our library (diff above: - flux-core, + fluxgo)"
    exit 1
fi
