/*
 * test_abi_arch.c (aarch64): the abi suite's tests that are this
 * architecture's own: its calling convention (AAPCS64), the probe,
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
    const struct sl_context_aarch64 *x = (const void *)&c;

    memset(&c, 0, sizeof c);
    sl_context_save(&c);
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t sp = sl__ctx_demangle(x->sp_mangled);
    uint64_t pc = sl__ctx_demangle(x->pc_mangled);

    /* The demangled sp lies in this frame, at or above its frame record
     * (gcc keeps the record at the bottom); the pc in this function. */
    CU_ASSERT(sp >= fp && sp - fp < 4096);
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
    for (unsigned i = 0; i < 10; i++) {                         /* x19 .. x28: */
        unsigned r = 19 + i;                                    /* 0x190 .. 0x280 */
        CU_ASSERT_EQUAL(out[i], (r / 10) * 0x100u + (r % 10) * 0x10u);
    }
    CU_ASSERT_EQUAL(out[10], 0x80);                             /* d8, as bits */
    CU_ASSERT_EQUAL(out[11], 0x150);                            /* d15 */
}
/* ---- the probe: where did each argument go? ---------------------------- */

struct pair { long l; double d; };                 /* 16 bytes, not an HFA: x regs */
struct big { long a, b, c, d; };                   /* 32 bytes: by reference */
struct three_floats { float x, y, z; };            /* an HFA: v0, v1, v2 */

#define AS(type) ((type)SL_PROBE)

static const long L[10] = {
    0x1111111111111101, 0x1111111111111102, 0x1111111111111103, 0x1111111111111104,
    0x1111111111111105, 0x1111111111111106, 0x1111111111111107, 0x1111111111111108,
    0x1111111111111109, 0x111111111111110a,
};
static const double D[10] = { 1.25, 2.5, 3.75, 4.125, 5.0625, 6.03125, 7.5, 8.25, 9.125, 10.0625 };

static void test_aapcs64_integers(void)
{
    AS(void (*)(long, long, long, long, long, long, long, long, long, long))
        (L[0], L[1], L[2], L[3], L[4], L[5], L[6], L[7], L[8], L[9]);
    CU_ASSERT_EQUAL(sl_probe_last()->convention, SL_CALL_AAPCS64);
    CU_ASSERT_WHERE(L[0], "x0");
    CU_ASSERT_WHERE(L[3], "x3");
    CU_ASSERT_WHERE(L[7], "x7");
    CU_ASSERT_WHERE(L[8], "stack+0");          /* no return address in between */
    CU_ASSERT_WHERE(L[9], "stack+8");
}

static void test_aapcs64_doubles(void)
{
    AS(void (*)(double, double, double, double, double, double, double, double,
                double, double))
        (D[0], D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8], D[9]);
    CU_ASSERT_WHERE(D[0], "v0");
    CU_ASSERT_WHERE(D[7], "v7");
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 0, &D[8], 8), 0);
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->stack + 8, &D[9], 8), 0);
}

static void test_aapcs64_mixed(void)
{
    int i = 0x51515151;

    /* Integers and doubles take from separate queues (NGRN, NSRN). */
    AS(void (*)(int, double, long, double))(i, D[0], L[1], D[1]);
    CU_ASSERT_WHERE(i, "x0");
    CU_ASSERT_WHERE(D[0], "v0");
    CU_ASSERT_WHERE(L[1], "x1");
    CU_ASSERT_WHERE(D[1], "v1");
}

static void test_aapcs64_pair(void)
{
    struct pair p = { L[4], D[2] };
    sl_probe_arg a = { "struct pair", &p, sizeof p, "long,double" };
    sl_arg_class c[4];

    /* Not an HFA (mixed members): 16 bytes in two x registers, the double
     * too, unlike System V's INTEGER+SSE. */
    AS(void (*)(long, struct pair))(L[0], p);
    CU_ASSERT_WHERE(L[0], "x0");
    CU_ASSERT_WHERE(p.l, "x1");
    CU_ASSERT_WHERE(p.d, "x2");
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_AAPCS64, c, 4), 2);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_INTEGER);
    CU_ASSERT_EQUAL(c[1], SL_CLASS_INTEGER);
}

static void test_aapcs64_hfa(void)
{
    struct three_floats t = { 1.5f, 2.5f, 3.5f };
    sl_probe_arg a = { "struct three_floats", &t, sizeof t, "float[3]" };
    sl_arg_class c[4];
    const sl_probe_snapshot *s;

    AS(void (*)(double, struct three_floats))(D[0], t);
    s = sl_probe_last();
    CU_ASSERT_WHERE(D[0], "v0");
    /* One member per register, each at the bottom of v1, v2, v3. */
    CU_ASSERT_EQUAL(memcmp(s->vec[1], &t.x, 4), 0);
    CU_ASSERT_EQUAL(memcmp(s->vec[2], &t.y, 4), 0);
    CU_ASSERT_EQUAL(memcmp(s->vec[3], &t.z, 4), 0);
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_AAPCS64, c, 4), 3);
    CU_ASSERT_EQUAL(c[2], SL_CLASS_FP);
}

static void test_aapcs64_struct_reference(void)
{
    struct big b = { L[4], L[5], L[6], L[7] };
    sl_probe_arg a = { "struct big", &b, sizeof b, "long[4]" };
    sl_arg_class c[4];
    const sl_probe_snapshot *s;

    AS(void (*)(long, struct big))(L[0], b);
    s = sl_probe_last();
    CU_ASSERT_WHERE(L[0], "x0");
    /* x1 points at the caller's copy, in the caller's frame above sp. */
    CU_ASSERT(s->gpr[1] >= s->entry_sp && s->gpr[1] - s->entry_sp < (1u << 20));
    if (s->gpr[1] + sizeof b <= s->entry_sp + SL_PROBE_STACK_BYTES)
        CU_ASSERT_EQUAL(memcmp(s->stack + (s->gpr[1] - s->entry_sp), &b, sizeof b), 0);
    CU_ASSERT_EQUAL(sl_probe_classify(&a, SL_CALL_AAPCS64, c, 4), 1);
    CU_ASSERT_EQUAL(c[0], SL_CLASS_REFERENCE);
}

static void test_aapcs64_returned_struct(void)
{
    struct big r;
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint64_t x8;

    r = AS(struct big (*)(long))(L[2]);
    KEEP_STRUCT(r);
    /* The result's address comes in x8; the argument keeps x0. */
    CU_ASSERT_WHERE(L[2], "x0");
    x8 = reg("x8");
    CU_ASSERT(x8 > fp && x8 - fp < 4096);
}

static void test_aapcs64_variadic(void)
{
    /* Linux AArch64: variadic arguments are passed as named ones would be. */
    AS(void (*)(const char *, ...))("x", D[0], L[3], D[1]);
    CU_ASSERT_WHERE(D[0], "v0");
    CU_ASSERT_WHERE(L[3], "x1");
    CU_ASSERT_WHERE(D[1], "v1");
}

static void test_aapcs64_float_long_double(void)
{
    float f = 1.5f;
    long double ld = 3.25L;
    int i = 0x61616161;

    /* long double is IEEE binary128 here: a whole q register. */
    AS(void (*)(float, long double, int))(f, ld, i);
    CU_ASSERT_WHERE(f, "v0");
    CU_ASSERT_EQUAL(memcmp(sl_probe_last()->vec[1], &ld, 16), 0);
    CU_ASSERT_WHERE(i, "x0");
}

/* A thread's first probe finds no snapshot yet and calls C for one
 * (probe.S) before it records anything: it must record and keep the same
 * registers as every later probe. */
static void first_probe_integers(void)
{
    test_aapcs64_integers();
    CU_ASSERT_EQUAL(sl_probe_last()->count, 1);
}

static void test_first_probe_in_a_thread(void)
{
    CU_ASSERT_EQUAL(sl_thread_run(first_probe_integers), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_aapcs64_doubles), 0);
    CU_ASSERT_EQUAL(sl_thread_run(test_aapcs64_returned_struct), 0);
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
    SL_ASSERT_CONTAINS(c.output, "AAPCS64");
    SL_ASSERT_CONTAINS(c.output, "INTEGER,INTEGER");
    SL_ASSERT_CONTAINS(c.output, "x1 + x2");
    SL_ASSERT_CONTAINS(c.output, "x3 = pointer to a copy");
    SL_ASSERT_CONTAINS(c.output, "FP,FP,FP");
    SL_ASSERT_CONTAINS(c.output, "v0 + v1 + v2");
    CU_ASSERT(!sl_child_says(&c, "not there"));
}

void sl_test_abi_arch(CU_pSuite s)
{
    CU_add_test(s, "context stores sp and pc mangled", test_context_mangles_pointers);
    CU_add_test(s, "context restore brings back x19-x28, d8, d15", test_context_keeps_callee_saved);
    CU_add_test(s, "aapcs64: integers past the eighth go on the stack", test_aapcs64_integers);
    CU_add_test(s, "a thread's first probe records and keeps the same", test_first_probe_in_a_thread);
    CU_add_test(s, "aapcs64: doubles in v0-7, then the stack", test_aapcs64_doubles);
    CU_add_test(s, "aapcs64: mixed int/double use two queues", test_aapcs64_mixed);
    CU_add_test(s, "aapcs64: struct {long; double} in two x registers", test_aapcs64_pair);
    CU_add_test(s, "aapcs64: HFA of three floats in three v registers", test_aapcs64_hfa);
    CU_add_test(s, "aapcs64: 32-byte struct by reference", test_aapcs64_struct_reference);
    CU_add_test(s, "aapcs64: returned struct takes x8", test_aapcs64_returned_struct);
    CU_add_test(s, "aapcs64: variadic call as a named one", test_aapcs64_variadic);
    CU_add_test(s, "aapcs64: float in v0, long double in a whole q register", test_aapcs64_float_long_double);
    CU_add_test(s, "probe report table (aapcs64)", test_probe_print);
}
