#!/bin/sh
# tests/bench/cli.sh STACKLAB: the command's speed against gdb, in one run
# (make bench).  Wall times, the best of 5 runs each, as ratios:
#   launch to written diagram (text, DOT, SVG rendered by Graphviz), a
#   recursion stopped at factorial:4, against
#   gdb -batch -ex 'break factorial' -ex run -ex 'continue 3' -ex 'bt full'
#   (goal: at most 0.2x gdb's time);
#   the 10,000th call of f (--at f:10000, 9,999 breakpoint hits stepped over),
#   against gdb stopping at the same hit (continue 9999; goal: at most 0.5x).
set -eu
S=$1
src=$(cd "$(dirname "$0")/../cli" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
gcc -g -O0 -o "$tmp/fact" "$src/fact.c"
gcc -g -O0 -o "$tmp/loop" "$src/loop.c"

# best CMD...: the best wall time of 5 runs, in ms.
best() {
    b=
    for i in 1 2 3 4 5; do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 </dev/null || true
        t=$(( ($(date +%s%N) - t0) / 1000 ))
        [ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
    done
    echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

if ! command -v gdb >/dev/null 2>&1; then
    echo "bench cli: gdb not found, no baseline" >&2
    exit 0
fi
printf '%-44s %10s %10s %7s %6s\n' "case" "stacklab" "gdb" "ratio" "goal"
gd=$(best gdb -nx -batch -ex 'break factorial' -ex run -ex 'continue 3' -ex 'bt full' \
     --args "$tmp/fact" 5)
for ext in txt dot svg; do
    sl=$(best "$S" snap --at factorial:4 -o "$tmp/fact.$ext" -- "$tmp/fact" 5)
    printf '%-44s %8d us %8d us %7s %6s\n' "launch to written .$ext, factorial:4" "$sl" "$gd" \
        "$(ratio "$sl" "$gd")" "0.2"
done
# Of the .svg's time, Graphviz's own: dot rendering the same DOT file.
if command -v dot >/dev/null 2>&1; then
    gv=$(best dot -Tsvg -o "$tmp/again.svg" "$tmp/fact.dot")
    printf '%-44s %8d us %8d us %7s %6s\n' "  of which Graphviz (dot -Tsvg alone)" "$gv" "$gd" \
        "$(ratio "$gv" "$gd")" ""
fi
sl=$(best "$S" snap --at f:10000 -o "$tmp/f.txt" -- "$tmp/loop" many)
gd=$(best gdb -nx -batch -ex 'break f' -ex run -ex 'continue 9999' -ex 'bt' \
     --args "$tmp/loop" many)
printf '%-44s %8d us %8d us %7s %6s\n' "10,000 hits: --at f:10000" "$sl" "$gd" \
    "$(ratio "$sl" "$gd")" "0.5"
