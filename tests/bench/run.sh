#!/bin/sh
# run.sh BENCH: every case under callgrind (instructions, counted only inside
# bench_measured), then the table with nanoseconds added.  Without valgrind
# the table has nanoseconds only.
set -eu
bench=$1
out=$(dirname "$bench")/instructions.txt
if ! command -v valgrind >/dev/null 2>&1; then
    echo "bench: valgrind not found; nanoseconds only" >&2
    exec "$bench"
fi
: > "$out"
"$bench" --list | while read -r name iterations; do
    cg=$(dirname "$bench")/callgrind.$name
    valgrind --tool=callgrind --callgrind-out-file="$cg" --collect-atstart=no \
        --toggle-collect=bench_measured "$bench" --case "$name" -n "$iterations" \
        >/dev/null 2>&1 || { echo "bench: case $name failed under callgrind" >&2; exit 1; }
    total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$cg" | head -1)
    echo "$name ${total:-0} $iterations" >> "$out"
done
exec "$bench" --instructions "$out"
