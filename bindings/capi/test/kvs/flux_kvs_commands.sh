#!/bin/bash
# flux_kvs_commands.sh PREFIX
#
# Runs flux-core's `flux kvs` command through a fixed script of put, get,
# ls, dir, link, readlink, unlink, copy, move, watch, namespace, getroot
# and eventlog operations, with every key under PREFIX, printing what the
# commands print. `make kvs-commands` runs it in one full flux-core
# instance once with flux-core's library and once with ours (swapped in
# with LD_LIBRARY_PATH, the broker untouched) and compares the outputs.
p=${1:?usage: flux_kvs_commands.sh PREFIX}
run () { echo "\$ flux kvs $*"; flux kvs "$@" 2>&1; echo "[exit $?]"; }
run put $p.a=1 $p.b.c=hello $p.j='{"x":[1,2]}'
run get $p.a $p.b.c $p.j
run get --label $p.a
run put --raw $p.r=rawdata
run get --raw $p.r
run get --treeobj $p.a
run put --no-merge $p.nm=1
run put --sync $p.s=1
run ls $p
run ls -R $p
run ls -1F $p.b
run dir -R $p
run mkdir $p.emptydir
run ls -d $p.emptydir
run link $p.b.c $p.l
run readlink $p.l
run get $p.l
run put --append $p.app=x
run put --append $p.app=y
run get $p.app
run copy $p.b $p.bcopy
run get $p.bcopy.c
run move $p.bcopy $p.bmoved
run get $p.bmoved.c
run get $p.bcopy.c
run unlink -R $p.bmoved
run unlink $p.b
run unlink $p.nosuch
run get $p.nosuch
run get $p.b
run ls $p.a
run namespace create $p-ns
flux kvs namespace list | grep -c -- "^$p-ns "
run put --namespace=$p-ns k=v
run get --namespace=$p-ns k
run link --target-namespace=$p-ns k $p.nslink
run get $p.nslink
run readlink $p.nslink
run namespace remove $p-ns
flux kvs namespace list | grep -c -- "^$p-ns "
run get --namespace=$p-ns k
run getroot --owner
run version >/dev/null
run eventlog append $p.ev first '{"a":1}'
run eventlog append $p.ev second
flux kvs eventlog get $p.ev | sed 's/^[0-9.]* //'
run put $p.w=0
(for i in 1 2 3; do sleep 0.3; flux kvs put $p.w=$i; done) &
run get --watch --count=4 $p.w
wait
(sleep 0.3; flux kvs put $p.later=here) &
run get --waitcreate --watch --count=1 $p.later
wait
run get --stream $p.app
run get --watch --append --count=1 $p.app
