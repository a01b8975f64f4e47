/*
 * test_abi.c (RISC-V): the calling-convention routines of asm/riscv64/
 * and abi.c, under the same test names as tests/test_abi.c (x86-64) where
 * the feature exists here, and the LP64D rules where x86-64 has its own.
 * This build has no libunwind (riscv64 is not a Debian bookworm
 * architecture), so the CFI walker's test says so instead of running.
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
    sl_test_not_here("an x86-64 convention (RISC-V has one: LP64D, tested below)");
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

/* sl_context_restore brings back fcsr, whose rounding mode fesetround sets. */
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

static void test_context_slots(void)
{
    sl_context c;
    sl_context_slot slot[32];
    int n;

    sl_context_save(&c);
    n = sl_context_slots(&c, slot, 32);
    CU_ASSERT_EQUAL(n, 27);
    for (int i = 0; i < n; i++) {
        if (strcmp(slot[i].name, "pc") == 0) {
            CU_ASSERT(slot[i].mangled);
            CU_ASSERT(slot[i].value > (uintptr_t)test_context_slots &&
                      slot[i].value < (uintptr_t)test_context_slots + 4096);
        }
        if (strcmp(slot[i].name, "s1") == 0)
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

static void test_probe_register_names(void)
{
    uint64_t v;

    AS(void (*)(long))(L[0]);
    CU_ASSERT_EQUAL(reg("a0"), (uint64_t)L[0]);
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
    SL_ASSERT_CONTAINS(c.output, "RISC-V LP64D");
    SL_ASSERT_CONTAINS(c.output, "INTEGER,FP");
    SL_ASSERT_CONTAINS(c.output, "a1 + fa0");
    SL_ASSERT_CONTAINS(c.output, "a2 = pointer to a copy");
    SL_ASSERT_CONTAINS(c.output, "a3 + a4");
    CU_ASSERT(!sl_child_says(&c, "not there"));
}

/* ---- the checked call ------------------------------------------------- */

long sl_test_clobbers_s1_fs0(long a, long b, long c, long d);
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
    CU_ASSERT_EQUAL(r.reg_count, 25);           /* s0-s11, fs0-fs11, fcsr */
}

static void test_checked_call_clobbers(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_clobbers_s1_fs0, 1, 2, 3, 4), 10);
    CU_ASSERT(!r.ok);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "s1,fs0");
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
    long v = sl_checked_call(&r, sl_test_clobbers_s1_fs0, a, b, c, d);
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
    sl_checked_call(&r, sl_test_clobbers_s1_fs0, 1, 2, 3, 4);
    sl_check_print(&r, stdout);
}

static void test_check_print(void)
{
    sl_child c;

    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, print_check, NULL, 10), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "CLOBBERED");
    SL_ASSERT_CONTAINS(c.output, "clobbered s1,fs0");
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
    /* s0 = the CFA, the caller's sp: a multiple of 16 when the caller
     * kept sp aligned. */
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
    bool saw_shim, saw_caller, shim_no_cfi, saw_s11_slot;
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
                w->saw_s11_slot |= strcmp(f->saved[j].name, "s11") == 0 && f->saved[j].slot;
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
#ifdef SL_WITHOUT_DWARF_LIBS
    sl_test_not_here("no CFI walk in this build (no libunwind for riscv64 in Debian)");
    return;
#endif
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
            CU_ASSERT(w.saw_s11_slot);          /* .cfi_offset s11 read back */
        if (!w.saw_shim || (shims[i].cfi && !w.saw_caller))
            fprintf(stderr, "\n  CFI walk through %s: shim %d caller %d stop %s\n",
                    shims[i].name, w.saw_shim, w.saw_caller, sl_stack_stop_string(w.stop));
    }
}

static void test_fp_walker_needs_a_frame(void)
{
    walk_result w = { .walker = SL_WALK_FP };

    /* The s0 chain passes through both framed shims, CFI or not. */
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
    CU_add_test(s, "context restore brings back fcsr", test_context_restores_fp_control);
    CU_add_test(s, "context restore brings back s1-s11, fs0", test_context_keeps_callee_saved);
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
    CU_add_test(s, "lp64d: integers past the eighth go on the stack", test_lp64d_integers);
    CU_add_test(s, "a thread's first probe records and keeps the same", test_first_probe_in_a_thread);
    CU_add_test(s, "lp64d: doubles in fa0-7, then integer registers", test_lp64d_doubles);
    CU_add_test(s, "lp64d: mixed int/double use two queues", test_lp64d_mixed);
    CU_add_test(s, "lp64d: struct {long; double} in a1 and fa0", test_lp64d_pair);
    CU_add_test(s, "lp64d: two floats in fa registers, three in a registers",
                test_lp64d_float_structs);
    CU_add_test(s, "lp64d: 32-byte struct by reference", test_lp64d_struct_reference);
    CU_add_test(s, "lp64d: returned struct takes a0", test_lp64d_returned_struct);
    CU_add_test(s, "lp64d: variadic doubles in integer registers", test_lp64d_variadic);
    CU_add_test(s, "lp64d: float in fa0, long double in an integer pair",
                test_lp64d_float_long_double);
    CU_add_test(s, "probe registers by name; find misses", test_probe_register_names);
    CU_add_test(s, "probe report table (lp64d)", test_probe_print);
    CU_add_test(s, "checked call: well-behaved function", test_checked_call_good);
    CU_add_test(s, "checked call: s1 and fs0 clobbered", test_checked_call_clobbers);
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
