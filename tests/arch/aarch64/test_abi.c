/*
 * test_abi.c (AArch64): the calling-convention routines of asm/aarch64/
 * and abi.c, under the same test names as tests/test_abi.c (x86-64) where
 * the feature exists here, and the AAPCS64 rules where x86-64 has its own.
 */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stacklab/abi.h>
#include <stacklab/except.h>
#include <stacklab/frames.h>
#include "context.h"
#include "harness.h"

/* Keeps a struct result alive without looking at it. */
#define KEEP_STRUCT(x) __asm__ volatile("" : : "r"(&(x)) : "memory")

static void not_x86(void)
{
    sl_test_not_here("an x86-64 convention (AArch64 has one: AAPCS64, tested below)");
}

/* ---- context save/restore ------------------------------------------- */

static sl_context jump_ctx;

__attribute__((noinline))
static void jump_back(int value)
{
    sl_context_restore(&jump_ctx, value);
}

static void test_context_returns_value(void)
{
    volatile int passes = 0;
    int r = sl_context_save(&jump_ctx);

    passes++;
    if (r == 0)
        jump_back(42);
    CU_ASSERT_EQUAL(r, 42);
    CU_ASSERT_EQUAL(passes, 2);
}

static void test_context_zero_becomes_one(void)
{
    volatile int passes = 0;
    int r = sl_context_save(&jump_ctx);

    passes++;
    if (r == 0)
        jump_back(0);
    CU_ASSERT_EQUAL(r, 1);
    CU_ASSERT_EQUAL(passes, 2);
}

/* sl_context_restore brings back FPCR, whose rounding mode fesetround sets. */
static void test_context_restores_fp_control(void)
{
    volatile int passes = 0;

    CU_ASSERT_EQUAL_FATAL(fegetround(), FE_TONEAREST);
    if (sl_context_save(&jump_ctx) == 0) {
        passes++;
        fesetround(FE_UPWARD);
        jump_back(1);
    }
    CU_ASSERT_EQUAL(passes, 1);
    CU_ASSERT_EQUAL(fegetround(), FE_TONEAREST);
    fesetround(FE_TONEAREST);
}

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

static void test_context_slots(void)
{
    sl_context c;
    sl_context_slot slot[32];
    int n;

    sl_context_save(&c);
    n = sl_context_slots(&c, slot, 32);
    CU_ASSERT_EQUAL(n, 22);
    for (int i = 0; i < n; i++) {
        if (strcmp(slot[i].name, "pc") == 0) {
            CU_ASSERT(slot[i].mangled);
            CU_ASSERT(slot[i].value > (uintptr_t)test_context_slots &&
                      slot[i].value < (uintptr_t)test_context_slots + 4096);
        }
        if (strcmp(slot[i].name, "x19") == 0)
            CU_ASSERT(!slot[i].mangled && slot[i].value == slot[i].stored);
    }
}

/* ---- the probe: where did each argument go? ---------------------------- */

static char where[48];

static const char *where_is(const void *v, size_t n)
{
    if (sl_probe_find(sl_probe_last(), v, n, where, sizeof where) < 0)
        snprintf(where, sizeof where, "(not found)");
    return where;
}
#define WHERE(x) where_is(&(x), sizeof(x))
#define CU_ASSERT_WHERE(x, place) \
    do { const char *w_ = WHERE(x); CU_ASSERT_STRING_EQUAL(w_, place); \
         if (strcmp(w_, place)) fprintf(stderr, "\n  %s: got %s, want %s\n", #x, w_, place); } while (0)

static uint64_t reg(const char *name)
{
    uint64_t v = 0;
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), name, &v), 0);
    return v;
}

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

static void test_probe_register_names(void)
{
    uint64_t v;

    AS(void (*)(long))(L[0]);
    CU_ASSERT_EQUAL(reg("x0"), (uint64_t)L[0]);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), "sp", &v), 0);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), "ret", &v), 0);
    CU_ASSERT(v > (uintptr_t)test_probe_register_names &&
              v < (uintptr_t)test_probe_register_names + 1024);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), "nope", &v), -1);
    CU_ASSERT_EQUAL(sl_probe_find(sl_probe_last(), "\x99\x98\x97\x96\x95\x94\x93\x92", 8,
                                  where, sizeof where), -1);
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

/* ---- the checked call ------------------------------------------------- */

long sl_test_clobbers_x19_d8(long a, long b, long c, long d);
long sl_test_moves_sp(long a, long b, long c, long d);

static long add4(long a, long b, long c, long d)
{
    return a + b + c + d;
}

static void test_checked_call_good(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, add4, 1, 2, 3, 4), 10);
    CU_ASSERT(r.ok);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "");
    CU_ASSERT(r.stack_pointer_ok);
    CU_ASSERT_EQUAL(r.reg_count, 20);           /* x19-x29, d8-d15, fpcr */
}

static void test_checked_call_clobbers(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_clobbers_x19_d8, 1, 2, 3, 4), 10);
    CU_ASSERT(!r.ok);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "x19,d8");
    CU_ASSERT_EQUAL(r.clobbered_count, 2);
    CU_ASSERT(r.stack_pointer_ok);
}

static void test_checked_call_stack_and_df(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_moves_sp, 5, 0, 0, 0), 5);
    CU_ASSERT(!r.ok);
    CU_ASSERT(!r.stack_pointer_ok);
    CU_ASSERT_EQUAL(r.stack_pointer_delta, -16);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "");
}

static long checked_bad(long a, long b, long c, long d)
{
    sl_check_report r;
    long v = sl_checked_call(&r, sl_test_clobbers_x19_d8, a, b, c, d);
    return r.ok ? -1 : v;
}

static void test_checked_call_restores(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, checked_bad, 1, 2, 3, 4), 10);
    CU_ASSERT(r.ok);
}

typedef long (*four_longs)(long, long, long, long);
#define AS_FOUR(f) ((four_longs)(void (*)(void))(f))

static void test_asm_preserves_callee_saved(void)
{
    sl_check_report r;

    sl_checked_call(&r, AS_FOUR(sl_probe), 1, 2, 3, 4);
    CU_ASSERT(r.ok);
    sl_checked_call(&r, AS_FOUR(sl_context_save), (long)&jump_ctx, 0, 0, 0);
    CU_ASSERT(r.ok);
}

static void print_check(void *unused)
{
    sl_check_report r;

    (void)unused;
    sl_checked_call(&r, sl_test_clobbers_x19_d8, 1, 2, 3, 4);
    sl_check_print(&r, stdout);
}

static void test_check_print(void)
{
    sl_child c;

    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, print_check, NULL, 10), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "CLOBBERED");
    SL_ASSERT_CONTAINS(c.output, "clobbered x19,d8");
}

/* ---- the frame shims -------------------------------------------------- */

typedef long (*shim_fn)(long (*)(void *), void *);

static const struct { const char *name; shim_fn shim; bool cfi; } shims[] = {
    { "sl_asm_framed", sl_asm_framed, true },
    { "sl_asm_frameless", sl_asm_frameless, true },
    { "sl_asm_saves_registers", sl_asm_saves_registers, true },
    { "sl_asm_no_cfi", sl_asm_no_cfi, false },
};
#define NSHIMS (int)(sizeof shims / sizeof shims[0])

__attribute__((noinline))
static long aligned_plus_one(void *arg)
{
    /* x29 = sp after the prologue: a multiple of 16 when the caller kept
     * sp aligned (AAPCS64 6.4.5.1). */
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    return fp % 16 == 0 ? (long)(intptr_t)arg + 1 : -1;
}

static void test_shims_call_and_align(void)
{
    for (int i = 0; i < NSHIMS; i++)
        CU_ASSERT_EQUAL(shims[i].shim(aligned_plus_one, (void *)41), 42);
}

static void test_shims_preserve_callee_saved(void)
{
    for (int i = 0; i < NSHIMS; i++) {
        sl_check_report r;
        long v = sl_checked_call(&r, AS_FOUR(shims[i].shim), (long)aligned_plus_one, 1, 0, 0);
        CU_ASSERT_EQUAL(v, 2);
        CU_ASSERT(r.ok);
        if (!r.ok)
            fprintf(stderr, "\n  %s clobbered %s\n", shims[i].name, r.clobbered);
    }
}

static long throws(void *name)
{
    SL_THROW(SL_RuntimeError, "thrown under %s", (const char *)name);
    return 0;
}

static long try_through_shim(long i, long unused1, long unused2, long unused3)
{
    volatile long caught = 0;

    (void)unused1, (void)unused2, (void)unused3;
    SL_TRY {
        shims[i].shim(throws, (void *)shims[i].name);
        caught = -1;
    } SL_CATCH(SL_RuntimeError, e) {
        caught = strstr(e->message, shims[i].name) != NULL;
    } SL_END_TRY;
    return caught;
}

static void test_exception_through_shims(void)
{
    sl_set_backtrace_capture(false);
    for (long i = 0; i < NSHIMS; i++) {
        sl_check_report r;
        CU_ASSERT_EQUAL(sl_checked_call(&r, try_through_shim, i, 0, 0, 0), 1);
        CU_ASSERT(r.ok);
        if (!r.ok)
            fprintf(stderr, "\n  through %s: %s\n", shims[i].name, r.clobbered);
    }
    sl_set_backtrace_capture(true);
}

typedef struct walk_result {
    sl_walker walker;
    bool saw_shim, saw_caller, shim_no_cfi, saw_x28_slot;
    sl_walk_stop stop;
    shim_fn shim_fn;
} walk_result;

static void run_walk(int shim, walk_result *w);

static bool returns_into(uintptr_t pc, const void *fn)
{
    return pc > (uintptr_t)fn && pc - (uintptr_t)fn < 256;
}

static long walk_from_inside(void *arg)
{
    walk_result *w = arg;
    sl_stack s = { 0 };
    int n, at = -1;

    n = sl_stack_capture(&s, w->walker);
    w->stop = s.stop;
    for (int i = 0; i < n; i++) {
        const sl_frame *f = &s.frames[i];
        if (at < 0 && returns_into(f->pc, (const void *)w->shim_fn)) {
            at = i;
            w->saw_shim = true;
            w->shim_no_cfi = f->flags & SL_FRAME_NO_CFI;
            for (int j = 0; j < f->saved_count; j++)
                w->saw_x28_slot |= strcmp(f->saved[j].name, "x28") == 0 && f->saved[j].slot;
        } else if (at >= 0 && returns_into(f->pc, (const void *)run_walk)) {
            w->saw_caller = true;
        }
    }
    sl_stack_release(&s);
    return 0;
}

__attribute__((noinline))
static void run_walk(int shim, walk_result *w)
{
    w->shim_fn = shims[shim].shim;
    shims[shim].shim(walk_from_inside, w);
    __asm__ volatile("" ::: "memory");          /* not a tail call */
}

static void test_cfi_walker_sees_shims(void)
{
    for (int i = 0; i < NSHIMS; i++) {
        walk_result w = { .walker = SL_WALK_CFI };
        run_walk(i, &w);
        CU_ASSERT(w.saw_shim);
        if (shims[i].cfi)
            CU_ASSERT(w.saw_caller && !w.shim_no_cfi);
        if (!shims[i].cfi)
            CU_ASSERT(w.shim_no_cfi || w.stop == SL_STOP_NO_UNWIND_INFO ||
                      w.stop == SL_STOP_UNWIND_ERROR);
        if (strcmp(shims[i].name, "sl_asm_saves_registers") == 0)
            CU_ASSERT(w.saw_x28_slot);          /* .cfi_offset x28 read back */
        if (!w.saw_shim || (shims[i].cfi && !w.saw_caller))
            fprintf(stderr, "\n  CFI walk through %s: shim %d caller %d stop %s\n",
                    shims[i].name, w.saw_shim, w.saw_caller, sl_stack_stop_string(w.stop));
    }
}

static void test_fp_walker_needs_a_frame(void)
{
    walk_result w = { .walker = SL_WALK_FP };

    /* The x29 chain passes through both framed shims, CFI or not. */
    run_walk(0, &w);
    CU_ASSERT(w.saw_shim && w.saw_caller);
    memset(&w, 0, sizeof w);
    w.walker = SL_WALK_FP;
    run_walk(3, &w);
    CU_ASSERT(w.saw_shim && w.saw_caller);
}

void suite_abi(void)
{
    CU_pSuite s = CU_add_suite("abi", NULL, NULL);

    CU_add_test(s, "context save returns the restored value", test_context_returns_value);
    CU_add_test(s, "context restore with 0 resumes with 1", test_context_zero_becomes_one);
    CU_add_test(s, "context stores sp and pc mangled", test_context_mangles_pointers);
    CU_add_test(s, "context restore brings back FPCR", test_context_restores_fp_control);
    CU_add_test(s, "context restore brings back x19-x28, d8, d15", test_context_keeps_callee_saved);
    CU_add_test(s, "context slots by name, demangled", test_context_slots);
    CU_add_test(s, "sysv: integers past the sixth go on the stack", not_x86);
    CU_add_test(s, "sysv: doubles in xmm0-7, then the stack", not_x86);
    CU_add_test(s, "sysv: mixed int/double use two queues", not_x86);
    CU_add_test(s, "sysv: struct {long; double} is INTEGER+SSE", not_x86);
    CU_add_test(s, "sysv: 32-byte struct is MEMORY", not_x86);
    CU_add_test(s, "sysv: returned struct takes rdi", not_x86);
    CU_add_test(s, "sysv: variadic call sets al", not_x86);
    CU_add_test(s, "sysv: float in xmm, long double on the stack", not_x86);
    CU_add_test(s, "sysv: struct of two floats in one xmm", not_x86);
    CU_add_test(s, "ms: integers past the fourth after the shadow space", not_x86);
    CU_add_test(s, "ms: doubles in xmm0-3, then the stack", not_x86);
    CU_add_test(s, "ms: mixed int/double by position", not_x86);
    CU_add_test(s, "ms: structs by reference or in one register", not_x86);
    CU_add_test(s, "ms: returned struct takes rcx", not_x86);
    CU_add_test(s, "ms: variadic double in both registers", not_x86);
    CU_add_test(s, "ms: float in xmm, long double by reference", not_x86);
    CU_add_test(s, "ms: probe keeps rdi, rsi, xmm6, xmm15", not_x86);
    CU_add_test(s, "aapcs64: integers past the eighth go on the stack", test_aapcs64_integers);
    CU_add_test(s, "a thread's first probe records and keeps the same", test_first_probe_in_a_thread);
    CU_add_test(s, "aapcs64: doubles in v0-7, then the stack", test_aapcs64_doubles);
    CU_add_test(s, "aapcs64: mixed int/double use two queues", test_aapcs64_mixed);
    CU_add_test(s, "aapcs64: struct {long; double} in two x registers", test_aapcs64_pair);
    CU_add_test(s, "aapcs64: HFA of three floats in three v registers", test_aapcs64_hfa);
    CU_add_test(s, "aapcs64: 32-byte struct by reference", test_aapcs64_struct_reference);
    CU_add_test(s, "aapcs64: returned struct takes x8", test_aapcs64_returned_struct);
    CU_add_test(s, "aapcs64: variadic call as a named one", test_aapcs64_variadic);
    CU_add_test(s, "aapcs64: float in v0, long double in a whole q register",
                test_aapcs64_float_long_double);
    CU_add_test(s, "probe registers by name; find misses", test_probe_register_names);
    CU_add_test(s, "probe report table (aapcs64)", test_probe_print);
    CU_add_test(s, "checked call: well-behaved function", test_checked_call_good);
    CU_add_test(s, "checked call: x19 and d8 clobbered", test_checked_call_clobbers);
    CU_add_test(s, "checked call: moved sp", test_checked_call_stack_and_df);
    CU_add_test(s, "checked call restores the caller's registers", test_checked_call_restores);
    CU_add_test(s, "probe and context save keep callee-saved", test_asm_preserves_callee_saved);
    CU_add_test(s, "checked call report", test_check_print);
    CU_add_test(s, "shims return fn(arg) with an aligned call", test_shims_call_and_align);
    CU_add_test(s, "shims preserve callee-saved registers", test_shims_preserve_callee_saved);
    CU_add_test(s, "exception thrown through each shim, caught outside", test_exception_through_shims);
    CU_add_test(s, "CFI walker sees each shim (and the one without CFI)", test_cfi_walker_sees_shims);
    CU_add_test(s, "FP walker passes through the framed shims", test_fp_walker_needs_a_frame);
}
