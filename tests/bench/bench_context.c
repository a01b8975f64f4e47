/*
 * bench_context.c: sl_context_save + sl_context_restore against glibc's
 * _setjmp + _longjmp (no signal mask), one save and one jump per operation.
 * Each pair sits in its own function, as it would in real code.
 */
#include <setjmp.h>

#include <stacklab/abi.h>
#include "bench.h"

__attribute__((noinline)) static void glibc_pair(void)
{
    jmp_buf env;
    if (_setjmp(env) == 0)
        _longjmp(env, 1);
}

__attribute__((noinline)) static void stacklab_pair(void)
{
    sl_context ctx;
    if (sl_context_save(&ctx) == 0)
        sl_context_restore(&ctx, 1);
}

BENCH(setjmp_longjmp, NULL, 0, 100000, "baseline: glibc _setjmp + _longjmp")
{
    for (long i = 0; i < iterations; i++)
        glibc_pair();
}

BENCH(context_save_restore, "setjmp_longjmp", 1.0, 100000,
      "sl_context_save + sl_context_restore (asm/x86_64/context.S)")
{
    for (long i = 0; i < iterations; i++)
        stacklab_pair();
}
