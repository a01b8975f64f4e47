/*
 * fixture.h: what the oracle fixture's parts share (see fixture.c).
 */
#ifndef SL_ORACLE_FIXTURE_H
#define SL_ORACLE_FIXTURE_H

/* noinline is not enough for gcc: it may still clone a function. */
#ifdef __clang__
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")   /* no tail call */

void report(void);

/* fixture_nofp.c, built with -fomit-frame-pointer */
int fixture_nofp_outer(int x);
int fixture_regs_nofp(int x);
/* fixture.c, framed */
int fixture_regs_framed(int x);
/* fixture_protected.c (framed) and fixture_protected_nofp.c, both with
 * -fstack-protector-all: outer (framed) -> mid (no frame pointer) -> inner
 * (no frame pointer, callee-saved registers) -> report */
int fixture_protected_outer(int x);
int fixture_protected_mid(int x);
int fixture_protected_inner(int x);
/* fixture_protected.c: a protected function that returns at once, and
 * fixture.c: an unprotected one whose frame then covers the same stack */
int fixture_protected_leaf(int x);
int fixture_stale_canary(int x);

/* Six values live across a call: the compiler keeps them in callee-saved
 * registers (rbx, r12-r15, and rbp when it is free), which the function
 * saves in its prologue. */
extern volatile int fixture_sink;
#define MANY_REGISTERS_BODY(x)                                              \
    int a = (x) * 3, b = (x) ^ 5, c = (x) + 7, d = (x) * (x), e = (x) - 11, \
        g = (x) << 2;                                                       \
    report();                                                               \
    fixture_sink = a + b;                                                   \
    return a * b + c * d + e * g

#endif
