/*
 * fixture.c: the program the gdb oracle suite (tests/oracle_gdb.sh) runs
 * under gdb, one scenario per run:
 *
 *     fixture SCENARIO OUTFILE
 *
 * Every scenario ends in report(), which captures the stack twice, once per
 * walker.  gdb stops at each sl_stack_capture call and describes the frames
 * above it (its frame 1 is report, our frame 0); after the run, compare.py
 * reads what stacklab found at the same two stops from OUTFILE, one line per
 * frame, and compares them frame by frame.  Symbolizing waits until every
 * scenario has returned, so a handler on a small alternate stack only walks.
 *
 * The parts built with other flags are the scenarios' subjects:
 * fixture_nofp.c (-fomit-frame-pointer), fixture_protected.c
 * (-fstack-protector-all, with and without frame pointers).
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stacklab/abi.h>
#include <stacklab/frames.h>
#include "fixture.h"

static sl_stack cfi, fp;

/* The one place both captures happen: gdb's breakpoint is sl_stack_capture. */
NOINLINE void report(void)
{
    sl_stack_capture(&cfi, SL_WALK_CFI);
    sl_stack_capture(&fp, SL_WALK_FP);
    KEEP_FRAME();
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "-";
}

/* One line per frame: what compare.py reads. */
static void print_stack(FILE *out, const char *walker, sl_stack *s)
{
    sl_stack_symbolize(s);
    for (int i = 0; i < s->count; i++) {
        const sl_frame *f = &s->frames[i];
        fprintf(out, "%s %d pc=%#lx cfa=%#lx ra=%#lx flags=%#x fn=%s file=%s line=%d canary=%#lx",
                walker, i, (unsigned long)f->pc, (unsigned long)f->cfa,
                (unsigned long)f->return_address_slot, f->flags, f->function,
                base_name(f->file), f->line, (unsigned long)f->canary_slot);
        for (int k = 0; k < f->saved_count; k++)
            fprintf(out, " %s=%#lx", f->saved[k].name, (unsigned long)f->saved[k].slot);
        if (!strcmp(walker, "fp") && f->saved_fp_slot)
            fprintf(out, " rbp=%#lx", (unsigned long)f->saved_fp_slot);
        fputc('\n', out);
    }
    fprintf(out, "%s stop=%d\n", walker, (int)s->stop);
}

/* ---- framed code ---------------------------------------------------------- */

NOINLINE static int framed_b(int x)
{
    report();
    KEEP_FRAME();
    return x + 1;
}

NOINLINE static int framed_a(int x)
{
    int r = framed_b(x + 1);
    KEEP_FRAME();
    return r + 1;
}

NOINLINE int fixture_regs_framed(int x)
{
    MANY_REGISTERS_BODY(x);
}

volatile int fixture_sink;

/* ---- a stale canary ------------------------------------------------------- */

/* Its frame takes the place fixture_protected_leaf's had, and its array,
 * never written, still holds the canary that function stored there.  This
 * file is built without the protector: no canary of its own. */
NOINLINE static int unprotected(int x)
{
    char buf[32];
    report();
    __asm__ volatile("" : : "r"(buf) : "memory");   /* keep buf in the frame */
    return x;
}

NOINLINE int fixture_stale_canary(int x)
{
    int r = fixture_protected_leaf(x);
    r += unprotected(x);
    KEEP_FRAME();
    return r;
}

/* ---- the asm shims (asm/x86_64/frames.S) ------------------------------ */

static long asm_inner(void *arg)
{
    (void)arg;
    report();
    KEEP_FRAME();
    return 1;
}

static long asm_saves(void *arg) { long r = sl_asm_saves_registers(asm_inner, arg); KEEP_FRAME(); return r; }
static long asm_frameless(void *arg) { long r = sl_asm_frameless(asm_saves, arg); KEEP_FRAME(); return r; }

NOINLINE static long asm_chain(void)
{
    long r = sl_asm_framed(asm_frameless, NULL);
    KEEP_FRAME();
    return r;
}

NOINLINE static long asm_no_cfi(void)
{
    long r = sl_asm_no_cfi(asm_inner, NULL);
    KEEP_FRAME();
    return r;
}

/* ---- signals ------------------------------------------------------------- */

static volatile sig_atomic_t handled, spinning;

static void handler(int sig)
{
    (void)sig;
    report();
    handled = 1;
}

NOINLINE static void raiser(void)
{
    raise(SIGUSR1);
    KEEP_FRAME();
}

static void *sender(void *main_thread)
{
    while (!spinning)
        usleep(1000);
    while (!handled) {
        pthread_kill(*(pthread_t *)main_thread, SIGUSR1);
        usleep(1000);
    }
    return NULL;
}

/* Spins in plain code (no call to be interrupted in) until the handler ran. */
NOINLINE static void spin(void)
{
    spinning = 1;
    while (!handled)
        __asm__ volatile("" ::: "memory");
}

static void install(int on_altstack)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = on_altstack ? SA_ONSTACK : 0;
    sigaction(SIGUSR1, &sa, NULL);
}

/* ---- a second thread ---------------------------------------------------- */

static void *thread_body(void *arg)
{
    framed_a(1);
    return arg;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fixture SCENARIO OUTFILE\n");
        return 2;
    }
    const char *scenario = argv[1];
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 2;
    }
    /* Size both arrays first: a handler must not allocate. */
    report();

    if (!strcmp(scenario, "framed")) {
        framed_a(1);
    } else if (!strcmp(scenario, "nofp")) {
        fixture_nofp_outer(1);
    } else if (!strcmp(scenario, "regs")) {
        fixture_regs_framed(1);
    } else if (!strcmp(scenario, "regs_nofp")) {
        fixture_regs_nofp(1);
    } else if (!strcmp(scenario, "protected")) {
        fixture_protected_outer(1);
    } else if (!strcmp(scenario, "stale_canary")) {
        fixture_stale_canary(1);
    } else if (!strcmp(scenario, "asm")) {
        asm_chain();
    } else if (!strcmp(scenario, "asm_no_cfi")) {
        asm_no_cfi();
    } else if (!strcmp(scenario, "raise")) {
        install(0);
        raiser();
    } else if (!strcmp(scenario, "async")) {
        pthread_t self = pthread_self(), t;
        install(0);
        pthread_create(&t, NULL, sender, &self);
        spin();
        pthread_join(t, NULL);
    } else if (!strcmp(scenario, "altstack")) {
        static char alt[64 * 1024];
        stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
        sigaltstack(&ss, NULL);
        install(1);
        raiser();
    } else if (!strcmp(scenario, "thread")) {
        pthread_t t;
        pthread_create(&t, NULL, thread_body, NULL);
        pthread_join(t, NULL);
    } else {
        fprintf(stderr, "fixture: unknown scenario '%s'\n", scenario);
        return 2;
    }
    print_stack(out, "cfi", &cfi);
    print_stack(out, "fp", &fp);
    return fclose(out) == 0 ? 0 : 1;
}
