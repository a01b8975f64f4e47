#!/bin/sh
# oracle_gdb.sh FIXTURE COMPILER: stacklab's walkers against gdb (and the
# CFI walk against eu-stack), frame by frame, on tests/oracle/'s fixture
# built by COMPILER.
#
# For every scenario, gdb runs the
# fixture, stops where it captures its stack, and tests/oracle/compare.py
# compares gdb's `info frame` of each frame with what stacklab recorded at
# the same stop: CFA, return-address slot, saved-register slots, function,
# file:line and canary slot; and eu-stack's frames in a core file gdb writes
# at the same stop: pc, exact or return address, function and file:line.
# Any disagreement that compare.py does not excuse by name fails the suite.
# The last two lines give the agreement figures.
set -u
here=$(dirname "$0")
scenarios="framed nofp regs regs_nofp protected stale_canary asm asm_no_cfi raise async altstack thread"
if ! command -v gdb >/dev/null 2>&1; then
    echo "oracle: gdb not found (make deps installs it)" >&2
    exit 1
fi
if ! gdb -nx -batch -ex 'python import os, re' >/dev/null 2>&1; then
    echo "oracle: this gdb runs no Python, which tests/oracle/compare.py is written in" \
         "(Debian's gdb package has it; make deps installs it)" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-oracle.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

fixture=$1 cc=${2:-cc}
failed=0 runs=0
for s in $scenarios; do
    runs=$((runs + 1))
    ORACLE_OUT="$work/$s.txt" ORACLE_NAME="$s/$cc" \
        timeout 60 gdb -batch -nx -x "$here/oracle/compare.py" \
        --args "$fixture" "$s" "$work/$s.txt" >"$work/log" 2>&1
    grep '^oracle:' "$work/log" > "$work/result" || true
    if [ "$(grep -c ': frames [0-9]*, values compared' "$work/result")" -ne 2 ] ||
       grep -q '^oracle: FAIL' "$work/result" ||
       grep ': frames [0-9]*, values compared' "$work/result" | grep -qv ' failed 0;'; then
        failed=$((failed + 1))
        grep -q . "$work/result" || { echo "oracle: FAIL $s/$cc: no result; gdb said:"; cat "$work/log"; }
    fi
    grep -v ': frames [0-9]*, values compared' "$work/result"
    cat "$work/result" >> "$work/all"
done
for oracle in gdb eu-stack; do
    awk -v oracle="$oracle" -v runs="$runs" -v cc="$cc" '
        $3 == oracle ":" && / frames [0-9]+, values compared/ {
            for (i = 1; i <= NF; i++) {
                if ($i == "frames") f += $(i + 1);
                if ($i == "compared") c += $(i + 1);
                if ($i == "agree") a += $(i + 1);
                if ($i == "excused") e += $(i + 1);
                if ($i == "failed") x += $(i + 1);
                if ($i == "out") t += $(i + 1);
            }
        }
        END {
            printf "oracle (%s, %s): %d runs, %d frames, %d values compared: %d agree, " \
                   "%d excused by name, %d disagree", oracle, cc, runs, f, c, a, e, x
            if (oracle == "gdb")
                printf "; %d tail-call frames of gdb left out", t
            printf "\n"
        }' "$work/all"
done
[ "$failed" -eq 0 ] || echo "oracle ($cc): $failed of $runs runs failed"
[ "$failed" -eq 0 ]
