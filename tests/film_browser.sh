#!/bin/sh
# tests/film_browser.sh: `stacklab film` checked in a real browser, against
# gdb (run by `make check-browser`).
#
#   sh tests/film_browser.sh BUILD/stacklab BUILD/demos/film/factorial
#
# Films `factorial 4` (demos/film/factorial.c, -O0 -g), then:
#   - gdb is the oracle: `gdb -batch` stops at main and steps as often as the
#     film has steps, printing `bt` each time (with the C library's debug
#     information kept out, so gdb steps over it as the film does); for every
#     step, headless Chromium must show the same highlighted line and the same
#     frames (the page's ?summary=1 shows each step and reads the page back);
#   - key presses: Right k times, End, End then Left, Home from #step=5, and
#     the step number, highlighted line and frames shown after each;
#   - the page has no console message (no uncaught error) and loads nothing
#     from outside itself;
#   - the film says how the program ended, and --max-steps cuts it and says so;
#   - heap boxes and pointer arrows, and under --stable pointers shown as CFA
#     offsets and box numbers;
#   - a source line and output holding "</script>" and "<b>" stay text.
# Prints one line per failed check, then "N passed, N failed"; exits 1 on any
# failure, 77 (skipped) when chromium or gdb is missing.

set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD/stacklab BUILD/demos/film/factorial" >&2
    exit 2
fi
stacklab=$1
subject=$2
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
for tool in "$browser" gdb; do
    if [ -z "$tool" ] || ! command -v "$tool" >/dev/null 2>&1; then
        echo "film_browser: skipped: needs chromium and gdb (make deps installs them)"
        exit 77
    fi
done

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

# Loads the page at URL; the DOM goes to $tmp/dom, the browser's log to
# $tmp/log.  Chromium prints each console message as "...:CONSOLE(...)".
load() {
    "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
        --dump-dom "$1" >"$tmp/dom" 2>"$tmp/log"
    if grep -q 'CONSOLE' "$tmp/log"; then
        bad "console message at $1: $(grep 'CONSOLE' "$tmp/log" | head -1)"
    else
        ok
    fi
}
# What the loaded page shows: its step number, highlighted line, frames.
shown_step() { sed -n 's/.*<body[^>]*data-step="\([0-9]*\)".*/\1/p' "$tmp/dom" | head -1; }
shown_line() { sed -n 's/.*class="ln cur" id="L\([0-9]*\)".*/\1/p' "$tmp/dom" | head -1; }
shown_frames() {
    grep -o '<div class="frame[^"]*" data-fn="[^"]*"' "$tmp/dom" | grep -v 'frame[^"]* gone' |
        sed 's/.*data-fn="\([^"]*\)"/\1/' | tr '\n' '>' | sed 's/>$//; s/>/ > /g'
}

# ---- the film ----------------------------------------------------------------
film="$tmp/factorial.html"
"$stacklab" film -o "$film" -- "$subject" 4 >"$tmp/out" 2>"$tmp/err"
check "stacklab film's exit status (the program's)" 0 $?
check "the program's output passes through" "factorial(4) = 24" "$(cat "$tmp/out")"
[ -s "$tmp/err" ] && bad "stacklab film wrote to stderr: $(head -1 "$tmp/err")"
if grep -Eq '(src|href)="(https?:)?//|@import|url\(' "$film"; then
    bad "the page refers to something outside itself"
else
    ok
fi
url="file://$(cd "$(dirname "$film")" && pwd)/$(basename "$film")"

# ---- every step against gdb -----------------------------------------------------
load "$url?summary=1"
sed -n '/<pre id="summary">/,/<\/pre>/p' "$tmp/dom" | sed 's/<[^>]*>//g; s/&gt;/>/g' |
    grep -E '^[0-9]+ ' >"$tmp/film.steps"
steps=$(wc -l <"$tmp/film.steps")
[ "$steps" -ge 15 ] && ok || bad "the film has $steps steps; factorial(4) takes about 20"

gdb_steps "$steps" "$subject" 4 >"$tmp/gdb.steps"
if cmp -s "$tmp/gdb.steps" "$tmp/film.steps"; then
    ok
else
    bad "the steps shown differ from gdb's (step line frames; < gdb, > page):"
    diff "$tmp/gdb.steps" "$tmp/film.steps" | head -10
fi

# ---- keys ---------------------------------------------------------------------------
expect_step() {     # expect_step URL K: the page shows step K as gdb saw it
    load "$1"
    check "step number after $1" "$2" "$(shown_step)"
    check "highlighted line at step $2" "$(awk -v k="$2" '$1 == k { print $2 }' "$tmp/gdb.steps")" \
        "$(shown_line)"
    check "frames at step $2" "$(awk -v k="$2" '$1 == k { $1 = $2 = ""; sub(/^  /, ""); print }' \
        "$tmp/gdb.steps")" "$(shown_frames)"
}
expect_step "$url?press=ArrowRight*9" 10
expect_step "$url?press=ArrowRight*4,ArrowLeft" 4
expect_step "$url?press=End" "$steps"
expect_step "$url?press=End,ArrowLeft*2" $((steps - 2))
expect_step "$url?press=Home#step=5" 1
expect_step "$url#step=7" 7

# A return is marked with its value: factorial(1) returns 1, and the frame
# that returned is drawn dashed under the stack.
k=$(awk '{ print NF }' "$tmp/gdb.steps" | awk '{ n++; if (prev && $1 < prev) { print n; exit } prev = $1 }')
load "$url#step=$k"
grep -q 'factorial returned 1 (in rax)' "$tmp/dom" && ok ||
    bad "step $k (the first return) does not say 'factorial returned 1 (in rax)'"
grep -q 'class="frame gone"' "$tmp/dom" && ok || bad "step $k draws no returning frame"
grep -q 'the program exited with status 0' "$tmp/dom" && ok || bad "the page does not say how the program ended"

# ---- --max-steps -----------------------------------------------------------------
"$stacklab" film --max-steps 5 -o "$tmp/cut.html" -- "$subject" 4 >/dev/null 2>&1
check "exit status of a cut film" 0 $?
load "file://$tmp/cut.html?press=End"
check "steps of a film cut at 5" 5 "$(shown_step)"
grep -q 'cut at 5 steps' "$tmp/dom" && ok || bad "the cut film does not say it was cut"

# ---- heap boxes and pointers, with --stable -----------------------------------------
# demos/film/pointers.c: in sum, list points at the first of three heap boxes
# and count at main's count.  With CFA offsets (--stable) the page shows
# those pointers as "&CFA-44 (main)" and "&box 3", never as an address that
# changes from run to run, and draws an arrow for each pointer.
if cc -O0 -g -o "$tmp/pointers" "$(dirname "$0")/../demos/film/pointers.c" 2>"$tmp/cc.err"; then
    "$stacklab" film --stable --list "$tmp/psteps" -o "$tmp/pointers.html" -- "$tmp/pointers" \
        >/dev/null 2>&1
    check "exit status of the pointers program" 0 $?
    line=$(grep -n '++\*count;' "$(dirname "$0")/../demos/film/pointers.c" | cut -d: -f1)
    k=$(awk -v l="$line" '$2 == l && $NF == "sum" { print $1; exit }' "$tmp/psteps")
    load "file://$tmp/pointers.html#step=$k"
    check "frames at ++*count" "main > sum" "$(shown_frames)"
    check "heap boxes at ++*count" 3 "$(grep -o '<div class="obj" data-addr="[0-9]' "$tmp/dom" | wc -l)"
    grep -q 'count = &amp;CFA-[0-9]* (main)' "$tmp/dom" && ok ||
        bad "count (a pointer into main's frame) is not shown as a CFA offset"
    # The boxes are numbered by address: 10, 20, 30 in the order malloc gave them.
    grep -q 'list = &amp;box 3' "$tmp/dom" && ok || bad "list is not shown as a pointer to box 3"
    grep -q 'count = 0x' "$tmp/dom" && bad "count is shown as an address under --stable" || ok
    grep -q '>rsp CFA-[0-9]*</span>' "$tmp/dom" && ok ||
        bad "rsp is not shown as an offset from sum's CFA under --stable"
    arrows=$(grep -o '<path class="arrow" d="M[0-9]' "$tmp/dom" | wc -l)
    [ "$arrows" -ge 5 ] && ok || bad "$arrows arrows drawn at ++*count; expected 5 or more"
else
    bad "cannot compile demos/film/pointers.c: $(head -1 "$tmp/cc.err")"
fi

# ---- user data is text, never markup --------------------------------------------
# A source line and the program's output holding "</script>" and "<b>" must
# not end the page's script or make markup.
cat >"$tmp/quotes.c" <<'C'
#include <stdio.h>
static int show(const char *s) { return puts(s); }
int main(void) { return show("</script><b>bold?</b> & \"quotes\"") < 0; }
C
if cc -O0 -g -o "$tmp/quotes" "$tmp/quotes.c" 2>"$tmp/cc.err"; then
    "$stacklab" film -o "$tmp/quotes.html" -- "$tmp/quotes" >/dev/null 2>&1
    check "exit status of the quotes program" 0 $?
    load "file://$tmp/quotes.html?press=End"
    grep -q '&lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt; &amp; "quotes"' "$tmp/dom" && ok ||
        bad "the program's output is not shown as text"
    grep -q '<b>bold?</b>' "$tmp/dom" && bad "the program's output became markup" || ok
else
    bad "cannot compile the quotes program: $(head -1 "$tmp/cc.err")"
fi

echo "film_browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
