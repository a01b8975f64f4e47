/*
 * bench_except.c: what SL_TRY and SL_THROW cost, against baselines in the
 * same binary (linked against libstacklab.so, as users link it).
 *
 *   try_raw_setjmp      baseline: the least a TRY can do, hand-written:
 *                       glibc _setjmp plus a thread-local handler pointer
 *   try_leave           SL_TRY { call } SL_CATCH_ANY { } SL_END_TRY, no throw
 *   try_finally_leave   the same with a FINALLY clause
 *   try_defer_leave     the same with one sl_defer in the body
 *   throw_raw_longjmp   baseline: the hand-written TRY above, _longjmp out of
 *                       10 frames
 *   throw_10            SL_THROW with a constant message caught 10 frames up,
 *                       backtrace capture off
 *   throw_10_vs_cxx     the same, against g++ throw/catch (goal: 50x cheaper)
 *   throw_10_backtrace  the same with backtrace capture on (libunwind)
 *   throw_10_finally    the same through a FINALLY and a cleanup
 *   cxx_throw_10        baseline: g++ throw/catch over the same 10 frames
 *
 * Every TRY sits in its own noinline function, as it would in real code.
 */
#include <setjmp.h>
#include <stdbool.h>

#include <stacklab/except.h>
#include "bench.h"

#define NOINLINE __attribute__((noinline))

int bench_cxx_throw_10(void);           /* bench_except_cxx.cc */

static NOINLINE void work(void)
{
    __asm__ volatile("" ::: "memory");
}

static void nothing(void *arg)
{
    BENCH_KEEP(arg);
}

/* ---- the hand-written baseline ------------------------------------------- */

typedef struct raw_handler {
    jmp_buf env;
    struct raw_handler *prev;
} raw_handler;

static _Thread_local raw_handler *raw_top;
static _Thread_local const char *raw_exception;

static NOINLINE __attribute__((noreturn)) void raw_throw(const char *what)
{
    raw_exception = what;
    _longjmp(raw_top->env, 1);
}

static NOINLINE int raw_try(void (*body)(void))
{
    raw_handler h;
    int caught = 0;

    h.prev = raw_top;
    raw_top = &h;
    if (_setjmp(h.env) == 0) {
        body();
        raw_top = h.prev;
    } else {
        raw_top = h.prev;
        caught = raw_exception != NULL;
    }
    return caught;
}

/* ---- 10 frames to throw through ---------------------------------------------- */

static NOINLINE int raw_chain(int n)
{
    if (n <= 0) {
        if (n == 0)
            raw_throw("constant message");
        return 0;
    }
    int r = raw_chain(n - 1);
    __asm__ volatile("" ::: "memory");  /* keep the frame: no tail call */
    return r + 1;
}

static NOINLINE int sl_chain(int n)
{
    if (n <= 0) {
        if (n == 0)
            SL_THROW(SL_RuntimeError, "constant message");
        return 0;
    }
    int r = sl_chain(n - 1);
    __asm__ volatile("" ::: "memory");
    return r + 1;
}

static void raw_chain_10(void) { raw_chain(9); }

/* ---- the SL_ cases, one TRY per call --------------------------------------------- */

static int sl_caught;                   /* written only by a CATCH */

static NOINLINE int sl_try_leave(void)
{
    SL_TRY {
        work();
    } SL_CATCH_ANY(e) {
        sl_caught++;
    } SL_END_TRY;
    return 0;
}

static NOINLINE int sl_try_finally(void)
{
    volatile int done = 0;
    SL_TRY {
        work();
    } SL_CATCH_ANY(e) {
        done = 2;
    } SL_FINALLY {
        done++;
    } SL_END_TRY;
    return done;
}

static NOINLINE int sl_try_defer(void)
{
    volatile int caught = 0;
    SL_TRY {
        sl_defer(nothing, NULL);
        work();
    } SL_CATCH_ANY(e) {
        caught = 1;
    } SL_END_TRY;
    return caught;
}

static NOINLINE int sl_throw_10(void)
{
    volatile int caught = 0;
    SL_TRY {
        sl_chain(9);
    } SL_CATCH(SL_RuntimeError, e) {
        caught = e->message[0] == 'c';
    } SL_END_TRY;
    return caught;
}

static NOINLINE int sl_throw_10_finally(void)
{
    volatile int caught = 0;
    SL_TRY {
        sl_defer(nothing, NULL);
        sl_chain(9);
    } SL_CATCH(SL_RuntimeError, e) {
        caught = e->message[0] == 'c';
    } SL_FINALLY {
        caught++;
    } SL_END_TRY;
    return caught;
}

/* ---- the cases -------------------------------------------------------------------- */

BENCH(try_raw_setjmp, NULL, 0, 100000,
      "baseline: hand-written _setjmp + thread-local handler pointer, no throw")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(raw_try(work));
}

BENCH(try_leave, "try_raw_setjmp", 1.10, 100000,
      "SL_TRY { call } SL_CATCH_ANY SL_END_TRY, no throw")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_try_leave());
}

BENCH(try_finally_leave, "try_leave", 0, 100000,
      "report: the same with a FINALLY clause")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_try_finally());
}

BENCH(try_defer_leave, "try_leave", 0, 100000,
      "report: the same with one sl_defer in the body")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_try_defer());
}

BENCH(throw_raw_longjmp, NULL, 0, 100000,
      "baseline: the hand-written TRY, _longjmp from 10 frames down")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(raw_try(raw_chain_10));
}

BENCH(throw_10, "throw_raw_longjmp", 1.5, 100000,
      "SL_THROW(constant message) caught 10 frames up, no backtrace")
{
    sl_set_backtrace_capture(false);
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_throw_10());
    sl_set_backtrace_capture(true);
}

#ifndef SL_BENCH_NO_CXX        /* (the aarch64 build under qemu has no g++) */
/* Note: this binary links -lunwind before libgcc_s, so libstdc++'s
 * _Unwind_RaiseException binds to libunwind's (slower than libgcc's). */
BENCH(cxx_throw_10, NULL, 0, 20000,
      "baseline: g++ throw/catch over the same 10 frames (_Unwind_* from libunwind)")
{
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(bench_cxx_throw_10());
}

BENCH(throw_10_vs_cxx, "cxx_throw_10", 0.02, 100000,
      "throw_10 again, against g++ (goal: at least 50x cheaper)")
{
    sl_set_backtrace_capture(false);
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_throw_10());
    sl_set_backtrace_capture(true);
}
#endif

BENCH(throw_10_backtrace, "throw_10", 0, 20000,
      "report: throw_10 with backtrace capture on (libunwind)")
{
    sl_set_backtrace_capture(true);
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_throw_10());
}

BENCH(throw_10_finally, "throw_10", 0, 100000,
      "report: throw_10 through one sl_defer and a FINALLY")
{
    sl_set_backtrace_capture(false);
    for (long i = 0; i < iterations; i++)
        BENCH_KEEP(sl_throw_10_finally());
    sl_set_backtrace_capture(true);
}
