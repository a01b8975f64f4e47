#!/bin/sh
# generate.sh: writes dropin/stacklab_except.h, the exceptions in one header,
# by concatenating the library's own sources (never a rewrite of them):
#
#   dropin/head.h                   how to use it; configuration
#   stacklab/context.h, except.h    the public declarations and macros
#   asm/generic/context.h, try.h    SL_TRY's save where there is no context.S
#   -- STACKLAB_EXCEPT_IMPLEMENTATION --
#   except_internal.h, context.c, except.c, except_signal.c
#   asm/x86_64/context.S            as one top-level asm statement (x86-64)
#   asm/generic/context.c           the throw's jump elsewhere
#   dropin/backtrace_libc.c         the seam to the rest of stacklab, libc only
#
# Each file goes in whole, less its #include lines of stacklab's own
# headers (they are all in this one file).  The assembly is preprocessed
# (its offsets come from context.h and try.h) and quoted line by line.
#
# Usage: dropin/generate.sh [OUTPUT]   (default dropin/stacklab_except.h)
set -eu
cd "$(dirname "$0")/.."
out=${1:-dropin/stacklab_except.h}
cpp=${CPP:-cpp}
trap 'rm -f "$out.tmp"' EXIT   # an interrupted run leaves no half-written file

part() {
    printf '\n/* ---- %s ---- */\n' "$1"
    sed -e '/^#include "/d' -e '/^#include <stacklab\//d' "$1"
}

# asm/x86_64/context.S as C string lines; $1: extra cpp flags.
x86_64_asm() {
    $cpp -P -D__ASSEMBLER__ $1 -Iasm/x86_64 asm/x86_64/context.S |
        grep -v -e '^[[:space:]]*$' -e 'note\.GNU-stack' |
        sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/'
}

{
    cat dropin/head.h
    part lib/include/stacklab/context.h
    echo; echo '#ifdef SL_CONTEXT_GENERIC'
    part asm/generic/context.h
    echo '#endif'
    part lib/include/stacklab/except.h
    echo; echo '#ifdef SL_CONTEXT_GENERIC'
    part asm/generic/try.h
    echo '#endif'
    echo; echo '#ifdef STACKLAB_EXCEPT_IMPLEMENTATION'
    part lib/internal/except_internal.h
    echo; echo '#ifdef SL_CONTEXT_GENERIC'
    part asm/generic/context.c
    echo; echo '#else'
    part asm/x86_64/context.h
    part asm/x86_64/try.h
    printf '\n/* ---- asm/x86_64/context.S ---- */\n'
    printf '%s\n' '__asm__(".pushsection .text\n"'
    echo '#ifdef __SANITIZE_ADDRESS__'
    x86_64_asm -D__SANITIZE_ADDRESS__
    echo '#else'
    x86_64_asm ""
    echo '#endif'
    printf '%s\n' '    ".popsection\n");'
    echo '#endif /* SL_CONTEXT_GENERIC */'
    part lib/context.c
    part lib/except.c
    part lib/except_signal.c
    part dropin/backtrace_libc.c
    echo; echo '#endif /* STACKLAB_EXCEPT_IMPLEMENTATION */'
    echo '#endif /* STACKLAB_EXCEPT_DROPIN_H */'
} > "$out.tmp"
mv "$out.tmp" "$out"
