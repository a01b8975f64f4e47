/*
 * bench_abi.c: what the checked call and the probe cost over a plain call
 * of the same function through a pointer.  The checked call loads six
 * canaries, calls, stores and compares seven registers and restores the
 * caller's; the probe stores 8 + 8 registers and copies 256 bytes.
 */
#include <stacklab/abi.h>
#include "bench.h"

__attribute__((noinline)) static long add4(long a, long b, long c, long d)
{
    return a + b + c + d;
}

static long (*volatile fn)(long, long, long, long) = add4;

BENCH(plain_call, NULL, 0, 100000, "baseline: add4(a, b, c, d) through a pointer")
{
    long sum = 0;
    for (long i = 0; i < iterations; i++)
        sum += fn(i, 1, 2, 3);
    BENCH_KEEP(sum);
}

BENCH(checked_call, "plain_call", 0, 100000,
      "sl_checked_call(&report, add4, ...) (asm/x86_64/checked_call.S)")
{
    long sum = 0;
    for (long i = 0; i < iterations; i++) {
        sl_check_report r;
        sum += sl_checked_call(&r, fn, i, 1, 2, 3) + r.ok;
    }
    BENCH_KEEP(sum);
}

BENCH(probe_call, "plain_call", 0, 100000,
      "the probe called as void (*)(long, long, long, long) (asm/x86_64/probe.S)")
{
    void (*probe)(long, long, long, long) = (void (*)(long, long, long, long))SL_PROBE;
    for (long i = 0; i < iterations; i++)
        probe(i, 1, 2, 3);
    BENCH_KEEP(sl_probe_last()->count);
}
