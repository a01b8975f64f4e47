#!/bin/sh
# tests/bench/variables.sh RECURSION INSTRUCTIONS: sl_stack_read_variables
# against gdb's `bt full` on the same 100-frame -O0 recursion, stopped at the
# same point (tests/bench/variables/recursion.c), in one run (make bench):
#
#   instructions per frame   read_variables_100 minus the capture alone
#                            (cfi_capture_O0_100), from the callgrind counts
#                            run.sh wrote to INSTRUCTIONS, per frame read;
#   one read                 in the process: the first read (cold: debug
#                            information loaded and indexed) and the best
#                            of 20 (warm: scopes cached per pc), against
#                            gdb's `bt full` alone, timed inside gdb;
#   a whole run              launch, read once, exit, against gdb -batch
#                            starting, running to the same point, bt full.
#
# Wall times, best of 5 runs.  Goal: stacklab at least 20x faster than gdb
# (the ratio gdb / stacklab at least 20) for the read and the whole run.
set -eu
prog=$1 instructions=$2
if ! command -v gdb >/dev/null 2>&1; then
    echo "bench variables: gdb not found, no baseline" >&2
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench-variables.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

gdb_bt_full() {
    gdb -nx -batch -ex 'set debuginfod enabled off' -ex 'break bottom' -ex run \
        -ex 'python import time; t0 = time.perf_counter()' -ex 'bt full' \
        -ex 'python print("bt-full-ns %d" % ((time.perf_counter() - t0) * 1e9))' \
        --args "$prog" gdb </dev/null 2>&1
}
min() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }'; }
now() { date +%s%N; }

# instructions per frame (the frames: the program's, as one read finds them)
"$prog" stacklab 1 > "$tmp/one"
frames=$(awk '{ print $6 }' "$tmp/one")
per_frame=$(awk -v f="$frames" '
    $1 == "read_variables_100" { r = $2 / $3 } $1 == "cfi_capture_O0_100" { c = $2 / $3 }
    END { if (r && c) printf "%.0f", (r - c) / f; else print "?" }' "$instructions" 2>/dev/null || echo "?")

cold=$(for i in 1 2 3 4 5; do "$prog" stacklab 20; done | awk '{ print $2 }' | min)
warm=$(for i in 1 2 3 4 5; do "$prog" stacklab 20; done | awk '{ print $4 }' | min)
gdb_cmd=$(for i in 1 2 3 4 5; do gdb_bt_full | sed -n 's/^bt-full-ns //p'; done | min)
gdb_bt_full > "$tmp/gdb.txt"
grep -q '^#101 .* down (n=100)' "$tmp/gdb.txt" ||
    { echo "bench variables: gdb did not stop 101 frames deep:" >&2; tail -5 "$tmp/gdb.txt" >&2; exit 1; }

whole_sl=$(for i in 1 2 3 4 5; do t0=$(now); "$prog" stacklab 1 >/dev/null; echo $(( $(now) - t0 )); done | min)
whole_gdb=$(for i in 1 2 3 4 5; do t0=$(now); gdb_bt_full >/dev/null; echo $(( $(now) - t0 )); done | min)

awk -v f="$frames" -v pf="$per_frame" -v cold="$cold" -v warm="$warm" -v g="$gdb_cmd" \
    -v ws="$whole_sl" -v wg="$whole_gdb" 'BEGIN {
    printf "%-52s %12s %12s %9s %6s\n", "case (" f " frames)", "stacklab", "gdb", "gdb / sl", "goal"
    printf "%-52s %12s\n", "instructions per frame (read minus capture)", pf
    printf "%-52s %9.0f us %9.0f us %8.1fx %6s\n", "one read, cold (first) vs bt full", cold / 1000, g / 1000, g / cold, ">=20"
    printf "%-52s %9.0f us %9.0f us %8.1fx %6s\n", "one read, warm (scopes cached) vs bt full", warm / 1000, g / 1000, g / warm, ">=20"
    printf "%-52s %9.0f us %9.0f us %8.1fx %6s\n", "whole run: launch, read, exit vs gdb -batch", ws / 1000, wg / 1000, wg / ws, ">=20"
}'
