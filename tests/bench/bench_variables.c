/*
 * bench_variables.c: sl_stack_read_variables on a 100-frame recursion built
 * at -O0 (this file is; see the Makefile), each frame with an int
 * parameter and two locals, against the capture alone.  Per iteration: a
 * zeroed sl_stack, captured (CFI walk), its variables read, released: what
 * a diagram of one's own program costs.  tests/bench/variables.sh divides
 * the instructions by the frames, and compares the wall time with gdb's.
 */
#include <stacklab/frames.h>
#include "bench.h"

#define DEPTH 100

__attribute__((noinline)) static int descend(int n, void (*at_bottom)(long), long iterations)
{
    int twice = n * 2;
    char tag[8] = "frame";
    if (n == 0) {
        at_bottom(iterations);
        return tag[0];
    }
    return descend(n - 1, at_bottom, iterations) + twice;
}

static void loop_capture(long n)
{
    for (long i = 0; i < n; i++) {
        sl_stack s = {0};
        int k = sl_stack_capture(&s, SL_WALK_CFI);
        BENCH_KEEP(k);
        sl_stack_release(&s);
    }
}

static void loop_read_variables(long n)
{
    for (long i = 0; i < n; i++) {
        sl_stack s = {0};
        int k = sl_stack_capture(&s, SL_WALK_CFI);
        k += sl_stack_read_variables(&s);
        BENCH_KEEP(k);
        sl_stack_release(&s);
    }
}

BENCH(cfi_capture_O0_100, NULL, 0, 200,
      "baseline: sl_stack_capture(SL_WALK_CFI), 100-frame -O0 recursion, released")
{
    descend(DEPTH, loop_capture, iterations);
}

BENCH(read_variables_100, "cfi_capture_O0_100", 0, 20,
      "the same + sl_stack_read_variables (n, twice, tag in each frame)")
{
    descend(DEPTH, loop_read_variables, iterations);
}
