#!/bin/sh
# tests/demos.sh: the demos' smoke test (run by `make check`).
#
#   sh tests/demos.sh BUILD/demos DEMO...
#
# ARCH names the architecture the demos were built for (default x86_64).
# RUN, when set, prefixes every run (another architecture's demos run under
# qemu-user: RUN="qemu-aarch64 -L /usr/aarch64-linux-gnu").
#
# Runs every demo once as `make check` would see it: no terminal on stdin,
# --no-color, diagrams into a temporary directory.  For each demo it checks
#   - `--help` exits 0 and prints a usage line;
#   - the run exits 0 within 60 seconds and prints numbered steps;
#   - the key phrases of the demo's story appear in its output;
#   - no output line is wider than 100 columns;
#   - it wrote at least one SVG, every SVG is well formed (xmllint when
#     installed, else it must start with <?xml or <svg and end with </svg>)
#     and has its .dot beside it;
#   - the names the diagrams must show (functions, regions) are in them;
#   - every diagram is legible on a projector: fitted to a 1920x1080 slide,
#     its body text is at least 16 px high (printed for each diagram);
#   - no run of text starts with a space (SVG renderers drop it: "main[SL_TRY]");
#   - two runs with --stable print the same text and draw the same diagrams.
# Prints one line per failed check, then "N passed, N failed"; exits 1 on
# any failure.

set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD/demos DEMO..." >&2
    exit 2
fi
bin=$1
shift

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-demos.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $demo: $*"; }

# What each demo's output must say, one phrase a line (fixed strings).
# ARCH (default x86_64) picks another architecture's version of a demo.
phrases() {
    case ${ARCH-x86_64}:$1 in
    aarch64:calling_convention) printf '%s\n' 'AAPCS64' 'v1 + v2 + v3' 'x3 = pointer to a copy' \
                       'four conventions' 'qemu-user' ; return ;;
    *:prologue_epilogue) [ "${ARCH-x86_64}" = x86_64 ] ||
        { printf '%s\n' 'sl_asm_framed' 'compiled_framed' 'saved fp at fp' 'sl_asm_frameless' 'aligned'
          return; } ;;
    *:unwinding) [ "${ARCH-x86_64}" = x86_64 ] ||
        { printf '%s\n' 'frame-pointer walk' '(missing)' 'un_nofp_outer' 'sl_asm_no_cfi' \
                         'the frame record' ; return; } ;;
    riscv64:calling_convention) printf '%s\n' 'RISC-V LP64D' 'a1 + fa1' 'a4 = pointer to a copy' \
                       'four conventions' 'qemu-user' ; return ;;
    esac
    case $1 in
    address_space) printf '%s\n' 'text' 'rodata' 'data' 'bss' 'heap' 'stack' 'mmap' \
                       'library' 'virtual' 'second run' 'SL_SegmentationFault' 'fault address' ;;
    recursion)     printf '%s\n' 'factorial' 'fibonacci' 'bytes per frame' 'grows down' \
                       'SL_StackOverflow' 'deepest' ;;
    exceptions)    printf '%s\n' 'SL_THROW' 'cleanup' 'FINALLY' 'caught' 'cause' \
                       'handler' ;;
    setjmp_inside) printf '%s\n' 'sl_context_save' 'rbx' 'rsp' 'mangled' \
                       'sl_context_restore' 'volatile' 'WRONG' 'right' ;;
    segfault)      printf '%s\n' 'NULL' 'wild pointer' 'infinite recursion' \
                       'SL_SegmentationFault' 'SL_StackOverflow' 'fault address' \
                       'carries on' ;;
    calling_convention) printf '%s\n' 'System V' 'Microsoft x64' 'shadow space' 'stack+32' \
                       'MEMORY' 'hidden' 'al = 2' ;;
    prologue_epilogue) printf '%s\n' 'push %rbp' 'leave' 'rsp % 16 = 8 at entry' \
                       'rsp % 16 = 0 at the call' 'pe_compiled_nofp' 'killed by SIGSEGV' ;;
    unwinding)     printf '%s\n' 'frame-pointer walk' 'CFI walk' '(missing)' 'un_nofp_outer' \
                       'no CFI here' 'outside this thread' ;;
    callee_saved)  printf '%s\n' 'NOT preserved: rbx,r13' 'NOT preserved: rbp' \
                       'every callee-saved register preserved' ;;
    stack_and_heap) printf '%s\n' 'swap changed main' 'a = 2, b = 1' 'heap' 'sums to 6' \
                       'leak' ;;
    stack_smash)   printf '%s\n' 'stack smashing detected' 'SIGABRT' 'canary' 'SIGSEGV' \
                       'ret pops it: back into main' \
                       'ss_hijacked() is running' 'exited with status 42' ;;
    *)             ;;
    esac
}

# What its diagrams must show: "FILE.svg NAME", one a line.  FILE.svg must
# exist and contain NAME.
diagram_names() {
    case ${ARCH-x86_64}:$1 in
    x86_64:*)      ;;
    *:calling_convention) printf '%s\n' 'calling_convention.svg main' ; return ;;
    *:prologue_epilogue) printf '%s\n' 'prologue_epilogue.svg sl_asm_framed' \
                       'prologue_epilogue.svg main' ; return ;;
    *:unwinding)   printf '%s\n' 'unwinding-record.svg fp_inner' 'unwinding-fp.svg un_nofp_inner' ;
                   return ;;
    esac
    case $1 in
    address_space) printf '%s\n' 'address_space.svg text' 'address_space.svg heap' \
                       'address_space.svg stack' 'address_space.svg bss' ;;
    recursion)     printf '%s\n' 'recursion.svg factorial' 'recursion.svg main' ;;
    exceptions)    printf '%s\n' 'exceptions.svg level4' 'exceptions.svg level1' \
                       'exceptions.svg main' 'exceptions.svg 1st cleanup: unlock' \
                       'exceptions.svg 3rd cleanup: fclose' ;;
    setjmp_inside) printf '%s\n' 'setjmp_inside.svg descend' \
                       'setjmp_inside.svg jump_across_frames' 'setjmp_inside.svg lands here' \
                       'setjmp_inside.svg rip (mangled)' 'setjmp_inside-plain.svg pitfall_plain' \
                       'setjmp_inside-volatile.svg total = 110' \
                       'setjmp_inside-finally-plain.svg stages_plain' \
                       'setjmp_inside-finally-volatile.svg stage = 102' ;;
    segfault)      printf '%s\n' 'segfault.svg read_through_null' 'segfault.svg signal frame' \
                       'segfault.svg fault address 0x0' 'segfault.svg draw_from_handler' ;;
    calling_convention) printf '%s\n' 'calling_convention.svg shadow space' \
                       'calling_convention.svg rdi' ;;
    prologue_epilogue) printf '%s\n' 'prologue_epilogue.svg sl_asm_framed' \
                       'prologue_epilogue.svg main' ;;
    unwinding)     printf '%s\n' 'unwinding-fp.svg un_nofp_inner' 'unwinding-cfi.svg un_nofp_outer' \
                       'unwinding-nocfi.svg sl_asm_no_cfi' ;;
    callee_saved)  printf '%s\n' 'callee_saved.svg sl_asm_saves_registers' 'callee_saved.svg r12' ;;
    stack_smash)   printf '%s\n' 'stack_smash.svg ss_protected_copy' 'stack_smash.svg canary' \
                       'stack_smash.svg char buf[16] = ' 'stack_smash-after.svg ss_protected_copy' \
                       'stack_smash-after.svg char buf[16] = &#39;A&#39; &lt;repeats 16 times&gt;' \
                       'stack_smash-after.svg the canary was here' ;;
    stack_and_heap) printf '%s\n' 'stack_and_heap-swap.svg swap' 'stack_and_heap-swap.svg int a = 2' \
                       'stack_and_heap-list.svg heap / data' 'stack_and_heap-list.svg struct node' \
                       'stack_and_heap-list.svg NULL' ;;
    *)             ;;
    esac
}

# The legibility of a diagram: "WIDTHxHEIGHT BODY_PT PX", where the picture
# (viewBox, in points) is scaled to fit a 1920x1080 slide, and BODY_PT is the
# font size that carries the most characters of text; PX = BODY_PT * scale.
legibility() {
    awk 'BEGIN { RS = "<" }
         /^svg / && match($0, /viewBox="[^"]*"/) {
             split(substr($0, RSTART + 9, RLENGTH - 10), v, " "); w = v[3]; h = v[4] }
         /^g / && match($0, /transform="scale\([0-9.]+/) { sc = substr($0, RSTART + 17, RLENGTH - 17) + 0 }
         /^text / && match($0, /font-size="[0-9.]+"/) {
             fs = substr($0, RSTART + 11, RLENGTH - 12) + 0
             t = $0; sub(/^[^>]*>/, "", t); chars[fs] += length(t) }
         END { if (!sc) sc = 1; if (!w || !h) { print "0x0 0 0"; exit }
               for (k in chars) if (chars[k] > most) { most = chars[k]; body = k }
               s = 1920 / w; if (1080 / h < s) s = 1080 / h
               printf "%.0fx%.0f %g %.1f\n", w, h, body, body * sc * s }' "$1"
}

# Text elements that start with spaces before other text (rsvg drops them).
spaced_runs() {
    sed -n 's/^<text [^>]*>\(.*\)<\/text>$/\1/p' "$1" | sed 's/&#160;/ /g; s/\xc2\xa0/ /g' |
        grep -E '^ +[^ ]' | head -n 3
}

svg_ok() {
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$1" 2>/dev/null || return 1
    fi
    head -c 200 "$1" | grep -q '^<?xml\|^<svg' || return 1
    tail -c 20 "$1" | grep -q '</svg>' || return 1
}

for demo in "$@"; do
    exe=$bin/$demo
    out=$tmp/$demo.out
    dir=$tmp/$demo
    if [ ! -x "$exe" ]; then
        fail "no executable $exe"
        continue
    fi

    if ${RUN-} "$exe" --help >"$out" 2>&1 </dev/null && grep -q '^usage:' "$out"; then ok
    else fail "--help did not exit 0 with a usage line"; fi
    if grep -q -- '-h, --help' "$out" && grep -q -- '--version' "$out"; then ok
    else fail "--help does not list -h and --version"; fi
    if ${RUN-} "$exe" --version 2>&1 </dev/null | grep -q "^$demo (stacklab) [0-9]"; then ok
    else fail "--version does not say '$demo (stacklab) VERSION'"; fi
    # A missing or empty --diagrams directory is an error, said once on stderr.
    for bad in "--diagrams" "--diagrams=" "--diagrams ''"; do
        eval "\${RUN-} \"\$exe\" $bad" >"$out" 2>"$out.err" </dev/null
        status=$?
        if [ $status -eq 2 ] && [ ! -s "$out" ] && grep -q -- '--diagrams' "$out.err" &&
           [ "$(grep -c . "$out.err")" -le 2 ]; then ok
        else fail "'$bad' gave status $status and: $(head -c 200 "$out.err")"; fi
    done

    if command -v timeout >/dev/null 2>&1; then run="timeout 60"; else run=""; fi
    NO_COLOR=1 $run ${RUN-} "$exe" --no-color --diagrams "$dir" >"$out" 2>&1 </dev/null
    status=$?
    if [ $status -eq 0 ]; then ok
    else fail "exited with status $status; its last lines:"; tail -n 5 "$out" | sed 's/^/    /'; fi

    if grep -q '^1\. ' "$out" && grep -q '^2\. ' "$out"; then ok
    else fail "no numbered steps in the output"; fi

    phrases "$demo" >"$tmp/want"
    while IFS= read -r phrase; do
        if grep -qF -- "$phrase" "$out"; then ok
        else fail "output lacks \"$phrase\""; fi
    done <"$tmp/want"

    if awk 'length($0) > 100 { bad = 1; print "    " FILENAME ":" NR ": " length($0) " columns" }
            END { exit bad }' "$out" >"$tmp/wide"; then ok
    else fail "output wider than 100 columns"; head -n 3 "$tmp/wide"; fi

    svgs=$(ls "$dir"/*.svg 2>/dev/null)
    if [ -n "$svgs" ]; then ok; else fail "wrote no SVG into --diagrams"; fi
    for svg in $svgs; do
        if svg_ok "$svg"; then ok; else fail "$(basename "$svg") is not a well-formed SVG"; fi
        if [ -s "${svg%.svg}.dot" ]; then ok; else fail "$(basename "$svg") has no .dot beside it"; fi
        leg=$(legibility "$svg")
        size_pt=${leg%% *} body=${leg#* } px=${leg##* }
        echo "legibility: $(basename "$svg") $size_pt pt, body ${body% *} pt -> $px px on a 1920x1080 slide"
        # The lecture's pictures are the x86-64 ones: under qemu the frames
        # differ in size, and the figure is printed for information only.
        if awk "BEGIN { exit !($px >= 16) }" || [ "${ARCH-x86_64}" != x86_64 ]; then ok
        else fail "$(basename "$svg"): body text $px px on a 1920x1080 slide (want >= 16)"; fi
        spaced=$(spaced_runs "$svg")
        if [ -z "$spaced" ]; then ok
        else fail "$(basename "$svg"): text runs start with a space: $spaced"; fi
        size=$(wc -c <"$svg")
        if [ "$size" -lt 300000 ]; then ok
        else fail "$(basename "$svg") is $size bytes"; fi
    done

    # --stable: two runs print and draw the same (the slides match a fresh run).
    for k in 1 2; do
        NO_COLOR=1 $run ${RUN-} "$exe" --stable --diagrams "$tmp/stable$k" </dev/null 2>&1 |
            sed "s|$tmp/stable$k|DIR|g" >"$tmp/stable$k.out"
    done
    if cmp -s "$tmp/stable1.out" "$tmp/stable2.out"; then ok
    else fail "two --stable runs printed differently:"
         diff "$tmp/stable1.out" "$tmp/stable2.out" | head -n 4 | sed 's/^/    /'; fi
    for dot in "$tmp/stable1"/*.dot; do
        # The heap boxes' addresses depend on what malloc served before
        # (libdw's own blocks among them), which differs between runs.
        case $(basename "$dot") in stack_and_heap-list.dot) continue ;; esac
        if cmp -s "$dot" "$tmp/stable2/$(basename "$dot")"; then ok
        else fail "two --stable runs drew $(basename "$dot") differently"; fi
    done
    rm -rf "$tmp/stable1" "$tmp/stable2"

    diagram_names "$demo" >"$tmp/want"
    while read -r file name; do
        if [ ! -s "$dir/$file" ]; then
            fail "did not write $file"
        elif [ -z "$name" ] || grep -qF -- "$name" "$dir/$file"; then
            ok
        else
            fail "$file does not show \"$name\""
        fi
    done <"$tmp/want"
done

# A lecture driven live (through a terminal made by script(1)): Enter goes
# on, q stops cleanly, and so does Ctrl-D, without erasing the line above
# the prompt; TERM=dumb and NO_COLOR turn colour off.
step_test() {
    demo=$1
    input=$2
    printf "$input" | env TERM=${3:-xterm} ${4:+NO_COLOR=$4} \
        script -qec "${RUN-} $bin/$demo --step --diagrams $tmp/step" /dev/null >"$tmp/step.out" 2>&1
}
if command -v script >/dev/null 2>&1 && [ -x "$bin/recursion" ]; then
    for input in '\nq\n' '\n\004'; do
        demo="recursion --step ($input)"
        step_test recursion "$input"
        status=$?
        if [ $status -eq 0 ] && grep -q 'stopped here' "$tmp/step.out" &&
           [ "$(grep -c '[0-9]\. ' "$tmp/step.out")" -eq 2 ]; then ok
        else fail "status $status; it did not stop after step 2:"; tail -n 3 "$tmp/step.out"; fi
        # One Enter, one prompt erased: the end of input erases nothing.
        if [ "$(grep -c "$(printf '\033')\[1A" "$tmp/step.out")" -eq 1 ]; then ok
        else fail "erased a line it should not have"; fi
    done
    demo="recursion, TERM=dumb"
    step_test recursion 'q\n' dumb
    if ! grep -q "$(printf '\033')" "$tmp/step.out" && grep -q '1\. ' "$tmp/step.out"; then ok
    else fail "escape sequences in the output"; fi
    demo="recursion, NO_COLOR=1"
    step_test recursion 'q\n' xterm 1
    if ! grep -q "$(printf '\033')\[[0-9;]*m" "$tmp/step.out" && grep -q '1\. ' "$tmp/step.out"; then ok
    else fail "colour in the output"; fi
    demo="recursion, colour on a terminal"
    step_test recursion 'q\n' xterm
    if grep -q "$(printf '\033')\[[0-9;]*m" "$tmp/step.out"; then ok
    else fail "no colour on a terminal (the two tests above prove nothing)"; fi
fi

echo "demos: $passed passed, $failed failed"
[ $failed -eq 0 ]
