#!/usr/bin/env bash
# run.sh FLUX_CORE LIBDIR
#
# Runs bindings_test.py, flux-core's Python bindings (installed by the build
# script for /usr/bin/python3) on our library in LIBDIR, inside one full
# flux-core instance (the broker keeps flux-core's library).
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
prefix=$1 libdir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
site=$(ls -d "$prefix"/lib/python3*/site-packages | head -1)
exec timeout 300 "$prefix/bin/flux" start env FLUXGO_LIBDIR="$libdir" LD_LIBRARY_PATH="$libdir" \
    PYTHONPATH="$site" /usr/bin/python3 "$here/bindings_test.py"
