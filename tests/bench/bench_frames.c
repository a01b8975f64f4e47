/*
 * bench_frames.c: the two walkers against libunwind on the same ~100-frame
 * stack.  Each case recurses 100 frames deep through a noinline function,
 * then captures `iterations` times from the bottom; the recursion is paid
 * once per run, the captures per iteration.
 *
 *   fp_capture   SL_WALK_FP as the header documents it (a zeroed sl_stack,
 *                captured, released), and into one reused sl_stack, against
 *                unw_backtrace (libunwind's fast path, with its per-thread
 *                cache);
 *   cfi_capture  SL_WALK_CFI with CFA, slots and saved-register locations,
 *                against a bare unw_step loop reading IP and SP.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <stacklab/frames.h>
#include "bench.h"

#define DEPTH 100

static sl_stack stack;

__attribute__((noinline)) static long descend(int depth, void (*at_bottom)(long), long n)
{
    if (depth > 0) {
        long r = descend(depth - 1, at_bottom, n);
        BENCH_KEEP(r);
        return r + 1;
    }
    at_bottom(n);
    return 0;
}

static void loop_unw_backtrace(long n)
{
    void *pcs[DEPTH + 64];
    for (long i = 0; i < n; i++) {
        int k = unw_backtrace(pcs, DEPTH + 64);
        BENCH_KEEP(k);
    }
}

static void loop_fp_capture_fresh(long n)
{
    for (long i = 0; i < n; i++) {
        sl_stack s = {0};
        int k = sl_stack_capture(&s, SL_WALK_FP);
        BENCH_KEEP(k);
        sl_stack_release(&s);
    }
}

static void loop_fp_capture(long n)
{
    for (long i = 0; i < n; i++) {
        int k = sl_stack_capture(&stack, SL_WALK_FP);
        BENCH_KEEP(k);
    }
}

/* What any CFI walk must do at least: one step per frame, reading where it
 * is (IP) and its stack pointer (SP). */
static void loop_unw_step(long n)
{
    for (long i = 0; i < n; i++) {
        unw_context_t uc;
        unw_cursor_t c;
        unw_word_t ip, sp, sum = 0;
        unw_getcontext(&uc);
        unw_init_local(&c, &uc);
        while (unw_step(&c) > 0) {
            unw_get_reg(&c, UNW_REG_IP, &ip);
            unw_get_reg(&c, UNW_REG_SP, &sp);
            sum += ip ^ sp;
        }
        BENCH_KEEP(sum);
    }
}

static void loop_cfi_capture(long n)
{
    for (long i = 0; i < n; i++) {
        int k = sl_stack_capture(&stack, SL_WALK_CFI);
        BENCH_KEEP(k);
    }
}

BENCH(unw_backtrace_100, NULL, 0, 2000,
      "baseline: libunwind unw_backtrace, ~100 frames")
{
    descend(DEPTH, loop_unw_backtrace, iterations);
}

BENCH(fp_capture_fresh_100, "unw_backtrace_100", 0.35, 2000,
      "sl_stack_capture(SL_WALK_FP), ~100 frames, zeroed sl_stack, released")
{
    descend(DEPTH, loop_fp_capture_fresh, iterations);
}

BENCH(fp_capture_100, "unw_backtrace_100", 0.35, 2000,
      "sl_stack_capture(SL_WALK_FP), ~100 frames, reused sl_stack")
{
    descend(DEPTH, loop_fp_capture, iterations);
}

BENCH(unw_step_100, NULL, 0, 500,
      "baseline: bare unw_step loop reading IP and SP, ~100 frames")
{
    descend(DEPTH, loop_unw_step, iterations);
}

BENCH(cfi_capture_100, "unw_step_100", 2.0, 500,
      "sl_stack_capture(SL_WALK_CFI) with CFA, slots, saved registers")
{
    descend(DEPTH, loop_cfi_capture, iterations);
}
