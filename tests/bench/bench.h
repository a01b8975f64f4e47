/*
 * bench.h: the benchmark harness shared by every benchmark file in tests/bench/.
 *
 * A case is a function that performs its operation `iterations` times.  A
 * case may name a baseline case and a goal: the largest acceptable ratio
 * case/baseline.  Every number is a ratio against a baseline built into the
 * same binary, so it means the same on a fast or a slow machine.
 *
 * Two measurements (tests/bench/run.sh drives both):
 *   instructions  valgrind --tool=callgrind, counting only inside
 *                 bench_measured() after a warm-up run: exact and repeatable;
 *   nanoseconds   clock_gettime, the best of several runs: noisy, for scale.
 *
 * Define a case with:
 *     BENCH(try_leave, "raw_setjmp", 1.0, 20000, "SL_TRY enter and leave")
 *     { for (long i = 0; i < iterations; i++) ... }
 */
#ifndef SL_BENCH_H
#define SL_BENCH_H

typedef struct bench_case {
    const char *name;
    const char *what;           /* one line for the table */
    void (*run)(long iterations);
    const char *baseline;       /* case name, or NULL */
    double goal;                /* largest acceptable ratio to the baseline, 0: none */
    long cg_iterations;         /* iterations under callgrind */
} bench_case;

void bench_register(const bench_case *c);

/* Keeps the compiler from deleting work whose result is unused. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "r"(x) : "memory")

#define BENCH(fn, baseline, goal, cg_iters, what)                           \
    static void fn(long iterations);                                        \
    static const bench_case fn##_case = { #fn, what, fn, baseline, goal,    \
                                          cg_iters };                       \
    __attribute__((constructor)) static void fn##_register(void)            \
    {                                                                       \
        bench_register(&fn##_case);                                         \
    }                                                                       \
    static void fn(long iterations)

#endif
