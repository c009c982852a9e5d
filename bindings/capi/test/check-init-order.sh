#!/usr/bin/env bash
# check-init-order.sh LIB
#
# loadwait.c's constructor waits for the Go runtime, so it must run after
# the Go runtime's own start-up entry in LIB's .init_array. This resolves
# the array's entries to symbol names and checks that order (TAP output).
set -euo pipefail
lib=${1:?usage: check-init-order.sh LIB}
read -r addr size < <(readelf -SW "$lib" | awk '$2 == ".init_array" { print $4, $6 }')
[ -n "${addr:-}" ] || { echo "not ok 1 - $lib has no .init_array"; exit 1; }
start=$((16#$addr)) end=$((16#$addr + 16#$size))
# Entries are R_X86_64_RELATIVE (or R_AARCH64_RELATIVE) relocations whose
# addend is the function's address.
targets=()
while read -r off _ type addend; do
    case $type in *_RELATIVE) ;; *) continue ;; esac
    o=$((16#$off))
    [ "$o" -ge "$start" ] && [ "$o" -lt "$end" ] && targets[$(( (o - start) / 8 ))]=$addend
done < <(readelf -rW "$lib" | awk 'NF >= 4 && $1 ~ /^[0-9a-f]+$/ { print $1, $2, $3, $4 }')
declare -A names
while read -r a _ n; do names[$((16#$a))]=$n; done < <(nm "$lib" | awk '$2 ~ /^[tT]$/')
go_at=-1 wait_at=-1 i=0
for t in "${targets[@]}"; do
    n=${names[$((16#$t))]:-?}
    case $n in
        _rt0_*_lib) go_at=$i ;;
        fluxgo_loadwait) wait_at=$i ;;
    esac
    i=$((i + 1))
done
echo "1..1"
if [ "$go_at" -ge 0 ] && [ "$wait_at" -gt "$go_at" ]; then
    echo "ok 1 - fluxgo_loadwait (init_array entry $wait_at) runs after the Go runtime's start-up (entry $go_at)"
else
    echo "not ok 1 - init_array order: Go runtime at $go_at, fluxgo_loadwait at $wait_at (-1: not found)"
    exit 1
fi
