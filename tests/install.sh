#!/bin/sh
# tests/install.sh: `make install` as a user runs it, checked (by `make check`).
#
#   MAKE=make CC=cc sh tests/install.sh
#
# Installs into a temporary PREFIX, then, with only PKG_CONFIG_PATH set as
# the README says:
#   - builds the README's two examples against the shared library and runs
#     them (the .pc's rpath finds the library), and the exceptions example
#     fully static (-static, pkg-config --static), with a thrown exception's
#     backtrace printed;
#   - runs an installed demo: its usage line names it as installed;
#   - finds the man pages.
# Prints one line per failed check and "install: N passed, N failed".

set -u
make=${MAKE:-make}
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL install: $*"; }

prefix=$tmp/prefix
if $make --no-print-directory CC="$cc" install PREFIX="$prefix" >"$tmp/log" 2>&1; then ok
else fail "make install PREFIX=$prefix failed:"; tail -n 5 "$tmp/log"; fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

# The README's C examples, in order: 1 the exceptions, 2 the factorial.
awk -v dir="$tmp" '/^```c$/ { n++; f = dir "/example" n ".c"; next }
                   /^```/    { f = ""; next }
                   f         { print > f }' README.md

cflags="-O0 -g -fno-omit-frame-pointer"
if $cc $cflags "$tmp/example1.c" -o "$tmp/ex1" $(pkg-config --cflags --libs stacklab) 2>"$tmp/err" &&
   (cd "$tmp" && ./ex1) >"$tmp/out" 2>&1 &&
   grep -q "'x' is not a digit after 2 digits" "$tmp/out" && grep -q '^done' "$tmp/out"; then ok
else fail "the README's exceptions example, shared:"; cat "$tmp/err" "$tmp/out" | head -n 5; fi

if $cc $cflags "$tmp/example2.c" -o "$tmp/ex2" $(pkg-config --cflags --libs stacklab) 2>"$tmp/err" &&
   (cd "$tmp" && ./ex2) >"$tmp/out" 2>&1 && grep -q 'factorial' "$tmp/out" &&
   [ -s "$tmp/factorial.svg" ]; then ok
else fail "the README's factorial example, shared:"; cat "$tmp/err" "$tmp/out" | head -n 5; fi

# Fully static, with a backtrace: libunwind must find its pthread functions.
cat >"$tmp/throw.c" <<'PROG'
#include <stdio.h>
#include <stacklab.h>
SL_DEFINE_EXCEPTION(ParseError, SL_RuntimeError, "parse error");
static void inner(void) { SL_THROW(ParseError, "bad %d", 42); }
int main(void)
{
    SL_TRY { inner(); } SL_CATCH(ParseError, e) { sl_exception_print(e, stdout); } SL_END_TRY;
    return 0;
}
PROG
if $cc $cflags -static "$tmp/throw.c" -o "$tmp/throw" $(pkg-config --cflags --libs --static stacklab) \
       >"$tmp/err" 2>&1 && "$tmp/throw" >"$tmp/out" 2>&1 &&
   grep -q 'ParseError: bad 42' "$tmp/out" && grep -q '#0 .* inner' "$tmp/out"; then ok
else fail "a -static program with a backtrace:"; cat "$tmp/err" "$tmp/out" | grep -v warning | head -n 5; fi
if $cc $cflags -static "$tmp/example1.c" -o "$tmp/ex1s" $(pkg-config --cflags --libs --static stacklab) \
       >"$tmp/err" 2>&1 && "$tmp/ex1s" | grep -q "after 2 digits"; then ok
else fail "the README's exceptions example, -static"; fi

out=$("$prefix/bin/stacklab-recursion" --help 2>&1)
if echo "$out" | grep -q '^usage: stacklab-recursion '; then ok
else fail "stacklab-recursion --help: $(echo "$out" | head -n 1)"; fi
if "$prefix/bin/stacklab-segfault" --version | grep -q "^stacklab-segfault (stacklab) "; then ok
else fail "stacklab-segfault --version"; fi
for page in man3/stacklab.3 man1/stacklab-demos.1 man1/stacklab-recursion.1; do
    if [ -s "$prefix/share/man/$page" ]; then ok; else fail "no $page"; fi
done
if grep -q "^Libs: .*-Wl,-rpath," "$PKG_CONFIG_PATH/stacklab.pc"; then ok
else fail "stacklab.pc in a private PREFIX carries no rpath"; fi
if $make --no-print-directory CC="$cc" uninstall PREFIX="$prefix" >"$tmp/log" 2>&1 &&
   [ -z "$(find "$prefix" -type f)" ]; then ok
else fail "make uninstall left: $(find "$prefix" -type f | head -n 3)"; fi

echo "install: $passed passed, $failed failed"
[ $failed -eq 0 ]
