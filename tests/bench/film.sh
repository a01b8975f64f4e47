#!/bin/sh
# tests/bench/film.sh: `stacklab film`'s line steps per second, against gdb
# stepping the same lines in the same run (run by `make bench`).
#
#   sh tests/bench/film.sh BUILD/stacklab BUILD/tests/bench/film/recursion
#
# Both start the program, stop at main and take 1000 line steps through a
# small -O0 recursion (tests/bench/film/recursion.c): the film captures,
# symbolizes and records the stack at each; gdb only steps (`step 999`, with
# the C library's debug information kept out, so both step over it).  Wall
# time, best of three runs each; the goal is at least 200 steps a second.
# Then the page's size, and how soon headless Chromium shows its last step.
set -eu
stacklab=$1
subject=$2
steps=1000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench-film.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s%N; }
best() {    # best NAME COMMAND...: the fastest of three runs, in ns
    b=0
    for run in 1 2 3; do
        t0=$(now)
        "$@" >/dev/null 2>&1 </dev/null || { echo "bench film: $1 failed" >&2; exit 1; }
        t=$(( $(now) - t0 ))
        if [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    echo "$b"
}

film=$(best "$stacklab" film --max-steps "$steps" -o "$tmp/film.html" -- "$subject")
gdb=$(best gdb -batch -nx -iex 'set debug-file-directory /nonexistent' \
      -iex 'set debuginfod enabled off' -ex 'break main' -ex run -ex "step $((steps - 1))" "$subject")
size=$(wc -c <"$tmp/film.html")
# How long the browser takes to show the page's last step (the page records
# the milliseconds from navigation to its first step drawn).
ready=""
if command -v chromium >/dev/null 2>&1; then
    ready=$(chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
            --dump-dom "file://$tmp/film.html#step=$steps" 2>/dev/null |
            sed -n 's/.*data-ready-ms="\([0-9]*\)".*/\1/p' | head -1)
fi
awk -v f="$film" -v g="$gdb" -v n="$steps" -v size="$size" 'BEGIN {
    printf "film: %d line steps in %.2f s (%.0f steps/s; goal >= 200), page %.0f KiB\n", n, f / 1e9, n / (f / 1e9), size / 1024
    printf "gdb:  %d line steps in %.2f s (%.0f steps/s)\n", n, g / 1e9, n / (g / 1e9)
    printf "film / gdb time: %.2fx\n", f / g
}'
[ -n "$ready" ] && echo "page: step $steps shown in Chromium $ready ms after navigation (goal < 2000)"
exit 0
