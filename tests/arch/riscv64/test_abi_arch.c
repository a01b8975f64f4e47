/*
 * test_abi_arch.c (riscv64): the abi suite's tests that are this
 * architecture's own: its calling convention (LP64D), the probe,
 * the context's register layout.  tests/test_abi.c has the shared ones.
 */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/abi.h>
#include <stacklab/frames.h>
#include "context.h"
#include "harness.h"
#include "test_abi.h"

/* ---- context: the saved registers ----------------------------------- */

static void test_context_mangles_pointers(void)
{
    sl_context c;
    const struct sl_context_riscv64 *x = (const void *)&c;

    memset(&c, 0, sizeof c);
    sl_context_save(&c);
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t sp = sl__ctx_demangle(x->sp_mangled);
    uint64_t pc = sl__ctx_demangle(x->pc_mangled);

    /* The demangled sp lies in this frame, below its frame pointer (s0
     * points at the CFA, the top of the frame); the pc in this function. */
    CU_ASSERT(sp < fp && fp - sp < 4096);
    CU_ASSERT(pc > (uintptr_t)test_context_mangles_pointers &&
              pc < (uintptr_t)test_context_mangles_pointers + 4096);
    if (sl__context_secret != 0) {
        CU_ASSERT(x->sp_mangled != sp);
        CU_ASSERT(x->pc_mangled != pc);
    }
}

int sl_test_context_keeps_regs(sl_context *ctx, uint64_t out[12]);

static void test_context_keeps_callee_saved(void)
{
    sl_context c;
    uint64_t out[12] = { 0 };

    CU_ASSERT_EQUAL(sl_test_context_keeps_regs(&c, out), 7);
    for (unsigned i = 0; i < 11; i++)                           /* s1 .. s11 */
        CU_ASSERT_EQUAL(out[i], 0x10u * (i + 1));
    CU_ASSERT_EQUAL(out[11], 0xf0);                             /* fs0, as bits */
}
/* ---- the probe: where did each argument go? ---------------------------- */

struct pair { long l; double d; };                 /* one integer, one double: a + fa */
struct big { long a, b, c, d; };                   /* 32 bytes: by reference */
struct three_floats { float x, y, z; };            /* three FP members: integer registers */
struct two_floats { float x, y; };                 /* two FP members: fa, fa */

#define AS(type) ((type)SL_PROBE)

static const long L[10] = {
    0x1111111111111101, 0x1111111111111102, 0x1111111111111103, 0x1111111111111104,
    0x1111111111111105, 0x1111111111111106, 0x1111111111111107, 0x1111111111111108,
    0x1111111111111109, 0x111111111111110a,
};
static const double D[10] = { 1.25, 2.5, 3.75, 4.125, 5.0625, 6.03125, 7.5, 8.25, 9.125, 10.0625 };

static void test_lp64d_integers(void)
{
    AS(void (*)(long, long, long, long, long, long, long, long, long, long))
        (L[0], L[1], L[2], L[3], L[4], L[5], L[6], L[7], L[8], L[9]);
    CU_ASSERT_EQUAL(sl_probe_last()->convention, SL_CALL_LP64D);
    CU_ASSERT_WHERE(L[0], "a0");
    CU_ASSERT_WHERE(L[3], "a3");
    CU_ASSERT_WHERE(L[7], "a7");
    CU_ASSERT_WHERE(L[8], "stack+0");          /* no return address in between */
    CU_ASSERT_WHERE(L[9], "stack+8");
}

static void test_lp64d_doubles(void)
{
    const sl_probe_snapshot *s;

    AS(void (*)(double, double, double, double, double, double, double, double,
                double, double))
        (D[0], D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8], D[9]);
    s = sl_probe_last();
    CU_ASSERT_WHERE(D[0], "fa0");
    CU_ASSERT_WHERE(D[7], "fa7");
    /* Past fa7 a double goes by the integer rules: a0, a1 (AArch64 and
     * x86-64 put it on the stack). */
    CU_ASSERT_EQUAL(memcmp(&s->gpr[0], &D[8], 8), 0);
    CU_ASSERT_EQUAL(memcmp(&s->gpr[1], &D[9], 8), 0);
}

static void test_lp64d_mixed(void)
{
    int i = 0x51515151;

    AS(void (*)(int, double, long, double))(i, D[0], L[1], D[1]);
    CU_ASSERT_WHERE(i, "a0");
    CU_ASSERT_WHERE(D[0], "fa0");
    CU_ASSERT_WHERE(L[1], "a1");
    CU_ASSERT_WHERE(D[1], "fa1");
}

static void test_lp64d_pair(void)
{
    struct pair p = { L[4], D[2] };
    sl_probe_arg a = { "struct pair", &p, sizeof p, "long,double" };
    sl_arg_class c[4];

    /* One integer and one FP member: a1 and fa0, as System V would. */
    AS(void (*)(long, struct pair))(L[0], p);
    CU_ASSERT_WHERE(L[0], "a0");
    CU_ASSERT_WHERE(p.l, "a1");
    CU_ASSERT_WHERE(p.d, "fa0");
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_LP64D, c, 4), 2);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_INTEGER);
    CU_ASSERT_EQUAL(c[1], SL_CLASS_FP);
}

static void test_lp64d_float_structs(void)
{
    struct two_floats t2 = { 1.5f, 2.5f };
    struct three_floats t3 = { 4.5f, 5.5f, 6.5f };
    sl_probe_arg a3 = { "struct three_floats", &t3, sizeof t3, "float[3]" };
    sl_arg_class c[4];
    const sl_probe_snapshot *s;

    /* Two FP members: one fa register each.  Three: not a shape the FP
     * convention knows, so 12 bytes by the integer rules, in a0 and a1. */
    AS(void (*)(struct two_floats, struct three_floats))(t2, t3);
    s = sl_probe_last();
    CU_ASSERT_EQUAL(memcmp(s->vec[0], &t2.x, 4), 0);
    CU_ASSERT_EQUAL(memcmp(s->vec[1], &t2.y, 4), 0);
    CU_ASSERT_EQUAL(memcmp(&s->gpr[0], &t3, 8), 0);
    CU_ASSERT_EQUAL(memcmp(&s->gpr[1], &t3.z, 4), 0);
    CU_ASSERT_EQUAL(sl_probe_classify(&a3, SL_CALL_LP64D, c, 4), 2);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_INTEGER);
}

static void test_lp64d_struct_reference(void)
{
    struct big b = { L[4], L[5], L[6], L[7] };
    sl_probe_arg a = { "struct big", &b, sizeof b, "long[4]" };
    sl_arg_class c[4];
    const sl_probe_snapshot *s;

    AS(void (*)(long, struct big))(L[0], b);
    s = sl_probe_last();
    CU_ASSERT_WHERE(L[0], "a0");
    /* a1 points at the caller's copy, in the caller's frame above sp. */
    CU_ASSERT(s->gpr[1] >= s->entry_sp && s->gpr[1] - s->entry_sp < (1u << 20));
    if (s->gpr[1] + sizeof b <= s->entry_sp + SL_PROBE_STACK_BYTES)
        CU_ASSERT_EQUAL(memcmp(s->stack + (s->gpr[1] - s->entry_sp), &b, sizeof b), 0);
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_LP64D, c, 4), 1);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_REFERENCE);
}

static void test_lp64d_returned_struct(void)
{
    struct big r;
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t a0;

    r = AS(struct big (*)(long))(L[2]);
    KEEP_STRUCT(r);
    /* The hidden pointer to the result takes a0; the argument moves over.
     * The result lies in this frame, below s0 (the CFA). */
    CU_ASSERT_WHERE(L[2], "a1");
    a0 = reg("a0");
    CU_ASSERT(a0 < fp && fp - a0 < 4096);
}

static void test_lp64d_variadic(void)
{
    const sl_probe_snapshot *s;

    /* Variadic doubles follow the integer rules: a1 and a3, not fa0. */
    AS(void (*)(const char *, ...))("x", D[0], L[3], D[1]);
    s = sl_probe_last();
    CU_ASSERT_EQUAL(memcmp(&s->gpr[1], &D[0], 8), 0);
    CU_ASSERT_WHERE(L[3], "a2");
    CU_ASSERT_EQUAL(memcmp(&s->gpr[3], &D[1], 8), 0);
}

static void test_lp64d_float_long_double(void)
{
    float f = 1.5f;
    long double ld = 3.25L;
    int i = 0x61616161;
    const sl_probe_snapshot *s;

    /* long double is 128-bit, FLEN is 64: an integer register pair. */
    AS(void (*)(float, long double, int))(f, ld, i);
    s = sl_probe_last();
    CU_ASSERT_WHERE(f, "fa0");
    CU_ASSERT_EQUAL(memcmp(&s->gpr[0], &ld, 16), 0);
    CU_ASSERT_WHERE(i, "a2");
}

/* A thread's first probe finds no snapshot yet and calls C for one
 * (probe.S) before it records anything: it must record and keep the same
 * registers as every later probe. */
static void first_probe_integers(void)
{
    test_lp64d_integers();
    CU_ASSERT_EQUAL(sl_probe_last()->count, 1);
}

static void test_first_probe_in_a_thread(void)
{
    CU_ASSERT_EQUAL(sl_thread_run(first_probe_integers), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_lp64d_doubles), 0);
}

static void print_report(void *unused)
{
    struct pair p = { 0x7777, 2.5 };
    struct big b = { L[4], L[5], L[6], L[7] };
    struct three_floats t = { 1.5f, 2.5f, 3.5f };
    int i = 0x1234567;
    sl_probe_arg args[] = {
        SL_PROBE_ARG(int, i),
        { "struct pair", &p, sizeof p, "long,double" },
        { "struct big", &b, sizeof b, "long[4]" },
        { "struct three_floats", &t, sizeof t, "float[3]" },
    };

    (void)unused;
    AS(void (*)(int, struct pair, struct big, struct three_floats))(i, p, b, t);
    sl_probe_print(sl_probe_last(), args, 4, stdout);
}

static void test_probe_print(void)
{
    sl_child c;

    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, print_report, NULL, 10), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "RISC-V LP64D");
    SL_ASSERT_CONTAINS(c.output, "INTEGER,FP");
    SL_ASSERT_CONTAINS(c.output, "a1 + fa0");
    SL_ASSERT_CONTAINS(c.output, "a2 = pointer to a copy");
    SL_ASSERT_CONTAINS(c.output, "a3 + a4");
    CU_ASSERT(!sl_child_says(&c, "not there"));
}

void sl_test_abi_arch(CU_pSuite s)
{
    CU_add_test(s, "context stores sp and pc mangled", test_context_mangles_pointers);
    CU_add_test(s, "context restore brings back s1-s11, fs0", test_context_keeps_callee_saved);
    CU_add_test(s, "lp64d: integers past the eighth go on the stack", test_lp64d_integers);
    CU_add_test(s, "a thread's first probe records and keeps the same", test_first_probe_in_a_thread);
    CU_add_test(s, "lp64d: doubles in fa0-7, then integer registers", test_lp64d_doubles);
    CU_add_test(s, "lp64d: mixed int/double use two queues", test_lp64d_mixed);
    CU_add_test(s, "lp64d: struct {long; double} in a1 and fa0", test_lp64d_pair);
    CU_add_test(s, "lp64d: two floats in fa registers, three in a registers", test_lp64d_float_structs);
    CU_add_test(s, "lp64d: 32-byte struct by reference", test_lp64d_struct_reference);
    CU_add_test(s, "lp64d: returned struct takes a0", test_lp64d_returned_struct);
    CU_add_test(s, "lp64d: variadic doubles in integer registers", test_lp64d_variadic);
    CU_add_test(s, "lp64d: float in fa0, long double in an integer pair", test_lp64d_float_long_double);
    CU_add_test(s, "probe report table (lp64d)", test_probe_print);
}
