/*
 * bench.c: the driver for the cases that the files in tests/bench/ register.
 *
 *   bench                      nanoseconds for every case, as a table
 *   bench --list               case names, one a line
 *   bench --case NAME -n N     one warm-up, then NAME N times inside
 *                              bench_measured() (for callgrind)
 *   bench --instructions FILE  the table, with instructions per operation
 *                              read from FILE ("name total_instructions N")
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_CASES 64

static const bench_case *cases[MAX_CASES];
static int ncases;
static double ir_per_op[MAX_CASES];     /* < 0: not measured */
static double ns_per_op[MAX_CASES];

void bench_register(const bench_case *c)
{
    if (ncases == MAX_CASES) {
        fprintf(stderr, "bench: more than %d cases\n", MAX_CASES);
        exit(2);
    }
    cases[ncases++] = c;
}

static int find(const char *name)
{
    for (int i = 0; i < ncases; i++)
        if (strcmp(cases[i]->name, name) == 0)
            return i;
    return -1;
}

/* Everything callgrind counts happens in here (--toggle-collect). */
__attribute__((noinline))
void bench_measured(const bench_case *c, long iterations)
{
    c->run(iterations);
    __asm__ volatile("" ::: "memory");
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Best of 7 runs, each about 10 ms long. */
static double time_case(const bench_case *c)
{
    long n = 1;
    double best = 0;

    c->run(10);
    for (;;) {
        double t0 = now_ns();
        c->run(n);
        double t = now_ns() - t0;
        if (t > 1e7 || n > (1L << 40))
            break;
        n *= 2;
    }
    for (int r = 0; r < 7; r++) {
        double t0 = now_ns();
        c->run(n);
        double t = (now_ns() - t0) / n;
        if (r == 0 || t < best)
            best = t;
    }
    return best;
}

static void print_ratio(double v, double base)
{
    if (v >= 0 && base > 0)
        printf(" %7.3fx", v / base);
    else
        printf(" %8s", "");
}

static void print_table(int have_ir)
{
    int failed = 0;

    printf("%-28s %12s %10s  %-22s %8s %8s %6s  %s\n", "case", "instr/op", "ns/op",
           "baseline", "instr x", "ns x", "goal", "");
    for (int i = 0; i < ncases; i++) {
        const bench_case *c = cases[i];
        int b = c->baseline ? find(c->baseline) : -1;

        printf("%-28s", c->name);
        if (have_ir && ir_per_op[i] >= 0)
            printf(" %12.1f", ir_per_op[i]);
        else
            printf(" %12s", "-");
        printf(" %10.1f  %-22s", ns_per_op[i], b >= 0 ? c->baseline : "");
        print_ratio(b >= 0 && have_ir ? ir_per_op[i] : -1, b >= 0 ? ir_per_op[b] : 0);
        print_ratio(b >= 0 ? ns_per_op[i] : -1, b >= 0 ? ns_per_op[b] : 0);
        if (b >= 0 && c->goal > 0) {
            /* The goal is judged in instructions when we have them. */
            double r = have_ir && ir_per_op[b] > 0 ? ir_per_op[i] / ir_per_op[b]
                                                   : ns_per_op[i] / ns_per_op[b];
            int ok = r <= c->goal;
            printf(" %5.3g  %s", c->goal, ok ? "met" : "MISSED");
            failed += !ok;
        }
        printf("\n");
        printf("%-28s %s\n", "", c->what);
    }
    printf("\nratios: case / baseline; goal: largest acceptable ratio%s.\n",
           have_ir ? ", judged in instructions (callgrind)" : ", judged in ns (no valgrind)");
    if (failed)
        printf("%d goal%s missed.\n", failed, failed == 1 ? "" : "s");
}

static void usage(void)
{
    fprintf(stderr, "usage: bench [--list | --case NAME -n N | --instructions FILE]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int have_ir = 0;

    for (int i = 0; i < ncases; i++)
        ir_per_op[i] = -1;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < ncases; i++)
            printf("%s %ld\n", cases[i]->name, cases[i]->cg_iterations);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--case") == 0) {
        if (argc != 5 || strcmp(argv[3], "-n") != 0)
            usage();
        int i = find(argv[2]);
        if (i < 0) {
            fprintf(stderr, "bench: no case named '%s'\n", argv[2]);
            return 2;
        }
        cases[i]->run(10);              /* warm up: lazy binding, caches */
        bench_measured(cases[i], atol(argv[4]));
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--instructions") == 0) {
        if (argc != 3)
            usage();
        FILE *f = fopen(argv[2], "r");
        char name[128];
        double total, n;
        if (!f) {
            perror(argv[2]);
            return 2;
        }
        while (fscanf(f, "%127s %lf %lf", name, &total, &n) == 3) {
            int i = find(name);
            if (i >= 0 && n > 0)
                ir_per_op[i] = total / n;
        }
        fclose(f);
        have_ir = 1;
    } else if (argc > 1) {
        usage();
    }
    for (int i = 0; i < ncases; i++)
        ns_per_op[i] = time_case(cases[i]);
    print_table(have_ir);
    return 0;
}
