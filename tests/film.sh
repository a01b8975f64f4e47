#!/bin/sh
# tests/film.sh: `stacklab film` without a browser (run by `make check`;
# tests/film_browser.sh looks at the page in Chromium).
#
#   sh tests/film.sh BUILD/stacklab BUILD/demos/film/factorial BUILD/demos/film/prologue
#
# Checks, with gdb and objdump as oracles where one exists:
#   - factorial 4, -O0: the film's steps (line and frames, from --list) are
#     the stops of gdb's `step` from main; the program's output and exit
#     status pass through; the page is written whole and refers to nothing
#     outside itself;
#   - --instructions sl_asm_framed: one step per instruction objdump lists
#     in it (each runs once), with rsp going down 8 at the push;
#   - --function factorial: only factorial's lines, then the return to main;
#   - --max-steps cuts the film and the page says so;
#   - a crash: the last step says SIGSEGV, the status is 139, as the program's;
#   - heap boxes: the list of demos/film/pointers.c, node by node and linked,
#     each object stored once over 1000 steps; two --stable films identical;
#   - errors: no program, a program not found (127), an unwritable -o (125,
#     before the program runs: its output never appears), an unknown function.
# Prints one line per failed check, then "N passed, N failed"; exits 1 on any
# failure.

set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 BUILD/stacklab BUILD/demos/film/factorial BUILD/demos/film/prologue" >&2
    exit 2
fi
stacklab=$1
factorial=$2
prologue=$3
. "$(dirname "$0")/film_gdb.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-film.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() {   # check WHAT EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}

# ---- line steps, against gdb -------------------------------------------------------
"$stacklab" film --list "$tmp/steps" -o "$tmp/f.html" -- "$factorial" 4 >"$tmp/out" 2>"$tmp/err"
check "exit status" 0 $?
check "the program's output" "factorial(4) = 24" "$(cat "$tmp/out")"
check "stderr" "" "$(cat "$tmp/err")"
n=$(wc -l <"$tmp/steps")
if command -v gdb >/dev/null 2>&1; then
    gdb_steps "$n" "$factorial" 4 >"$tmp/gdb"
    if cmp -s "$tmp/gdb" "$tmp/steps"; then
        ok
    else
        bad "line steps differ from gdb's (< gdb, > film):"
        diff "$tmp/gdb" "$tmp/steps" | head -10
    fi
else
    echo "film: gdb not installed; the line steps are not compared (make deps installs it)"
fi
# factorial(4): four frames deep at the deepest step.
check "deepest stack" "main > factorial > factorial > factorial > factorial" \
    "$(awk '{ $1 = $2 = ""; sub(/^  /, ""); print NF, $0 }' "$tmp/steps" | sort -n | tail -1 | cut -d' ' -f2-)"
tail -c 20 "$tmp/f.html" | grep -q '</html>' && ok || bad "the page does not end with </html>"
grep -Eq '(src|href)="(https?:)?//|@import|url\(' "$tmp/f.html" && bad "the page refers outside itself" || ok
ls "$tmp" | grep -q '^f.html\.' && bad "a temporary file was left beside the page" || ok

# ---- instruction steps, against objdump -------------------------------------------------
"$stacklab" film --instructions sl_asm_framed --list "$tmp/isteps" -o "$tmp/p.html" \
    -- "$prologue" >"$tmp/out" 2>&1
check "exit status (prologue)" 0 $?
insns=$(objdump -d --no-show-raw-insn "$prologue" |
        awk '/^[0-9a-f]+ <sl_asm_framed>:/ { on = 1; next } on && /^$/ { exit }
             on && /:\t/ && !/\tnop/ { n++ } END { print n }')     # nops: alignment after it
steps=$(awk '$NF == "sl_asm_framed"' "$tmp/isteps" | wc -l)
check "one step per instruction of sl_asm_framed" "$insns" "$steps"
grep -q '"insn":"push' "$tmp/p.html" && ok || bad "no step shows the push"

# ---- --function ------------------------------------------------------------------------
"$stacklab" film --function factorial --list "$tmp/fsteps" -o "$tmp/fn.html" -- "$factorial" 3 \
    >/dev/null 2>&1
check "exit status (--function)" 0 $?
check "--function: steps outside factorial" "1" "$(awk '$NF != "factorial"' "$tmp/fsteps" | wc -l)"
check "--function: the last step is back in main" "main" "$(tail -1 "$tmp/fsteps" | awk '{ print $NF }')"
grep -q '"ret":\[\["factorial","6"\]\]' "$tmp/fn.html" && ok || bad "factorial(3)'s return of 6 is not in the film"

# ---- --max-steps ---------------------------------------------------------------------------
"$stacklab" film --max-steps 3 --list "$tmp/csteps" -o "$tmp/c.html" -- "$factorial" 4 >"$tmp/out" 2>&1
check "exit status (cut)" 0 $?
check "steps of a film cut at 3" 3 "$(wc -l <"$tmp/csteps")"
grep -q '"cut":1' "$tmp/c.html" && ok || bad "the cut film does not say it was cut"
check "the cut program still ran to its end" "factorial(4) = 24" "$(cat "$tmp/out")"

# ---- a crash ---------------------------------------------------------------------------------
cat >"$tmp/crash.c" <<'C'
static int deref(int *p) { return *p; }
int main(void) { int *p = 0; return deref(p); }
C
if cc -O0 -g -o "$tmp/crash" "$tmp/crash.c" 2>/dev/null; then
    "$stacklab" film -o "$tmp/crash.html" -- "$tmp/crash" >/dev/null 2>&1
    check "exit status of a crash (128 + SIGSEGV)" 139 $?
    grep -q '"note":"SIGSEGV' "$tmp/crash.html" && ok || bad "the crash is not in the film"
    grep -q 'killed by SIGSEGV' "$tmp/crash.html" && ok || bad "the page does not say how the program ended"
fi

# ---- heap boxes, pointers and --stable ------------------------------------------------------
# demos/film/pointers.c builds a list of three nodes on the heap (30 -> 20 ->
# 10) and passes a counter by reference.  The film records the objects the
# pointers point at, as the library's DOT writer draws them (heap boxes),
# each distinct object once; two --stable runs write the same page.
# Built from another directory: the debug info names "film/pointers.c",
# relative to that directory (DW_AT_comp_dir), not to ours.
if (cd "$(dirname "$0")/../demos" && cc -O0 -g -o "$tmp/pointers" film/pointers.c) 2>"$tmp/cc.err"; then
    "$stacklab" film --stable --list "$tmp/psteps" -o "$tmp/p1.html" -- "$tmp/pointers" \
        >"$tmp/out" 2>&1
    check "exit status (pointers)" 0 $?
    check "the program's output (pointers)" "60 in 3 nodes" "$(cat "$tmp/out")"
    grep -q '{"path":"film/pointers.c","text":\["/\*",' "$tmp/p1.html" && ok ||
        bad "the page holds no source for pointers.c (a path relative to the compile directory)"
    # One object record a line: "addr value next-pointer" of each node sum reads.
    sed -n 's/^"objects":\[\(.*\)\],$/\1/p' "$tmp/p1.html" | sed 's/},{"addr"/}\
{"addr"/g' | sed -n 's/^{"addr":\([0-9]*\),"size":16,"type":"const struct node","ok":1,"fields":\[\["value","\([0-9]*\)",0,0\],\["next","[^"]*",8,\([0-9]*\)\]\]}$/\1 \2 \3/p' \
        >"$tmp/nodes"
    check "the nodes sum reads, as heap boxes" "30 20 10" "$(awk '{ print $2 }' "$tmp/nodes" | tr '\n' ' ' | sed 's/ $//')"
    check "30's next is the box of 20" "$(awk '$2 == 20 { print $1 }' "$tmp/nodes")" \
        "$(awk '$2 == 30 { print $3 }' "$tmp/nodes")"
    check "20's next is the box of 10" "$(awk '$2 == 10 { print $1 }' "$tmp/nodes")" \
        "$(awk '$2 == 20 { print $3 }' "$tmp/nodes")"
    grep -q '"o":\[[0-9]*,[0-9]*,[0-9]*\]' "$tmp/p1.html" && ok || bad "no step shows the three boxes of the list"
    "$stacklab" film --stable -o "$tmp/p2.html" -- "$tmp/pointers" >/dev/null 2>&1
    cmp -s "$tmp/p1.html" "$tmp/p2.html" && ok ||
        bad "two --stable films of the same program differ: $(cmp "$tmp/p1.html" "$tmp/p2.html")"
    grep -q '"regs":{"pc":"rip","sp":"rsp","fp":"rbp","ret":"rax"}' "$tmp/p1.html" ||
        grep -q '"regs":{"pc":"pc","sp":"sp"' "$tmp/p1.html" && ok ||
        bad "the page does not name the machine's registers"
    # 1000 steps of a recursion over the list: each distinct object is stored
    # once, however many steps show it, and the page stays small.
    "$stacklab" film --max-steps 1000 -o "$tmp/long.html" -- "$tmp/pointers" 300 >/dev/null 2>&1
    check "exit status (1000 steps)" 0 $?
    objects=$(sed -n 's/^"objects":\[\(.*\)\],$/\1/p' "$tmp/long.html" | grep -o '{"addr":' | wc -l)
    shown=$(grep -o '"o":\[[0-9,]*\]' "$tmp/long.html" | tr -cd ',[' | wc -c)
    [ "$objects" -gt 0 ] && [ "$objects" -lt 40 ] && [ "$shown" -gt 2000 ] && ok ||
        bad "1000 steps: $objects object records for $shown boxes shown (each object once expected)"
    [ "$(wc -c <"$tmp/long.html")" -lt 20000000 ] && ok || bad "1000 steps make a page over 20 MB"
else
    bad "cannot compile demos/film/pointers.c: $(head -1 "$tmp/cc.err")"
fi

# ---- errors ------------------------------------------------------------------------------------
"$stacklab" film -o "$tmp/x.html" >/dev/null 2>"$tmp/err"
check "no program: status" 125 $?
grep -q 'no program' "$tmp/err" && ok || bad "no program: $(cat "$tmp/err")"
"$stacklab" film -o "$tmp/x.html" -- "$tmp/no-such-program" >/dev/null 2>"$tmp/err"
check "program not found: status" 127 $?
"$stacklab" film -o "$tmp/no/such/dir/x.html" -- "$factorial" 4 >"$tmp/out" 2>"$tmp/err"
check "unwritable -o: status" 125 $?
check "unwritable -o: the program did not run" "" "$(cat "$tmp/out")"
grep -q "cannot write $tmp/no/such/dir/x.html" "$tmp/err" && ok || bad "unwritable -o: $(cat "$tmp/err")"
"$stacklab" film --function no_such_function -o "$tmp/x.html" -- "$factorial" 4 >/dev/null 2>"$tmp/err"
check "unknown function: status" 125 $?
grep -q 'no function no_such_function' "$tmp/err" && ok || bad "unknown function: $(cat "$tmp/err")"
[ -e "$tmp/x.html" ] && bad "a failed film left a page" || ok

echo "film: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
