/*
 * recursion.c: the program `make bench` reads the variables of, in-process
 * with sl_stack_read_variables and from outside with gdb's `bt full`
 * (tests/bench/variables.sh).  Built at -O0: every local in memory, as a
 * student's program.  It recurses 100 frames deep, then at the bottom:
 *
 *   recursion gdb           calls bottom(), where gdb stops;
 *   recursion stacklab N    captures the stack and reads its variables N
 *                           times, and prints the first read's time (the
 *                           cold one: debug information loaded) and the
 *                           best of the others, in ns, and the frame count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stacklab/frames.h>

#define DEPTH 100

static long reads;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Where gdb stops. */
__attribute__((noinline)) void bottom(void)
{
    __asm__ volatile("" ::: "memory");
}

static void read_here(void)
{
    long long first = 0, best = 0;
    int frames = 0, variables = 0;
    for (long i = 0; i < reads; i++) {
        long long t0 = now_ns();
        sl_stack s = {0};
        frames = sl_stack_capture(&s, SL_WALK_CFI);
        variables = sl_stack_read_variables(&s);
        sl_stack_release(&s);
        long long t = now_ns() - t0;
        if (i == 0)
            first = t;
        else if (best == 0 || t < best)
            best = t;
    }
    printf("first %lld best %lld frames %d variables %d\n", first, best, frames, variables);
}

int down(int n)
{
    int twice = n * 2;
    char tag[8] = "frame";
    if (n == 0) {
        if (reads)
            read_here();
        else
            bottom();
        return tag[0];
    }
    return down(n - 1) + twice;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "gdb") && strcmp(argv[1], "stacklab"))) {
        fprintf(stderr, "usage: recursion gdb | recursion stacklab N\n");
        return 2;
    }
    reads = strcmp(argv[1], "stacklab") == 0 ? (argc > 2 ? atol(argv[2]) : 1) : 0;
    return down(DEPTH) > 0 ? 0 : 1;
}
