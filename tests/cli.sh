#!/bin/sh
# tests/cli.sh: the `stacklab` command on real programs (run by `make check`).
#
#   sh tests/cli.sh BUILD/stacklab
#
# Builds the programs in tests/cli/ in a private directory (gcc and clang,
# -O0 and -O2, PIE and -no-pie, one without -g) and checks what the command
# promises: where it stops (against gdb's `break` address when gdb is here),
# the program's own stdin, stdout and exit status, crashes snapped before
# delivery, threads, forks, each error message and its exit status, atomic
# output, and that no traced program is left behind when stacklab is ended.
# Run as root, it runs its core checks again as user nobody on a
# world-readable copy (tracing as an unprivileged user).
# Prints one line per failed check, then "N passed, N failed"; exits 1 on a
# failure.

set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD/stacklab" >&2
    exit 2
fi
src=$(cd "$(dirname "$0")/cli" && pwd)
passed=0
failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL cli ($(id -un)): $*"; }

if [ -z "${STACKLAB_CLI_PREBUILT:-}" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-cli.XXXXXX") || exit 2
    trap 'rm -rf "$tmp"' EXIT INT TERM
    chmod 755 "$tmp"
    cp "$1" "$tmp/stacklab" || exit 2
    cp "$0" "$tmp/cli.sh" && mkdir "$tmp/cli" && cp "$src"/*.c "$tmp/cli/"
    bin=$tmp
    # name compiler flags...
    build() {
        name=$1 cc=$2 file=$3
        shift 3
        if ! command -v "$cc" >/dev/null 2>&1; then return 1; fi
        "$cc" -Wall -pthread "$@" -o "$bin/$name" "$src/$file.c" ||
            { fail "cannot build $name with $cc $*"; return 1; }
    }
    compilers="gcc"
    command -v clang >/dev/null 2>&1 && compilers="gcc clang"
    for cc in $compilers; do
        for o in O0 O2; do
            build fact-$cc-$o-pie $cc fact -g -$o -fPIE -pie
            build fact-$cc-$o-nopie $cc fact -g -$o -fno-PIE -no-pie
        done
        build crash-$cc $cc crash -g -O0
        build inlined-$cc-O2 $cc inlined -g -O2
    done
    build fact-nodebug gcc fact -O0
    for p in loop reads threads forks slow; do build $p gcc $p -g -O0; done
    chmod -R a+rX "$tmp"
else
    bin=$STACKLAB_CLI_PREBUILT
    compilers="gcc"
    [ -x "$bin/crash-clang" ] && compilers="gcc clang"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-cli-user.XXXXXX") || exit 2
    trap 'rm -rf "$tmp"' EXIT INT TERM
fi
S=$bin/stacklab
out=$tmp/out.$$
full=1                              # the second pass (nobody) does the core only
[ -n "${STACKLAB_CLI_PREBUILT:-}" ] && full=0
mkdir -p "$out"

# run EXPECTED-STATUS CMD...: runs CMD (stdout+stderr to $out/log), at most
# 60 s, and checks its exit status.
run() {
    want=$1
    shift
    what="$*"
    t0=$(date +%s%N)
    timeout -k 5 60 "$@" >"$out/log" 2>&1 </dev/null
    got=$?
    [ -n "${CLI_TIMING:-}" ] && echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms: $what" >&2
    if [ "$got" = "$want" ]; then ok; else fail "$what: exit $got, expected $want"; sed 's/^/    /' "$out/log" | head -20; fi
}
# says TEXT...: the last run's output contains each text.
says() {
    for t in "$@"; do
        if grep -qF -- "$t" "$out/log"; then ok; else fail "$what: output lacks '$t'"; sed 's/^/    /' "$out/log" | head -20; fi
    done
}
lacks() {
    for t in "$@"; do
        if grep -qF -- "$t" "$out/log"; then fail "$what: output has '$t'"; else ok; fi
    done
}
# frames NAME N: the last run's text shows N frames of NAME.
frames() {
    n=$(grep -c "^#[0-9]* *0x[0-9a-f]* $1[+ ]" "$out/log")
    if [ "$n" = "$2" ]; then ok; else fail "$what: $n frames of $1, expected $2"; sed 's/^/    /' "$out/log" | head -20; fi
}

# ---- help, version, usage errors -------------------------------------------------
run 0 "$S" --version;                  says "stacklab "
run 0 "$S" --help;                     says "usage: stacklab" snap maps demo
for c in snap maps demo; do run 0 "$S" $c --help; says "usage: stacklab $c"; done
run 125 "$S";                          says "usage:"
run 125 "$S" frobnicate;               says "no command 'frobnicate'"
run 125 "$S" snap;                     says "no program to run"
run 125 "$S" snap --bogus -- "$bin/fact-gcc-O0-pie"; says "--bogus"
run 125 "$S" snap --walk sideways -- "$bin/fact-gcc-O0-pie"; says "--walk takes cfi or fp"
run 125 "$S" snap --max-frames -3 -- "$bin/fact-gcc-O0-pie"; says "--max-frames"
run 125 "$S" snap -o "$out/x.jpeg" -- "$bin/fact-gcc-O0-pie"; says "must end in .txt"
run 125 "$S" snap -o /nonexistent-dir/x.svg -- "$bin/fact-gcc-O0-pie"; says "cannot write /nonexistent-dir/x.svg"
run 127 "$S" snap -- "$bin/no-such-program";  says "no-such-program: not found"
cp "$bin/loop" "$out/noexec" && chmod a-x "$out/noexec"
run 126 "$S" snap -- "$out/noexec";    says "cannot execute"

# ---- recursion stopped at the 4th entry: every compiler, level, PIE or not -------
facts=$(ls "$bin"/fact-*-O*-*)
[ $full = 1 ] || facts=$bin/fact-gcc-O0-pie
for f in $facts; do
    run 0 "$S" snap --at factorial:4 -- "$f" 5
    says "factorial, 4th entry" "5! = 120"
    frames factorial 4
    frames main 1
    lacks "__libc_start"
done
run 0 "$S" snap --walk fp --at factorial:4 -- "$bin/fact-gcc-O0-pie" 5; frames factorial 4
# Variables, read through the stopped program (n is 2 in the 4th call of 5).
run 0 "$S" snap --at factorial:4 -- "$bin/fact-gcc-O0-pie" 5; says "n = 2 " "n = 3 " "argc = 2 "
run 0 "$S" snap --no-variables --at factorial:4 -- "$bin/fact-gcc-O0-pie" 5; lacks "n = 2"
run 0 "$S" snap --all-frames --at factorial -- "$bin/fact-gcc-O0-pie" 5; says "__libc_start"
run 0 "$S" snap --max-frames 2 --at factorial:4 -- "$bin/fact-gcc-O0-pie" 5
frames factorial 2; says "more frames"

# The stop is where gdb's `break factorial` stops: same offset into the function.
if [ $full = 1 ] && command -v gdb >/dev/null 2>&1; then
    for f in "$bin"/fact-*-O*-*; do
        [ -x "$f" ] || continue
        bp=$(gdb -nx -batch -ex 'break factorial' "$f" 2>/dev/null |
             sed -n 's/^Breakpoint 1 at \(0x[0-9a-f]*\).*/\1/p')
        start=$(nm "$f" | awk '$3 == "factorial" { print $1; exit }')
        [ -n "$bp" ] && [ -n "$start" ] || { fail "gdb oracle: no breakpoint address for $f"; continue; }
        off=$((bp - 0x$start))
        at=factorial
        [ "$off" = 0 ] || at=$(printf 'factorial+0x%x' $off)
        run 0 "$S" snap --at factorial -- "$f" 3
        if grep -q "^#0 .* $at " "$out/log"; then ok; else
            fail "$f: frame 0 is not gdb's $at"; sed 's/^/    /' "$out/log" | head -5; fi
    done
fi

# ---- FILE:LINE in a loop, stdin, threads, forks ----------------------------------------
line=$(grep -n LOOP-LINE "$src/loop.c" | cut -d: -f1)
run 0 "$S" snap --at "loop.c:$line:3" -- "$bin/loop"
says "loop.c:$line, 3rd time reached" "loop.c:$line  [loop]" "50"

what="reads: stdin is the program's"
printf '1 2 3 4\n' | timeout 60 "$S" snap --at add:3 -- "$bin/reads" >"$out/log" 2>&1
[ $? = 0 ] && ok || fail "$what: exit status"
says "add, 3rd entry" "total 10"

run 0 "$S" snap --at work -- "$bin/threads"
says "work, 1st entry in thread" "other threads:" "work 4"
frames work 1; frames worker 1
n=$(grep -c "^  thread [0-9]" "$out/log")
[ "$n" = 3 ] && ok || fail "threads: $n other threads listed, expected 3"

# Every thread's stack is a stack in the map, not only the kernel's [stack]:
# the other threads are stopped, and the kernel gives their sp.
run 0 "$S" maps --at work -- "$bin/threads"
n=$(grep -c "^[0-9a-f]*-[0-9a-f]* rw-p stack" "$out/log")
[ "$n" = 4 ] && ok || fail "threads: $n stacks in the map, expected 4 (main and 3 threads)"
grep -q "^sp  *0x[0-9a-f]* stack$" "$out/log" && ok || fail "threads: the stopped thread's sp is not in a stack"

run 3 "$S" snap --at leaf -- "$bin/forks"
says "leaf, 1st entry" "child 11" "child exited 7" "parent 21"
frames leaf 1

# ---- crashes: snapped before delivery, the status passed through ------------------------
for cc in $compilers; do
    c=$bin/crash-$cc
    run 139 "$S" snap -- "$c" null;   says "SIGSEGV (address not mapped) at address 0x8"; frames sum_list 1
    says "total = 4" "c = {value = 3, next = 0x0}"
    run 134 "$S" snap -- "$c" abort;  says "SIGABRT" "Assertion"; frames check_positive 1
    run 136 "$S" snap -- "$c" div;    says "SIGFPE (integer division by zero)"; frames divide 1
    run 0 "$S" snap -- "$c" ok;       says "without a fatal signal"
done
run 139 "$S" snap --at divide -- "$bin/crash-gcc" null; says "SIGSEGV"
# A stack overflow: tens of thousands of frames, elided; bounded time and memory.
what="stack overflow"
if [ $full = 0 ]; then
    :
elif /usr/bin/time -f 'maxrss %M' timeout 120 "$S" snap -- "$bin/crash-gcc" overflow >"$out/log" 2>&1; then
    fail "$what: exit 0"
else
    says "SIGSEGV" "more frames"
    frames deep 40
    rss=$(sed -n 's/^maxrss //p' "$out/log")
    [ -n "$rss" ] && [ "$rss" -lt 400000 ] && ok || fail "$what: max RSS ${rss:-?} KiB"
fi

# ---- errors that say what to do -------------------------------------------------------
run 125 "$S" snap --at factoral -- "$bin/fact-gcc-O0-pie"
says "no function factoral in fact-gcc-O0-pie; did you mean factorial?"
run 125 "$S" snap --at zzzzzz -- "$bin/fact-gcc-O0-pie";  says "no function zzzzzz"; lacks "did you mean"
for cc in $compilers; do
    run 125 "$S" snap --at square -- "$bin/inlined-$cc-O2"
    says "square has no out-of-line copy" "-O0 or -fno-inline"
done
run 0 "$S" snap --at factorial:2 -- "$bin/fact-nodebug" 3
says "has no debug info" "build with -g"; frames factorial 2
run 125 "$S" snap --at fact.c:12 -- "$bin/fact-nodebug"; says "no debug info"
run 125 "$S" snap --at fact.c:9999 -- "$bin/fact-gcc-O0-pie"; says "no code for fact.c:9999"
run 125 "$S" snap --at factorial:9 -- "$bin/fact-gcc-O0-pie" 5
says "ended (status 0) before reaching factorial for the 9th time (it was reached 5 times)"
if command -v strace >/dev/null 2>&1; then
    # (LeakSanitizer cannot run in a traced process: off for make check-sanitize.)
    run 125 env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null "$S" snap -- "$bin/fact-gcc-O0-pie"
    says "ptrace refused"
fi

# ---- output files: formats, atomic writes, --stable -----------------------------------
if [ $full = 1 ]; then
for ext in txt dot svg png; do
    rm -f "$out/f.$ext"
    run 0 "$S" snap --at factorial:2 --title "two deep" -o "$out/f.$ext" -- "$bin/fact-gcc-O0-pie"
    [ -s "$out/f.$ext" ] && ok || fail "no $out/f.$ext"
done
grep -q "factorial, 2nd entry" "$out/f.txt" && ok || fail "f.txt lacks the stop"
grep -q "digraph" "$out/f.dot" && grep -q "two deep" "$out/f.dot" && ok || fail "f.dot"
grep -q "<svg" "$out/f.svg" && grep -q "factorial" "$out/f.svg" && ok || fail "f.svg"
[ "$(head -c 4 "$out/f.png" | tail -c 3)" = "PNG" ] && ok || fail "f.png is no PNG"
mkdir -p "$out/fakebin" && printf '#!/bin/sh\nexit 3\n' > "$out/fakebin/dot" && chmod +x "$out/fakebin/dot"
what="renderer fails"
PATH="$out/fakebin:$PATH" "$S" snap --at factorial -o "$out/broken.svg" -- "$bin/fact-gcc-O0-pie" >"$out/log" 2>&1
[ $? = 125 ] && ok || fail "$what: exit status"
says "exited with status 3"
[ -z "$(ls -A "$out" | grep broken)" ] && ok || fail "$what: a half-written file is left: $(ls -A "$out" | grep broken)"
"$S" snap --stable --at factorial:3 -o "$out/s1.dot" -- "$bin/fact-gcc-O0-pie" >/dev/null 2>&1
"$S" snap --stable --at factorial:3 -o "$out/s2.dot" -- "$bin/fact-gcc-O0-pie" >/dev/null 2>&1
cmp -s "$out/s1.dot" "$out/s2.dot" && grep -q CFA "$out/s1.dot" && ok ||
    fail "--stable: two runs differ (or no CFA offsets)"
fi

# ---- never a stopped or orphaned program -------------------------------------------------
# gone TAG: no process with TAG in its arguments is left (waits up to 5 s).
gone() {
    i=0
    while pgrep -f "$1" >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if pgrep -f "$1" >/dev/null 2>&1; then
        fail "$2: a process is left: $(pgrep -af "$1")"; pkill -KILL -f "$1"
    else ok; fi
}
[ $full = 1 ] && for sig in INT TERM KILL; do
    tag="before-$sig-$$"
    "$S" snap --at ready -- "$bin/slow" "$tag" >/dev/null 2>&1 &
    sl=$!
    sleep 0.5
    kill -$sig $sl
    wait $sl 2>/dev/null
    gone "$tag" "SIG$sig to stacklab while it traces"
done
# (SIGINT is not tried here: a background job of a script ignores it, and so
# does the program it starts; stacklab passes it on, and the program ignores it.)
# Started with SIGHUP ignored (nohup), stacklab and the program ignore it.
ignored=$(awk '/^SigIgn:/ { print $2 }' /proc/$$/status)
[ $(( 0x$ignored & 1 )) -ne 0 ] && hup=nohup || hup=HUP
[ $full = 1 ] && for sig in TERM $hup; do
    if [ $sig = nohup ]; then
        "$S" snap --at ready -- "$bin/slow" "after-nohup-$$" >/dev/null 2>&1 &
        sl=$!
        sleep 0.5
        kill -HUP $sl
        sleep 0.5
        kill -0 $sl 2>/dev/null && ok || fail "SIGHUP ignored at the start ended stacklab"
        kill -TERM $sl
        wait $sl
        gone "after-nohup-$$" "SIGTERM to stacklab while the program runs on"
        continue
    fi
    tag="after-$sig-$$"
    "$S" snap --at ready -- "$bin/slow" "$tag" >/dev/null 2>&1 &
    sl=$!
    sleep 0.5
    kill -$sig $sl
    wait $sl
    st=$?
    [ "$st" -ge 128 ] && ok || fail "SIG$sig after the snapshot: stacklab exited $st"
    gone "$tag" "SIG$sig to stacklab while the program runs on"
done

# ---- demo ------------------------------------------------------------------------------
run 139 "$S" maps -- "$bin/crash-gcc" null
says "pc (sum_list)" "fault address            0x0000000000000008 (not mapped)" "n (const struct node *)" "[stack]"
if [ $full = 1 ]; then
    run 0 "$S" maps --at factorial:2 -o "$out/maps.svg" -- "$bin/fact-gcc-O0-pie"
    grep -q "address space of fact" "$out/maps.svg" && grep -q "libc.so.6" "$out/maps.svg" &&
        ok || fail "maps.svg lacks its caption or libc"
fi

run 0 "$S" demo --list;             says "recursion"
# From the build tree, the demos are found in build/demos beside build/stacklab.
[ $full = 1 ] && [ -x "$(dirname "$1")/demos/recursion" ] && {
    run 0 "$1" demo recursion --help;   says "usage"; }
run 125 "$S" demo nosuch;           says "no demo 'nosuch'"

# ---- and all of it again as an unprivileged user ------------------------------------------
if [ "$(id -u)" = 0 ] && [ -z "${STACKLAB_CLI_PREBUILT:-}" ] && command -v setpriv >/dev/null 2>&1 &&
   id nobody >/dev/null 2>&1; then
    STACKLAB_CLI_PREBUILT=$bin setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        sh "$bin/cli.sh" "$bin/stacklab"
    [ $? = 0 ] && ok || fail "the checks as user nobody failed"
fi

echo "cli ($(id -un)): $passed passed, $failed failed"
[ "$failed" = 0 ]
