/*
 * test_frames.c: the frames suite (lib/frames.c, lib/symbolize.c).
 *
 * Known call chains through noinline functions are captured with both
 * walkers and checked against what the compiler says about the same frames
 * (__builtin_frame_address); crash-prone cases (a corrupted frame-pointer
 * chain, captures inside signal handlers) run in a forked child.
 */
#ifndef SL_WITHOUT_DWARF_LIBS
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#else
#include <execinfo.h>                   /* riscv64: libgcc's unwinder, via glibc */
#define unw_backtrace backtrace
#endif

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <stacklab/abi.h>
#include <stacklab/frames.h>
#include "harness.h"
#include "test_arch.h"

/* noinline is not enough for gcc: interprocedural passes may still clone a
 * static function (chain_c.constprop.0) or drop its frame. */
#ifdef __clang__
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

/* In tests/frames_fixture_nofp.c, built with -fomit-frame-pointer. */
int frames_nofp_outer(int (*cb)(int), int x);
int frames_nofp_inner(int (*cb)(int), int x);
/* In tests/frames_fixture_blind.S: no CFI, no frame record, rbp 0. */
long frames_blind_call(long (*fn)(void));

static sl_stack chain_stack;
static sl_walker chain_walker;
static uintptr_t chain_fp[3];           /* frame addresses of chain_a, _b, _c */
static uintptr_t chain_ra[3];           /* their return addresses */
static int chain_c_call, chain_b_call, chain_a_call;   /* the lines of their calls */
static volatile int one = 1;

/* ---- helpers ----------------------------------------------------------- */

static int index_of(const sl_stack *s, const char *name, int from)
{
    for (int i = from; i < s->count; i++)
        if (s->frames[i].function && strcmp(s->frames[i].function, name) == 0)
            return i;
    return -1;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = s ? strlen(s) : 0, m = strlen(tail);
    return s && n >= m && strcmp(s + n - m, tail) == 0;
}

/* ---- a known chain: chain_a -> chain_b -> chain_c -> capture ----------- */

NOINLINE static int chain_c(int x)
{
    chain_fp[2] = (uintptr_t)__builtin_frame_address(0);
    chain_ra[2] = (uintptr_t)__builtin_return_address(0);
    int n = sl_stack_capture(&chain_stack, chain_walker);
    chain_c_call = __LINE__ - 1;        /* (code of the next line follows the call) */
    KEEP_FRAME();
    return n + x;
}

NOINLINE static int chain_b(int x)
{
    chain_fp[1] = (uintptr_t)__builtin_frame_address(0);
    chain_ra[1] = (uintptr_t)__builtin_return_address(0);
    int r = chain_c(x + one); chain_b_call = __LINE__;
    KEEP_FRAME();
    return r + 1;
}

NOINLINE static int chain_a(int x)
{
    chain_fp[0] = (uintptr_t)__builtin_frame_address(0);
    chain_ra[0] = (uintptr_t)__builtin_return_address(0);
    int r = chain_b(x + one); chain_a_call = __LINE__;
    KEEP_FRAME();
    return r + 1;
}

NOINLINE static void capture_chain(sl_walker w)
{
    chain_walker = w;
    chain_a(0);
    KEEP_FRAME();
}

/* True where this build has a CFI walk (and DWARF symbols); elsewhere says
 * why the test cannot run there. */
static bool cfi_here(void)
{
#ifdef SL_WITHOUT_DWARF_LIBS
    sl_test_not_here("no CFI walk or file:line in this build (no libunwind or libdw "
                     "for riscv64 in Debian)");
    return false;
#else
    return true;
#endif
}

/* The walkers this build has, and whether it reads file:line. */
#ifdef SL_WITHOUT_DWARF_LIBS
#define LAST_WALKER SL_WALK_FP
#define HAVE_LINES 0
#else
#define LAST_WALKER SL_WALK_CFI
#define HAVE_LINES 1
#endif

static void test_fp_chain_slots(void)
{
    capture_chain(SL_WALK_FP);
    sl_stack *s = &chain_stack;
    CU_ASSERT_FATAL(s->count >= 4);
    CU_ASSERT_EQUAL(s->walker, SL_WALK_FP);
    /* frames[0] is chain_c (the caller of sl_stack_capture), then b, a. */
    for (int i = 0; i < 3; i++) {
        const sl_frame *f = &s->frames[i];
        uintptr_t fp = chain_fp[2 - i];
        CU_ASSERT_EQUAL(f->fp, fp);
        CU_ASSERT_EQUAL(f->saved_fp_slot, fp + SL_ARCH_FP_SAVED_FP);
        CU_ASSERT_EQUAL(f->return_address_slot, fp + SL_ARCH_FP_RETURN_ADDRESS);
        CU_ASSERT_EQUAL(f->cfa, fp + SL_ARCH_FP_CFA);
        CU_ASSERT(f->sp <= f->fp);
        CU_ASSERT_EQUAL(f->saved_count, 0);     /* the FP walk sees no spills */
        CU_ASSERT_PTR_NULL(f->function);            /* not symbolized yet */
        if (i > 0) {
            /* The caller's pc is the callee's return address, and the
             * caller's sp is the callee's CFA. */
            CU_ASSERT_EQUAL(f->pc, chain_ra[3 - i]);
            CU_ASSERT_EQUAL(f->sp, s->frames[i - 1].cfa);
        }
    }
    CU_ASSERT(s->stack_low < chain_fp[2] && chain_fp[0] < s->stack_high);
}

static void check_chain_names(sl_stack *s)
{
    CU_ASSERT(sl_stack_symbolize(s) >= 3);
    CU_ASSERT_STRING_EQUAL(s->frames[0].function, "chain_c");
    CU_ASSERT_STRING_EQUAL(s->frames[1].function, "chain_b");
    CU_ASSERT_STRING_EQUAL(s->frames[2].function, "chain_a");
    CU_ASSERT_STRING_EQUAL(s->frames[3].function, "capture_chain");
    for (int i = 0; i < s->count; i++)
        CU_ASSERT_PTR_NOT_NULL(s->frames[i].function);
    CU_ASSERT(ends_with(s->frames[0].module, "run_tests"));
}

static void test_fp_chain_names(void)
{
    capture_chain(SL_WALK_FP);
    CU_ASSERT_FATAL(chain_stack.count >= 4);
    check_chain_names(&chain_stack);
}

static void test_cfi_chain(void)
{
    if (!cfi_here())
        return;
    capture_chain(SL_WALK_CFI);
    sl_stack *s = &chain_stack;
    CU_ASSERT_FATAL(s->count >= 4);
    CU_ASSERT_EQUAL(s->walker, SL_WALK_CFI);
    for (int i = 0; i < 3; i++) {
        const sl_frame *f = &s->frames[i];
        uintptr_t fp = chain_fp[2 - i];
        /* With frame pointers the record is at its fixed place from fp
         * (x86-64: the CFA is fp + 16, rbp saved at fp; AArch64 gcc: the
         * record is at the bottom of the frame, the CFA somewhere above). */
        CU_ASSERT_EQUAL(f->fp, fp);
        if (SL_TEST_RA_AT_CFA_MINUS_8)
            CU_ASSERT_EQUAL(f->cfa, fp + SL_ARCH_FP_CFA);
        CU_ASSERT(f->cfa >= fp + SL_ARCH_FP_CFA);
        CU_ASSERT_EQUAL(f->return_address_slot, fp + SL_ARCH_FP_RETURN_ADDRESS);
        CU_ASSERT_EQUAL(f->saved_fp_slot, fp + SL_ARCH_FP_SAVED_FP);
        int rbp = -1;
        for (int k = 0; k < f->saved_count; k++)
            if (strcmp(f->saved[k].name, SL_ARCH_FP_NAME) == 0)
                rbp = k;
        CU_ASSERT_FATAL(rbp >= 0);
        CU_ASSERT_EQUAL(f->saved[rbp].slot, fp + SL_ARCH_FP_SAVED_FP);
        CU_ASSERT_EQUAL(f->flags & (SL_FRAME_SIGNAL | SL_FRAME_NO_CFI), 0);
        if (i > 0)
            CU_ASSERT_EQUAL(f->pc, chain_ra[3 - i]);
    }
    /* The CFI walk reaches the outermost frame (_start). */
    CU_ASSERT_EQUAL(s->stop, SL_STOP_END);
    check_chain_names(s);
    CU_ASSERT(index_of(s, "main", 4) > 0);
}

/* Every frame's pc is a return address, frame 0's too (it returns from
 * sl_stack_capture): looked up one byte earlier, it lands on the line of the
 * call, as gdb names it. */
static void test_file_line(void)
{
    if (!cfi_here())
        return;
    for (int w = SL_WALK_FP; w <= SL_WALK_CFI; w++) {
        capture_chain((sl_walker)w);
        sl_stack *s = &chain_stack;
        CU_ASSERT_FATAL(s->count >= 3);
        sl_stack_symbolize(s);
        CU_ASSERT(ends_with(s->frames[0].file, "test_frames.c"));
        CU_ASSERT_EQUAL(s->frames[0].line, chain_c_call);
        CU_ASSERT(ends_with(s->frames[1].file, "test_frames.c"));
        CU_ASSERT_EQUAL(s->frames[1].line, chain_b_call);
        CU_ASSERT_EQUAL(s->frames[2].line, chain_a_call);
        CU_ASSERT(s->frames[1].offset > 0);
    }
}

/* sl_stack_symbolize_lines gives file:line to the innermost frames only,
 * names to all; asking for more lines afterwards adds them (the cached
 * name-only lookup is completed, not reused as it was). */
static void test_lines_for_some_frames(void)
{
    if (!cfi_here())
        return;
    capture_chain(SL_WALK_CFI);
    sl_stack *s = &chain_stack;
    CU_ASSERT_FATAL(s->count >= 4);
    CU_ASSERT(sl_stack_symbolize_lines(s, 1) >= 4);
    CU_ASSERT_STRING_EQUAL(s->frames[0].function, "chain_c");
    CU_ASSERT_STRING_EQUAL(s->frames[2].function, "chain_a");
    CU_ASSERT(HAVE_LINES == 0 || s->frames[0].line == chain_c_call);
    for (int i = 1; i < s->count; i++) {
        CU_ASSERT_PTR_NULL(s->frames[i].file);
        CU_ASSERT_EQUAL(s->frames[i].line, 0);
        CU_ASSERT_PTR_NOT_NULL(s->frames[i].module);
    }
    sl_stack_symbolize_lines(s, 3);
    CU_ASSERT(HAVE_LINES == 0 || s->frames[2].line == chain_a_call);
    CU_ASSERT_PTR_NULL(s->frames[3].file);
    sl_stack_symbolize_lines(s, -1);
    CU_ASSERT(HAVE_LINES == 0 || ends_with(s->frames[3].file, "test_frames.c"));
}

/* ---- code without frame pointers --------------------------------------- */

static sl_stack nofp_stack[2];

static int nofp_callback(int x)
{
    sl_stack_capture(&nofp_stack[0], SL_WALK_FP);
    sl_stack_capture(&nofp_stack[1], SL_WALK_CFI);
    KEEP_FRAME();
    return x;
}

NOINLINE static int nofp_caller(void)
{
    int r = frames_nofp_outer(nofp_callback, one);
    KEEP_FRAME();
    return r;
}

static void test_omit_frame_pointer(void)
{
    if (!cfi_here())
        return;
    nofp_caller();
    sl_stack *fp = &nofp_stack[0], *cfi = &nofp_stack[1];
    CU_ASSERT_FATAL(fp->count >= 3 && cfi->count >= 4);
    sl_stack_symbolize(fp);
    sl_stack_symbolize(cfi);

    /* CFI sees every frame. */
    CU_ASSERT_STRING_EQUAL(cfi->frames[0].function, "nofp_callback");
    CU_ASSERT_STRING_EQUAL(cfi->frames[1].function, "frames_nofp_inner");
    CU_ASSERT_STRING_EQUAL(cfi->frames[2].function, "frames_nofp_outer");
    CU_ASSERT_STRING_EQUAL(cfi->frames[3].function, "nofp_caller");

    /* The FP walk takes frames_nofp_inner's pc from the callback's record,
     * but the frame pointer saved there is still nofp_caller's (the code in
     * between never touched rbp).  So frames_nofp_inner is paired with
     * nofp_caller's record, whose return address leads past both
     * frames_nofp_outer and nofp_caller. */
    CU_ASSERT_STRING_EQUAL(fp->frames[0].function, "nofp_callback");
    CU_ASSERT_STRING_EQUAL(fp->frames[1].function, "frames_nofp_inner");
    CU_ASSERT_STRING_EQUAL(fp->frames[2].function, "test_omit_frame_pointer");
    CU_ASSERT_EQUAL(index_of(fp, "frames_nofp_outer", 0), -1);
    CU_ASSERT_EQUAL(index_of(fp, "nofp_caller", 0), -1);
    CU_ASSERT_EQUAL(fp->frames[1].fp, cfi->frames[3].fp);

    sl_stack_release(fp);
    sl_stack_release(cfi);
}

/* ---- a corrupt frame-pointer chain (in a child) ------------------------ */

static sl_stack corrupt_stack;

/* Overwrites this frame's saved rbp, captures, and puts it back before
 * returning, so the corrupt value is only ever seen by the walker. */
NOINLINE static int capture_with_saved_fp(uintptr_t value)
{
    volatile uintptr_t *slot = (volatile uintptr_t *)
        ((char *)__builtin_frame_address(0) + SL_ARCH_FP_SAVED_FP);
    uintptr_t saved = *slot;
    *slot = value;
    int n = sl_stack_capture(&corrupt_stack, SL_WALK_FP);
    *slot = saved;
    KEEP_FRAME();
    return n;
}

static void corrupt_child(void *arg)
{
    (void)arg;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    struct { const char *what; uintptr_t value; } cases[] = {
        { "outside", 0x1000 },
        { "heap", (uintptr_t)&corrupt_stack },
        { "below", here - 4096 },
        { "misaligned", here + 4 },
        { "null", 0 },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = capture_with_saved_fp(cases[i].value);
        printf("%s: n=%d stop=%d last_fp=%lx\n", cases[i].what, n, (int)corrupt_stack.stop,
               (unsigned long)corrupt_stack.frames[n - 1].fp);
    }
    sl_stack_release(&corrupt_stack);
}

static void test_corrupt_chain(void)
{
    sl_child c;
    CU_ASSERT_FATAL(sl_child_run(&c, corrupt_child, NULL, 20) == 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    /* Frame 0 is the corrupting function; its caller's pc is still good, but
     * the caller's frame pointer is rejected before it is followed. */
    char want[128];
    snprintf(want, sizeof want, "outside: n=2 stop=%d last_fp=0\n", SL_STOP_FP_OUTSIDE_STACK);
    SL_ASSERT_CONTAINS(c.output, want);
    snprintf(want, sizeof want, "heap: n=2 stop=%d last_fp=0\n", SL_STOP_FP_OUTSIDE_STACK);
    SL_ASSERT_CONTAINS(c.output, want);
    snprintf(want, sizeof want, "below: n=2 stop=%d last_fp=0\n", SL_STOP_FP_NOT_ABOVE);
    SL_ASSERT_CONTAINS(c.output, want);
    snprintf(want, sizeof want, "misaligned: n=2 stop=%d last_fp=0\n", SL_STOP_FP_MISALIGNED);
    SL_ASSERT_CONTAINS(c.output, want);
    /* 0 is how the ABI marks the outermost frame: a normal end. */
    snprintf(want, sizeof want, "null: n=2 stop=%d last_fp=0\n", SL_STOP_END);
    SL_ASSERT_CONTAINS(c.output, want);
}

/* ---- captures inside signal handlers (in a child) ---------------------- */

static sl_stack sig_cfi, sig_fp;
static uintptr_t sig_handler_sp;
/* What the kernel's ucontext says, checked against the capture while the
 * signal frame is still there. */
static struct {
    int tramp;                  /* index of the frame flagged SL_FRAME_SIGNAL */
    int ra_in_ucontext;         /* its return-address slot is the saved rip */
    int rbx_in_ucontext;        /* its rbx slot is the saved rbx */
    int interrupted_pc;         /* the next frame: exact pc, flagged interrupted */
    int interrupted_ra;         /* which has a return-address slot of its own */
    int caller_plain;           /* and its caller is an ordinary frame */
} sig_seen;

static void sig_handler(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)info;
    const ucontext_t *uc = context;
    sig_handler_sp = (uintptr_t)__builtin_frame_address(0);
    sl_stack_capture(&sig_cfi, SL_WALK_CFI);
    sl_stack_capture(&sig_fp, SL_WALK_FP);

    const sl_stack *s = &sig_cfi;
    int t = -1;
    for (int i = 0; i < s->count && t < 0; i++)
        if (s->frames[i].flags & SL_FRAME_SIGNAL)
            t = i;
    sig_seen.tramp = t;
    if (t >= 0 && t + 2 < s->count) {
        const sl_frame *tr = &s->frames[t], *in = &s->frames[t + 1];
        sig_seen.ra_in_ucontext = tr->return_address_slot == SL_TEST_UC_PC_SLOT(uc);
        for (int k = 0; k < tr->saved_count; k++)
            if (strcmp(tr->saved[k].name, SL_TEST_CALLEE_NAME) == 0)
                sig_seen.rbx_in_ucontext = tr->saved[k].slot == SL_TEST_UC_CALLEE_SLOT(uc);
        sig_seen.interrupted_pc = in->pc == SL_TEST_UC_PC(uc) &&
                                  (in->flags & SL_FRAME_INTERRUPTED);
        sig_seen.interrupted_ra = in->return_address_slot &&
                                  (!SL_TEST_RA_AT_CFA_MINUS_8 ||
                                   in->return_address_slot == in->cfa - sizeof(uintptr_t)) &&
                                  *(const uintptr_t *)in->return_address_slot ==
                                  s->frames[t + 2].pc;
        sig_seen.caller_plain = !(s->frames[t + 2].flags &
                                  (SL_FRAME_SIGNAL | SL_FRAME_INTERRUPTED));
    }
    KEEP_FRAME();
}

NOINLINE static void sig_raiser(void)
{
    raise(SIGUSR1);
    KEEP_FRAME();
}

static void signal_child(void *arg)
{
    int on_altstack = arg != NULL;
    static char altstack[64 * 1024];
    struct sigaction sa;

    /* The handler must not allocate: size both arrays first. */
    sl_stack_capture(&sig_cfi, SL_WALK_CFI);
    sl_stack_capture(&sig_fp, SL_WALK_FP);
    if (on_altstack) {
        stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
        if (sigaltstack(&ss, NULL) != 0)
            exit(3);
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = sig_handler;
    sa.sa_flags = SA_SIGINFO | (on_altstack ? SA_ONSTACK : 0);
    sigaction(SIGUSR1, &sa, NULL);
    sig_raiser();

    sl_stack_symbolize(&sig_cfi);
    sl_stack_symbolize(&sig_fp);
    sl_stack_print(&sig_cfi, stdout);
    printf("cfi: first=%s\n", sig_cfi.frames[0].function);
    printf("cfi: trampoline at %d: rip slot %d, rbx slot %d; interrupted pc %d, "
           "its return address %d; caller plain %d; raiser after it %d\n",
           sig_seen.tramp, sig_seen.ra_in_ucontext, sig_seen.rbx_in_ucontext,
           sig_seen.interrupted_pc, sig_seen.interrupted_ra, sig_seen.caller_plain,
           index_of(&sig_cfi, "sig_raiser", sig_seen.tramp + 1) > sig_seen.tramp);
    printf("cfi: stop=%d\n", (int)sig_cfi.stop);
    printf("fp: first=%s count>0=%d\n", sig_fp.frames[0].function, sig_fp.count > 0);
    printf("bounds: alt=%d\n", sig_cfi.stack_low == (uintptr_t)altstack &&
                               sig_cfi.stack_high == (uintptr_t)altstack + sizeof altstack &&
                               sig_handler_sp > sig_cfi.stack_low &&
                               sig_handler_sp < sig_cfi.stack_high);
    if (on_altstack)
        printf("fp: stop=%d\n", (int)sig_fp.stop);
    sl_stack_release(&sig_cfi);
    sl_stack_release(&sig_fp);
}

/* The kernel's sigreturn trampoline is the frame right above the handler:
 * it is the one flagged SL_FRAME_SIGNAL, its "return address" and saved
 * registers are the ucontext's, and the frame it leads to is the
 * interrupted one (exact pc, a return-address slot of its own).  libunwind
 * 1.6.2 calls the interrupted frame the signal frame, one frame late. */
static void check_signal_child(int on_altstack)
{
    sl_child c;
    CU_ASSERT_FATAL(sl_child_run(&c, signal_child, on_altstack ? &c : NULL, 20) == 0);
    SL_ASSERT_CHILD_EXITED(c, 0);
    SL_ASSERT_CONTAINS(c.output, "cfi: first=sig_handler\n");
    SL_ASSERT_CONTAINS(c.output, "fp: first=sig_handler count>0=1\n");
    if (sl_under_valgrind())
        return;     /* valgrind's own sigreturn trampoline: libunwind cannot
                       recognise its signal frame, so the rest cannot hold */
    SL_ASSERT_CONTAINS(c.output, "cfi: trampoline at 1: rip slot 1, rbx slot 1; interrupted pc 1, "
                                 "its return address 1; caller plain 1; raiser after it 1\n");
    SL_ASSERT_CONTAINS(c.output, "<signal frame>");
    char want[64];
    snprintf(want, sizeof want, "cfi: stop=%d\n", SL_STOP_END);
    SL_ASSERT_CONTAINS(c.output, want);
    if (on_altstack) {
        SL_ASSERT_CONTAINS(c.output, "bounds: alt=1\n");
        /* The handler's saved rbp points back to the interrupted code on the
         * thread's own stack, outside the alternate one. */
        snprintf(want, sizeof want, "fp: stop=%d\n", SL_STOP_FP_OUTSIDE_STACK);
        SL_ASSERT_CONTAINS(c.output, want);
    } else {
        SL_ASSERT_CONTAINS(c.output, "bounds: alt=0\n");
    }
}

static void test_signal_handler(void)
{
    if (cfi_here())
        check_signal_child(0);
}
static void test_signal_altstack(void)
{
    if (cfi_here())
        check_signal_child(1);
}

/* ---- symbolizing needs a stack that can hold libdw (in a child) ----------- */

/* libdw took 156 KiB of stack for a process's first symbolize, and crashed
 * on a 64 or 128 KiB alternate signal stack.  Below SL_SYMBOLIZE_STACK
 * symbolize refuses, filling nothing in; once the handler (or the small
 * thread) is done, the same stack symbolizes on a stack of normal size.
 * (Without the refusal, whether libdw crashes here depends on what this
 * runner, whose tables the child inherits, read before: the 128 KiB thread
 * did; the except suite's uncaught exception on a small stack did too.) */
static sl_stack small_stack;
static int small_result, small_variables;

/* The CFI walk: its frames (through the signal frame into libc and the
 * test runner) are what made libdw crash; the FP walk where a build has
 * no CFI walk (riscv64). */
static void capture_small(void)
{
    if (sl_stack_capture(&small_stack, SL_WALK_CFI) < 0 && small_stack.stop == SL_STOP_NOT_BUILT)
        sl_stack_capture(&small_stack, SL_WALK_FP);
}

NOINLINE static void symbolize_here(void)
{
    capture_small();
    small_result = sl_stack_symbolize(&small_stack);
    small_variables = sl_stack_read_variables(&small_stack);
    KEEP_FRAME();
}

static void symbolize_in_handler(int sig)
{
    (void)sig;
    symbolize_here();
}

static void *symbolize_in_thread(void *arg)
{
    symbolize_here();
    return arg;
}

/* arg: the size in KiB, of an alternate signal stack (positive) or of a
 * thread's stack (negative). */
static void small_stack_child(void *arg)
{
    long kib = (long)(intptr_t)arg;
    size_t size = (size_t)(kib < 0 ? -kib : kib) * 1024;

    capture_small();                                    /* a handler must not allocate */
    if (kib > 0) {
        stack_t ss = { .ss_sp = malloc(size), .ss_size = size };
        struct sigaction sa;
        if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0)
            exit(3);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = symbolize_in_handler;
        sa.sa_flags = SA_ONSTACK;
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
    } else {
        pthread_attr_t attr;
        pthread_t t;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, size);
        if (pthread_create(&t, &attr, symbolize_in_thread, NULL) != 0)
            exit(3);
        pthread_join(t, NULL);
    }
    printf("there: %d, frame 0 %s (%s); variables %s\n", small_result,
           small_stack.count > 0 && small_stack.frames[0].function ?
           small_stack.frames[0].function : "not named",
           sl_symbolize_strerror(small_result), small_variables < 0 ? "refused" : "read");
    printf("here: %s\n", sl_stack_symbolize(&small_stack) > 0 &&
           index_of(&small_stack, "symbolize_here", 0) == 0 ? "named" : "not named");
    sl_stack_release(&small_stack);
}

static void test_symbolize_small_stack(void)
{
    static const long kib[] = { 64, 128, 512, -128, -1024 };
    for (int i = 0; i < (int)(sizeof kib / sizeof kib[0]); i++) {
        long size = kib[i] < 0 ? -kib[i] : kib[i];
        int refused = size * 1024 < SL_SYMBOLIZE_STACK;
        char want[200];
        sl_child c;
        CU_ASSERT_FATAL(sl_child_run(&c, small_stack_child, (void *)(intptr_t)kib[i], 60) == 0);
        SL_ASSERT_CHILD_EXITED(c, 0);
        if (refused)
            snprintf(want, sizeof want, "there: %d, frame 0 not named (%s); variables refused\n",
                     SL_SYMBOLIZE_ESTACK, sl_symbolize_strerror(SL_SYMBOLIZE_ESTACK));
        else
            snprintf(want, sizeof want, "frame 0 symbolize_here (no error); variables ");
        SL_ASSERT_CONTAINS(c.output, want);
        SL_ASSERT_CONTAINS(c.output, "here: named\n");
    }
    CU_ASSERT_EQUAL(sl_stack_symbolize(NULL), SL_SYMBOLIZE_EINVAL);
}

/* ---- the stack-protector canary ----------------------------------------- */

/* In tests/frames_fixture_canary.c, built with -fstack-protector-all. */
int frames_protected(int (*cb)(uintptr_t fp), int x);

static sl_stack canary_stack;
static uintptr_t canary_fp;             /* frames_protected's frame pointer */
static sl_walker canary_walker;

/* Called by frames_protected: capture from here, so frames[1] is it. */
NOINLINE static int capture_in_protected(uintptr_t fp)
{
    canary_fp = fp;
    int n = sl_stack_capture(&canary_stack, canary_walker);
    KEEP_FRAME();
    return n;
}

static void test_canary(void)
{
    if (!cfi_here())
        return;
    /* The CFI walk finds the canary; the FP walk, kept to the bare chain,
     * leaves it alone. */
    canary_walker = SL_WALK_FP;
    frames_protected(capture_in_protected, one);
    CU_ASSERT_EQUAL(canary_stack.frames[1].flags & SL_FRAME_CANARY, 0);
    CU_ASSERT_EQUAL(canary_stack.frames[1].canary_slot, 0);

    canary_walker = SL_WALK_CFI;
    frames_protected(capture_in_protected, one);
    const sl_frame *f = &canary_stack.frames[1];
    CU_ASSERT_EQUAL(f->fp, canary_fp);
    CU_ASSERT(f->flags & SL_FRAME_CANARY);
    /* The prologue stores the canary right below the callee-saved spills
     * (below the saved rbp when there are none), at most two words down. */
    uintptr_t lowest = f->saved_fp_slot;
    for (int i = 0; i < f->saved_count; i++)
        if (f->saved[i].slot < lowest)
            lowest = f->saved[i].slot;
    CU_ASSERT(f->canary_slot >= f->sp);
    if (SL_ARCH_FP_CANARY_AT_TOP) {
        /* gcc on AArch64: the record at the bottom, the canary in the
         * frame's highest words, above the locals. */
        CU_ASSERT(f->canary_slot > lowest && f->canary_slot < f->cfa);
        CU_ASSERT(f->cfa - f->canary_slot <= 2 * sizeof(uintptr_t));
    } else {
        CU_ASSERT(f->canary_slot < lowest);
        CU_ASSERT(lowest - f->canary_slot <= 2 * sizeof(uintptr_t));
    }
    /* Its caller, built without the protector, holds no canary. */
    CU_ASSERT_EQUAL(canary_stack.frames[2].flags & SL_FRAME_CANARY, 0);
    sl_stack_release(&canary_stack);
}

/* In tests/frames_fixture_canary_nofp.c: protected, no frame record. */
int frames_protected_nofp(int (*cb)(uintptr_t fp), int x);

static uintptr_t canary_words[2];       /* what each protected frame's slot held */
static int canary_flags[2];

/* Captures above frames_protected_nofp (frames[1]), itself called from
 * frames_protected (frames[3]), and reads both slots while they are live. */
NOINLINE static int capture_in_both(uintptr_t fp)
{
    (void)fp;
    int n = sl_stack_capture(&canary_stack, SL_WALK_CFI);
    for (int k = 0; k < 2; k++) {
        const sl_frame *f = &canary_stack.frames[1 + 2 * k];
        canary_flags[k] = (f->flags & SL_FRAME_CANARY) && f->canary_slot >= f->sp &&
                          f->canary_slot < f->cfa;
        canary_words[k] = canary_flags[k] ? *(const uintptr_t *)f->canary_slot : 0;
    }
    KEEP_FRAME();
    return n;
}

NOINLINE static int call_protected_nofp(uintptr_t fp)
{
    (void)fp;
    int r = frames_protected_nofp(capture_in_both, one);
    KEEP_FRAME();
    return r;
}

/* A function with no frame record stores its canary too (relative to rsp):
 * the CFI walk finds it from the function's code, not from rbp. */
static void test_canary_without_frame_record(void)
{
#ifndef __x86_64__
    sl_test_not_here("the canary is found by decoding the function's code, written for "
                     "x86-64 only (AArch64 and RISC-V keep the frame-record rule)");
    return;
#endif
    frames_protected(call_protected_nofp, one);
    sl_stack_symbolize(&canary_stack);
    CU_ASSERT_STRING_EQUAL(canary_stack.frames[1].function, "frames_protected_nofp");
    CU_ASSERT_STRING_EQUAL(canary_stack.frames[3].function, "frames_protected");
    const sl_frame *f = &canary_stack.frames[1];
    CU_ASSERT(f->saved_fp_slot != f->cfa - 2 * sizeof(uintptr_t));      /* no record */
    CU_ASSERT_TRUE(canary_flags[0]);
    CU_ASSERT_TRUE(canary_flags[1]);
    /* Both slots hold the same value, the thread's canary. */
    CU_ASSERT(canary_words[0] != 0 && canary_words[0] == canary_words[1]);
    sl_stack_release(&canary_stack);
}

/* ---- a stale copy of the canary is not a canary -------------------------- */

/* In tests/frames_fixture_canary.c: a protected leaf. */
int frames_protected_leaf(int x);

static sl_stack stale_stack;
static uintptr_t stale_canary;          /* the canary, from frames_protected */
static int stale_word_is_canary;        /* a word of our frame held it */

NOINLINE static int note_canary(uintptr_t fp)
{
    (void)fp;
    sl_stack_capture(&stale_stack, SL_WALK_CFI);
    const sl_frame *f = &stale_stack.frames[1];
    stale_canary = (f->flags & SL_FRAME_CANARY) ? *(const uintptr_t *)f->canary_slot : 0;
    KEEP_FRAME();
    return 0;
}

/* Unprotected, framed, with an array it never writes: its frame lies where
 * frames_protected_leaf's just was (same caller), so a word of its array
 * still holds that function's canary (where a value match below the
 * record would take it).  Not instrumented by ASan: it reads its own
 * frame's words, and ASan's own frame layout would move the array. */
NOINLINE __attribute__((no_stack_protector, no_sanitize_address))
static int unprotected_over_stale(void)
{
    char buf[64];
    int n = sl_stack_capture(&stale_stack, SL_WALK_CFI);
    const sl_frame *f = &stale_stack.frames[0];
    if (!sl_under_valgrind())           /* (uninitialized words, on purpose) */
        for (uintptr_t a = f->sp; a < f->fp; a += sizeof(uintptr_t))
            stale_word_is_canary |= *(const uintptr_t *)a == stale_canary;
    __asm__ volatile("" : : "r"(buf) : "memory");
    return n;
}

NOINLINE static void protected_then_unprotected(void)
{
    frames_protected(note_canary, one);
    frames_protected_leaf(one);
    unprotected_over_stale();
    KEEP_FRAME();
}

/* A frame has a canary only when its function stores one, whatever its
 * words hold. */
static void test_stale_canary(void)
{
#ifndef __x86_64__
    sl_test_not_here("the canary is found by decoding the function's code, written for "
                     "x86-64 only (AArch64 and RISC-V keep the frame-record rule)");
    return;
#endif
    protected_then_unprotected();
    CU_ASSERT(stale_canary != 0);
    sl_stack_symbolize(&stale_stack);
    CU_ASSERT_STRING_EQUAL(stale_stack.frames[0].function, "unprotected_over_stale");
    CU_ASSERT_EQUAL(stale_stack.frames[0].flags & SL_FRAME_CANARY, 0);
    CU_ASSERT_EQUAL(stale_stack.frames[0].canary_slot, 0);
    /* The test means something only if the old copy was there to be seen. */
    if (!sl_under_valgrind())
        CU_ASSERT_TRUE(stale_word_is_canary);
    sl_stack_release(&stale_stack);
}

/* ---- printing, reuse, addresses, threads, depth ------------------------- */

static void test_print(void)
{
    if (!cfi_here())
        return;
    capture_chain(SL_WALK_CFI);
    sl_stack *s = &chain_stack;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CU_ASSERT_FATAL(out != NULL);

    /* Before symbolizing: addresses only. */
    int lines = sl_stack_print(s, out);
    CU_ASSERT_EQUAL(lines, s->count);
    sl_stack_symbolize(s);
    fflush(out);
    size_t before = size;
    lines = sl_stack_print(s, out);
    fclose(out);
    CU_ASSERT_EQUAL(lines, s->count);
    const char *after = text + before;
    CU_ASSERT(memmem(text, before, "chain_c", 7) == NULL);
    char want[64];
    snprintf(want, sizeof want, "#0   0x%016lx chain_c+0x", (unsigned long)s->frames[0].pc);
    SL_ASSERT_CONTAINS(after, want);
    snprintf(want, sizeof want, "test_frames.c:%d  [run_tests]\n", chain_b_call);
    SL_ASSERT_CONTAINS(after, want);
    SL_ASSERT_CONTAINS(after, "\n#2   0x");
    SL_ASSERT_CONTAINS(after, " main+0x");
    free(text);

    /* A walk that ended early says why, on a line of its own. */
    s->stop = SL_STOP_FP_MISALIGNED;
    out = open_memstream(&text, &size);
    CU_ASSERT_EQUAL(sl_stack_print(s, out), s->count + 1);
    fclose(out);
    SL_ASSERT_CONTAINS(text, "(walk stopped: next frame pointer is not 8-byte aligned)\n");
    free(text);
    sl_stack_release(s);
}

NOINLINE static int recurse(int depth, sl_stack *s, sl_walker w)
{
    int r = depth ? recurse(depth - 1, s, w) : sl_stack_capture(s, w);
    KEEP_FRAME();
    return r + one - 1;
}

static void test_reuse_and_depth(void)
{
    sl_stack s = {0};
    for (int w = SL_WALK_FP; w <= LAST_WALKER; w++) {
        int deep = recurse(1000, &s, (sl_walker)w);
        CU_ASSERT(deep > 1000);
        CU_ASSERT(s.capacity >= deep);
        sl_frame *array = s.frames;
        sl_stack_symbolize(&s);
        CU_ASSERT_STRING_EQUAL(s.frames[0].function, "recurse");
        CU_ASSERT_STRING_EQUAL(s.frames[1000].function, "recurse");
        CU_ASSERT_STRING_EQUAL(s.frames[1001].function, "test_reuse_and_depth");

        /* A shallower capture reuses the array; its frames are fresh. */
        int shallow = recurse(3, &s, (sl_walker)w);
        CU_ASSERT_EQUAL(shallow, deep - 997);
        CU_ASSERT_PTR_EQUAL(s.frames, array);
        CU_ASSERT_PTR_NULL(s.frames[0].function);
        sl_stack_symbolize(&s);
        CU_ASSERT_STRING_EQUAL(s.frames[4].function, "test_reuse_and_depth");
    }
    sl_stack_release(&s);
    CU_ASSERT_PTR_NULL(s.frames);
    CU_ASSERT_EQUAL(s.count, 0);
    sl_stack_release(&s);               /* twice is harmless */
    CU_ASSERT_EQUAL(sl_stack_capture(NULL, SL_WALK_FP), -1);
    CU_ASSERT_EQUAL(sl_stack_capture(&s, (sl_walker)7), -1);
    CU_ASSERT_EQUAL(s.stop, SL_STOP_BAD_ARGUMENT);
    CU_ASSERT_STRING_EQUAL(sl_stack_stop_string(SL_STOP_END), "reached the outermost frame");
}

/* A released first array is the thread's spare, taken by its next
 * capture; two stacks alive at once never share one, and a stack may be
 * released by another thread (the spare of a thread is freed when it
 * exits: check-valgrind sees a leak or a double free). */
static sl_stack handed_over;

static void release_handed_over(void)
{
    sl_stack_release(&handed_over);
}

static void test_spare_array(void)
{
    sl_stack a = {0}, b = {0}, c = {0};

    CU_ASSERT(recurse(5, &a, SL_WALK_FP) > 5);
    CU_ASSERT(recurse(5, &b, SL_WALK_FP) > 5);
    CU_ASSERT(a.frames != b.frames);
    sl_frame *first = a.frames;
    sl_stack_release(&a);
    CU_ASSERT(recurse(7, &c, SL_WALK_FP) > 7);
    CU_ASSERT_PTR_EQUAL(c.frames, first);           /* the spare */
    CU_ASSERT_PTR_NULL(c.frames[0].function);       /* its frames are fresh */
    sl_stack_symbolize(&c);
    CU_ASSERT_STRING_EQUAL(c.frames[8].function, "test_spare_array");
    CU_ASSERT(recurse(5, &a, SL_WALK_FP) > 5);      /* no spare now: its own */
    CU_ASSERT(a.frames != b.frames && a.frames != c.frames);
    sl_stack_release(&c);
    sl_stack_release(&b);                           /* frees the spare c left */
    handed_over = a;
    CU_ASSERT_EQUAL(sl_thread_run(release_handed_over), 0);
    CU_ASSERT_PTR_NULL(handed_over.frames);
}

NOINLINE static int backtrace_here(void **pcs, int max)
{
    int n = unw_backtrace(pcs, max);
    KEEP_FRAME();
    return n;
}

static void test_from_addresses(void)
{
    void *pcs[64];
    int n = backtrace_here(pcs, 64);
    CU_ASSERT_FATAL(n > 2);
    sl_stack s = {0};
    CU_ASSERT_EQUAL(sl_stack_from_addresses(&s, pcs, n), n);
    CU_ASSERT_EQUAL(s.count, n);
    CU_ASSERT(sl_stack_symbolize(&s) >= 2);
    CU_ASSERT_STRING_EQUAL(s.frames[0].function, "backtrace_here");
    CU_ASSERT(index_of(&s, "test_from_addresses", 1) == 1);
    if (HAVE_LINES)
        CU_ASSERT(ends_with(s.frames[1].file, "test_frames.c"));
    CU_ASSERT_EQUAL(sl_stack_from_addresses(&s, NULL, 0), 0);
    CU_ASSERT_EQUAL(sl_stack_print(&s, stdout), 0);
    sl_stack_release(&s);
}

/* A function whose last instruction calls a function that never returns:
 * its return address lies one past its own end.  An exception's backtrace
 * starts at exactly such a frame (the throw does not return), so a stack
 * made of addresses must look every pc up at pc - 1. */
static sl_context noreturn_ctx;
static void *noreturn_pcs[64];
static int noreturn_n;

NOINLINE __attribute__((noreturn)) static void record_and_leave(void)
{
    noreturn_n = unw_backtrace(noreturn_pcs, 64);
    sl_context_restore(&noreturn_ctx, 1);
}

NOINLINE static void ends_in_noreturn_call(void)
{
    record_and_leave();
}

static void test_from_addresses_after_noreturn(void)
{
    sl_stack s = {0};

    if (sl_context_save(&noreturn_ctx) == 0)
        ends_in_noreturn_call();
    CU_ASSERT_FATAL(noreturn_n > 2);
    /* Drop record_and_leave's own frame, as except.c drops the throw's. */
    CU_ASSERT_EQUAL(sl_stack_from_addresses(&s, noreturn_pcs + 1, noreturn_n - 1),
                    noreturn_n - 1);
    CU_ASSERT_EQUAL(s.walker, SL_WALK_ADDRESSES);
    sl_stack_symbolize(&s);
    CU_ASSERT_STRING_EQUAL(s.frames[0].function, "ends_in_noreturn_call");
    sl_stack_release(&s);
}

static void *thread_body(void *arg)
{
    sl_stack *s = arg;
    uintptr_t low, high, here = (uintptr_t)__builtin_frame_address(0);
    if (sl_thread_stack_bounds(&low, &high) != 0 || here < low || here >= high)
        return NULL;
    recurse(10, s, SL_WALK_FP);
    return s;
}

static void test_thread_bounds(void)
{
    uintptr_t low, high, here = (uintptr_t)__builtin_frame_address(0);
    CU_ASSERT_FATAL(sl_thread_stack_bounds(&low, &high) == 0);
    CU_ASSERT(here >= low && here < high);

    pthread_t t;
    sl_stack s = {0};
    void *ret = NULL;
    CU_ASSERT_FATAL(pthread_create(&t, NULL, thread_body, &s) == 0);
    pthread_join(t, &ret);
    CU_ASSERT_PTR_EQUAL(ret, &s);
    /* The thread's stack is not ours; its walk stays inside it and ends at
     * the frame glibc's clone marked outermost. */
    CU_ASSERT(s.stack_high <= low || s.stack_low >= high);
    CU_ASSERT(s.count >= 12);
    sl_stack_symbolize(&s);
    CU_ASSERT_STRING_EQUAL(s.frames[10].function, "recurse");
    CU_ASSERT_STRING_EQUAL(s.frames[11].function, "thread_body");
    sl_stack_release(&s);
}

/* ---- code without CFI -------------------------------------------------- */

static sl_stack blind_stack;
static uintptr_t no_cfi_record;         /* sl_asm_no_cfi's frame record */
static uintptr_t no_cfi_saved_rbp;      /* and the rbp it saved there */

static NOINLINE long capture_above_blind(void)
{
    sl_stack_capture(&blind_stack, SL_WALK_CFI);
    KEEP_FRAME();
    return 1;
}

/* A walk that ends in a routine with neither CFI nor a frame record did not
 * reach the outermost frame: it says "no unwind information", and the last
 * frame it found is that routine, flagged. */
static void test_cfi_stops_without_unwind_info(void)
{
    if (!cfi_here())
        return;
    memset(&blind_stack, 0, sizeof blind_stack);
    CU_ASSERT_EQUAL_FATAL(frames_blind_call(capture_above_blind), 1);
    CU_ASSERT_TRUE_FATAL(blind_stack.count >= 2);
    sl_stack_symbolize(&blind_stack);
    CU_ASSERT_STRING_EQUAL(blind_stack.frames[0].function, "capture_above_blind");
    CU_ASSERT_STRING_EQUAL(blind_stack.frames[1].function, "frames_blind_call");
    if (!SL_TEST_UNW_FOLLOWS_LR)        /* (AArch64: libunwind guesses on from x30) */
        CU_ASSERT_EQUAL(blind_stack.count, 2);
    CU_ASSERT_TRUE(blind_stack.frames[1].flags & SL_FRAME_NO_CFI);
    CU_ASSERT_FALSE(blind_stack.frames[0].flags & SL_FRAME_NO_CFI);
    CU_ASSERT_EQUAL(blind_stack.stop, SL_STOP_NO_UNWIND_INFO);
    sl_stack_release(&blind_stack);
}

static NOINLINE long capture_above_no_cfi(void *arg)
{
    (void)arg;
    no_cfi_record = *(const uintptr_t *)__builtin_frame_address(0);   /* our saved rbp */
    no_cfi_saved_rbp = *(const uintptr_t *)no_cfi_record;
    sl_stack_capture(&blind_stack, SL_WALK_CFI);
    KEEP_FRAME();
    return 1;
}

/* sl_asm_no_cfi keeps a frame record but has no CFI: libunwind's
 * frame-pointer guess finds its caller, and the capture records the
 * routine's true CFA and saved rbp from that record (libunwind itself
 * reports a CFA 16 bytes short).  Frame 0's saved rbp points at it. */
static void test_cfi_frame_record_without_cfi(void)
{
    if (!cfi_here())
        return;
    if (SL_TEST_UNW_FOLLOWS_LR) {
        sl_test_not_here("libunwind's AArch64 port does not guess a frame record for code "
                         "without CFI (it takes x30 as the return address)");
        return;
    }
    memset(&blind_stack, 0, sizeof blind_stack);
    CU_ASSERT_EQUAL_FATAL(sl_asm_no_cfi(capture_above_no_cfi, NULL), 1);
    CU_ASSERT_TRUE_FATAL(blind_stack.count >= 3);
    sl_stack_symbolize(&blind_stack);
    const sl_frame *f0 = &blind_stack.frames[0], *f1 = &blind_stack.frames[1],
                   *f2 = &blind_stack.frames[2];
    CU_ASSERT_STRING_EQUAL(f1->function, "sl_asm_no_cfi");
    CU_ASSERT_TRUE(f1->flags & SL_FRAME_NO_CFI);
    CU_ASSERT_EQUAL(f1->fp, no_cfi_record);
    CU_ASSERT_EQUAL(f1->saved_fp_slot, no_cfi_record);
    CU_ASSERT_EQUAL(f1->return_address_slot, no_cfi_record + 8);
    CU_ASSERT_EQUAL(f1->cfa, no_cfi_record + 16);
    CU_ASSERT_EQUAL(f2->sp, f1->cfa);
    CU_ASSERT_EQUAL(f1->saved_fp_value, no_cfi_saved_rbp);
    CU_ASSERT_EQUAL(f0->saved_fp_value, no_cfi_record);
    CU_ASSERT_TRUE(f1->saved_count >= 1 && strcmp(f1->saved[0].name, "rbp") == 0);
    CU_ASSERT_EQUAL(blind_stack.stop, SL_STOP_END);
    sl_stack_release(&blind_stack);
}

/* The FP walk records each saved rbp: the next frame's frame pointer. */
/* Checked while the frames are live: each saved value is the word in the
 * frame's saved-rbp slot, and (but for the last) where the walk went next. */
static void check_saved_values(sl_stack *s)
{
    for (int i = 0; i + 1 < s->count; i++) {
        uintptr_t v = sl_frame_saved_fp(s, i);
        CU_ASSERT_EQUAL(v, *(const uintptr_t *)s->frames[i].saved_fp_slot);
        if (i + 2 < s->count)
            CU_ASSERT_EQUAL(v, s->frames[i + 1].fp);
    }
    CU_ASSERT_EQUAL(sl_frame_saved_fp(s, s->count - 1), 0);
    CU_ASSERT_EQUAL(sl_frame_saved_fp(s, s->count), 0);
    CU_ASSERT_EQUAL(sl_frame_saved_fp(s, -1), 0);
    for (int i = 0; i < s->count; i++)     /* no value from an earlier walk */
        if (i != s->count - 2)
            CU_ASSERT_EQUAL(s->frames[i].saved_fp_value, 0);
}

NOINLINE static int capture_and_check(int depth, sl_stack *s)
{
    int r = depth ? capture_and_check(depth - 1, s) : sl_stack_capture(s, SL_WALK_FP);
    if (depth == 0)
        check_saved_values(s);
    KEEP_FRAME();
    return r + one - 1;
}

static void test_fp_saved_values(void)
{
    sl_stack s = { 0 };

    /* Deep, deep again (reusing the frame array), then shallower. */
    CU_ASSERT_TRUE(capture_and_check(5, &s) >= 7);
    CU_ASSERT_TRUE(capture_and_check(5, &s) >= 7);
    CU_ASSERT_TRUE(capture_and_check(1, &s) >= 3);
    sl_stack_release(&s);
}

void suite_frames(void)
{
    CU_pSuite s = CU_add_suite("frames", NULL, NULL);
    CU_add_test(s, "FP walk: chain slots against __builtin_frame_address", test_fp_chain_slots);
    CU_add_test(s, "FP walk: chain names in order", test_fp_chain_names);
    CU_add_test(s, "CFI walk: chain, CFA, saved rbp, names", test_cfi_chain);
    CU_add_test(s, "file:line of frame 0 and of call sites", test_file_line);
    CU_add_test(s, "file:line of the innermost frames only", test_lines_for_some_frames);
    CU_add_test(s, "-fomit-frame-pointer code: FP misses a frame, CFI does not", test_omit_frame_pointer);
    CU_add_test(s, "corrupt saved frame pointers end the FP walk with a reason", test_corrupt_chain);
    CU_add_test(s, "capture in a signal handler: signal frame flagged", test_signal_handler);
    CU_add_test(s, "capture in a handler on the alternate stack", test_signal_altstack);
    CU_add_test(s, "symbolize refuses a stack too small for libdw", test_symbolize_small_stack);
    CU_add_test(s, "stack-protector canary slot", test_canary);
    CU_add_test(s, "canary in a frame without a frame record", test_canary_without_frame_record);
    CU_add_test(s, "a stale copy of the canary is not a canary", test_stale_canary);
    CU_add_test(s, "sl_stack_print output", test_print);
    CU_add_test(s, "reuse of an sl_stack, 1000-frame recursion", test_reuse_and_depth);
    CU_add_test(s, "a released frame array is the thread's next", test_spare_array);
    CU_add_test(s, "sl_stack_from_addresses (unw_backtrace)", test_from_addresses);
    CU_add_test(s, "sl_stack_from_addresses: frame 0 after a noreturn call",
                test_from_addresses_after_noreturn);
    CU_add_test(s, "thread stack bounds, capture in another thread", test_thread_bounds);
    CU_add_test(s, "CFI walk through code without CFI or record: NO_UNWIND_INFO",
                test_cfi_stops_without_unwind_info);
    CU_add_test(s, "CFI walk: frame record of code without CFI", test_cfi_frame_record_without_cfi);
    CU_add_test(s, "FP walk: saved rbp values", test_fp_saved_values);
}
