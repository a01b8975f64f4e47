/*
 * test_abi.c: the calling-convention routines of asm/<arch>/ and abi.c
 * that every architecture has: the context, the checked call, the frame
 * shims.  Register names and fixtures come from tests/arch/$(ARCH)/
 * (test_arch.h, abi_fixtures.S); each architecture's own rules are in its
 * test_abi_arch.c.
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
#include "test_abi.h"
#include "test_arch.h"

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

/* sl_context_restore brings back the floating-point control state that
 * fesetround changes (test_arch.h: SL_TEST_FP_CONTROL names it). */
static void test_context_restores_fp_control(void)
{
    volatile int passes = 0;
    unsigned long before = SL_TEST_FP_CONTROL();

    CU_ASSERT_EQUAL_FATAL(fegetround(), FE_TONEAREST);
    if (sl_context_save(&jump_ctx) == 0) {
        passes++;
        fesetround(FE_UPWARD);
        CU_ASSERT_NOT_EQUAL(SL_TEST_FP_CONTROL(), before);
        jump_back(1);
    }
    CU_ASSERT_EQUAL(passes, 1);
    CU_ASSERT_EQUAL(SL_TEST_FP_CONTROL(), before);
    CU_ASSERT_EQUAL(fegetround(), FE_TONEAREST);
    fesetround(FE_TONEAREST);
}

static void test_context_slots(void)
{
    sl_context c;
    sl_context_slot slot[32];
    int n;

    sl_context_save(&c);
    n = sl_context_slots(&c, slot, 32);
    CU_ASSERT_EQUAL(n, SL_TEST_CONTEXT_SLOTS);
    for (int i = 0; i < n; i++) {
        if (strcmp(slot[i].name, SL_TEST_PC_NAME) == 0) {
            CU_ASSERT(slot[i].mangled);
            CU_ASSERT(slot[i].value > (uintptr_t)test_context_slots &&
                      slot[i].value < (uintptr_t)test_context_slots + 4096);
        }
        if (strcmp(slot[i].name, SL_TEST_CALLEE_NAME) == 0)
            CU_ASSERT(!slot[i].mangled && slot[i].value == slot[i].stored);
    }
}

/* ---- the probe, by register name -------------------------------------- */

static void test_probe_register_names(void)
{
    const long first = 0x1111111111111101;
    uint64_t v;

    ((void (*)(long))SL_PROBE)(first);
    CU_ASSERT_EQUAL(reg(SL_TEST_ARG0_NAME), (uint64_t)first);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), SL_TEST_SP_NAME, &v), 0);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), "ret", &v), 0);
    CU_ASSERT(v > (uintptr_t)test_probe_register_names &&
              v < (uintptr_t)test_probe_register_names + 1024);
    CU_ASSERT_EQUAL(sl_probe_register(sl_probe_last(), "nope", &v), -1);
    CU_ASSERT_EQUAL(sl_probe_find(sl_probe_last(), "\x99\x98\x97\x96\x95\x94\x93\x92", 8,
                                  where, sizeof where), -1);
}

/* ---- the checked call ------------------------------------------------- */

/* tests/arch/$(ARCH)/abi_fixtures.S: each breaks one rule of the ABI. */
long sl_test_clobbers_two(long a, long b, long c, long d);  /* SL_TEST_CLOBBERED */
long sl_test_moves_sp(long a, long b, long c, long d);      /* returns, sp 16 lower */

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
    CU_ASSERT(r.direction_flag_clear);
    CU_ASSERT_EQUAL(r.reg_count, SL_TEST_CHECKED_REGS);
}

static void test_checked_call_clobbers(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_clobbers_two, 1, 2, 3, 4), 10);
    CU_ASSERT(!r.ok);
    CU_ASSERT_STRING_EQUAL(r.clobbered, SL_TEST_CLOBBERED);
    CU_ASSERT_EQUAL(r.clobbered_count, 2);
    CU_ASSERT(r.stack_pointer_ok);
}

static void test_checked_call_moved_sp(void)
{
    sl_check_report r;

    CU_ASSERT_EQUAL(sl_checked_call(&r, sl_test_moves_sp, 5, 0, 0, 0), 5);
    CU_ASSERT(!r.ok);
    CU_ASSERT(!r.stack_pointer_ok);
    CU_ASSERT_EQUAL(r.stack_pointer_delta, -16);
    CU_ASSERT_STRING_EQUAL(r.clobbered, "");
}

/* A checked call of a bad function, itself run under a checked call: the
 * outer one sees every register restored. */
static long checked_bad(long a, long b, long c, long d)
{
    sl_check_report r;
    long v = sl_checked_call(&r, sl_test_clobbers_two, a, b, c, d);
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
    sl_checked_call(&r, sl_test_clobbers_two, 1, 2, 3, 4);
    sl_check_print(&r, stdout);
}

static void test_check_print(void)
{
    sl_child c;

    CU_ASSERT_EQUAL_FATAL(sl_child_run(&c, print_check, NULL, 10), 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "CLOBBERED");
    SL_ASSERT_CONTAINS(c.output, "clobbered " SL_TEST_CLOBBERED);
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
    /* The frame pointer is a multiple of 16 when the caller kept sp
     * aligned: x86-64's rbp = entry rsp - 8, AArch64's x29 = sp after the
     * prologue (AAPCS64 6.4.5.1), RISC-V's s0 = the caller's sp. */
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

/* ---- the shims meet the other modules ----------------------------------- */

static long throws(void *name)
{
    SL_THROW(SL_RuntimeError, "thrown under %s", (const char *)name);
    return 0;
}

/* Throws through shim i and catches outside it; returns 1 when caught with
 * the right message.  Run under a checked call, which then sees whether the
 * jump out of the shim left its caller's registers as the ABI requires. */
static long try_through_shim(long i, long unused1, long unused2, long unused3)
{
    volatile long caught = 0;

    (void)unused1, (void)unused2, (void)unused3;
    SL_TRY {
        shims[i].shim(throws, (void *)shims[i].name);
        caught = -1;                            /* not reached */
    } SL_CATCH(SL_RuntimeError, e) {
        caught = strstr(e->message, shims[i].name) != NULL;
    } SL_END_TRY;
    return caught;
}

static void test_exception_through_shims(void)
{
    /* The jump is the subject here, not the backtrace (the CFI walker
     * tests below walk through the shims). */
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

/* What a walker found from inside fn, called through a shim. */
typedef struct walk_result {
    sl_walker walker;
    bool saw_shim, saw_caller, shim_no_cfi, saw_last_slot;
    sl_walk_stop stop;
    shim_fn shim_fn;
} walk_result;

static void run_walk(int shim, walk_result *w);

/* True if pc is a return address inside fn (which is shorter than 256
 * bytes).  Addresses, not names: this tests the walk, not the symbolizer. */
static bool returns_into(uintptr_t pc, const void *fn)
{
    return pc > (uintptr_t)fn && pc - (uintptr_t)fn < 256;
}

static long walk_from_inside(void *arg)
{
    walk_result *w = arg;
    sl_stack s = { 0 };
    int n, at = -1;

    /* Where DWARF runs out (at the outermost frame, or a pc without CFI)
     * libunwind tests whether an address is readable by write(2)-ing it to
     * a pipe; valgrind reports each such probe.  They are libunwind's
     * by design (the frames suite meets the same), so not counted here. */
    VALGRIND_DISABLE_ERROR_REPORTING;
    n = sl_stack_capture(&s, w->walker);
    VALGRIND_ENABLE_ERROR_REPORTING;
    w->stop = s.stop;
    for (int i = 0; i < n; i++) {
        const sl_frame *f = &s.frames[i];
        if (at < 0 && returns_into(f->pc, (const void *)w->shim_fn)) {
            at = i;
            w->saw_shim = true;
            w->shim_no_cfi = f->flags & SL_FRAME_NO_CFI;
            for (int j = 0; j < f->saved_count; j++)
                w->saw_last_slot |= f->saved[j].slot &&
                                    strcmp(f->saved[j].name, SL_TEST_LAST_CALLEE_NAME) == 0;
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
        /* Every shim's return address is found; past the one without CFI
         * the walk may go on (libunwind then guesses from the frame
         * pointer) or stop. */
        CU_ASSERT(w.saw_shim);
        if (shims[i].cfi)
            CU_ASSERT(w.saw_caller && !w.shim_no_cfi);
        if (!shims[i].cfi)
            CU_ASSERT(w.shim_no_cfi || w.stop == SL_STOP_NO_UNWIND_INFO ||
                      w.stop == SL_STOP_UNWIND_ERROR);
        if (strcmp(shims[i].name, "sl_asm_saves_registers") == 0)
            CU_ASSERT(w.saw_last_slot);         /* its .cfi_offset read back */
        if (!w.saw_shim || (shims[i].cfi && !w.saw_caller))
            fprintf(stderr, "\n  CFI walk through %s: shim %d caller %d stop %s\n",
                    shims[i].name, w.saw_shim, w.saw_caller, sl_stack_stop_string(w.stop));
    }
}

static void test_fp_walker_needs_a_frame(void)
{
    walk_result w = { .walker = SL_WALK_FP };

    /* The frame-pointer chain passes through both framed shims, CFI or not. */
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
    CU_add_test(s, "context restore brings back the FP control state",
                test_context_restores_fp_control);
    CU_add_test(s, "context slots by name, demangled", test_context_slots);
    sl_test_abi_arch(s);
    CU_add_test(s, "probe registers by name; find misses", test_probe_register_names);
    CU_add_test(s, "checked call: well-behaved function", test_checked_call_good);
    CU_add_test(s, "checked call: " SL_TEST_CLOBBERED " clobbered", test_checked_call_clobbers);
    CU_add_test(s, "checked call: moved sp", test_checked_call_moved_sp);
    CU_add_test(s, "checked call restores the caller's registers", test_checked_call_restores);
    CU_add_test(s, "probe and context save keep callee-saved", test_asm_preserves_callee_saved);
    CU_add_test(s, "checked call report", test_check_print);
    CU_add_test(s, "shims return fn(arg) with an aligned call", test_shims_call_and_align);
    CU_add_test(s, "shims preserve callee-saved registers", test_shims_preserve_callee_saved);
    CU_add_test(s, "exception thrown through each shim, caught outside", test_exception_through_shims);
    CU_add_test(s, "CFI walker sees each shim (and the one without CFI)", test_cfi_walker_sees_shims);
    CU_add_test(s, "FP walker passes through the framed shims", test_fp_walker_needs_a_frame);
}
