/*
 * segfault.c: a crash is a signal, and a signal can become an exception.
 *
 * The lecture: the MMU refuses an access to an address with no mapping (or
 * a mapping without the permission), the kernel sends SIGSEGV, and with
 * sl_trap_signals() the handler turns it into SL_SegmentationFault, thrown
 * from the faulting instruction to the nearest SL_TRY.  Four faults in a row,
 * each caught with its fault address and backtrace, and the program carries
 * on after every one.  The last one, a bottomless recursion, faults on the
 * guard page below the stack; the handler runs on the alternate signal stack,
 * because the real one is full.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stacklab/dot.h"
#include "stacklab/except.h"
#include "stacklab/frames.h"
#include "lecture.h"

/* The pointers are volatile so that the compiler cannot see that they are
 * bad and replace the access with a trap instruction of its own (or, for the
 * string literal, drop the store as undefined behaviour). */

__attribute__((noinline))
static int read_through_null(void)
{
    int *volatile p = NULL;
    return *p;
}

__attribute__((noinline))
static int read_wild_pointer(void)
{
    int *volatile p = (int *)(uintptr_t)0x12345678;     /* nothing is mapped there */
    return *p;
}

__attribute__((noinline))
static int write_string_literal(void)
{
    volatile char *volatile s = (volatile char *)"hello";   /* in read-only .rodata */
    s[0] = 'J';
    return s[0];
}

static volatile unsigned long depth;

/* The compiler notices the missing base case (-Winfinite-recursion); here it
 * is the point of the lesson. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline))
static int recurse_forever(unsigned long n)
{
    depth = n;
    int r = recurse_forever(n + 1);
    __asm__ volatile("" ::: "memory");  /* no tail call: each call needs a frame */
    return r + 1;
}

static int start_recursion(void) { return recurse_forever(1); }

/* ---- the picture: the stack as the kernel leaves it ---------------------- */

static sigjmp_buf after_fault;
static void *picture_fault_address;
static bool drew;

/* A SIGSEGV handler of our own, for one fault, running on the thread's own
 * stack: the kernel has pushed its signal frame (siginfo and the saved
 * registers, ucontext) under the faulting frame and called us on top of it.
 * We draw what we stand on, then jump back.  (Drawing is far from
 * async-signal-safe; it is fine here because this fault is synchronous, in
 * code that holds no lock: the same bargain sl_trap_signals makes.) */
static void draw_from_handler(int sig, siginfo_t *info, void *ucontext)
{
    (void)sig;
    (void)ucontext;
    char title[160];
    picture_fault_address = info->si_addr;
    snprintf(title, sizeof title, "SIGSEGV in read_through_null, fault address 0x%lx: "
             "the kernel's signal frame, and the handler on top",
             (unsigned long)(uintptr_t)info->si_addr);
    lecture_draw_stack("segfault", title, "read_through_null");
    drew = true;
    siglongjmp(after_fault, 1);
}

static void draw_the_fault(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = draw_from_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    if (sigsetjmp(after_fault, 1) == 0)
        read_through_null();
    sigaction(SIGSEGV, &old, NULL);
}

/* The innermost few frames of the backtrace, one line each. */
static void show_backtrace(const sl_exception *e, int max)
{
    sl_stack s = {0};
    if (sl_stack_from_addresses(&s, e->backtrace, e->backtrace_length) < 0)
        return;
    sl_stack_symbolize(&s);
    int shown = 0;
    for (int i = 0; i < s.count && shown < max; i++) {
        const sl_frame *f = &s.frames[i];
        const char *file = f->file ? strrchr(f->file, '/') : NULL;
        file = file ? file + 1 : f->file;
        if (file)
            lecture_code("#%d  %-22s %s:%d", i, f->function, file, f->line);
        else
            lecture_code("#%d  %-22s [%s]", i, f->function, f->module ? f->module : "?");
        shown++;
    }
    if (s.count > max)
        lecture_code("... %d more frames", s.count - max);
    sl_stack_release(&s);
}

/* Runs one faulty function inside SL_TRY and reports what was caught. */
static void attempt(const char *what, int (*faulty)(void), const sl_exception_type *expect)
{
    SL_TRY {
        int v = faulty();
        lecture_fail("%s returned %d instead of faulting", what, v);
    } SL_CATCH(SL_SignalError, e) {
        lecture_say("caught %s (signal %d): %s", lecture_em(e->type->name), e->signal_number,
                    e->message);
        lecture_say("fault address %s; the backtrace, recorded at the fault:",
                    lecture_addr(e->fault_address));
        if (!sl_exception_is(e, expect))
            lecture_fail("expected %s", expect->name);
        show_backtrace(e, 4);
    } SL_END_TRY;
    lecture_say("%s", lecture_good("... and the program carries on."));
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "segfault",
                  "Segmentation faults become exceptions, and the program carries on.",
                  "Shows: a NULL dereference, a wild pointer, a write to a string literal and\n"
                  "an infinite recursion, each inside SL_TRY with sl_trap_signals(): the\n"
                  "exception type, the fault address and the backtrace, then the next one.\n\n"
                  "Diagrams:\n"
                  "  segfault.svg    the stack in a SIGSEGV handler: the faulting frame, the\n"
                  "                  kernel's signal frame and the fault address\n");

    lecture_step("What a fault leaves on the stack");
    lecture_code("int *p = NULL;  return *p;      /* in read_through_null */");
    lecture_say("The MMU refuses the load; the kernel saves the faulting thread's registers (a "
                "ucontext) and a siginfo with the fault address in a signal frame it pushes under "
                "the faulting frame, then calls the SIGSEGV handler on top of it. A handler of "
                "our own draws that stack, then jumps back with siglongjmp.");
    draw_the_fault();
    if (drew)
        lecture_say("fault address %s: segfault.svg shows read_through_null (interrupted, its red "
                    "zone spared), the signal frame, and the handler.",
                    lecture_addr(picture_fault_address));
    else
        lecture_fail("the handler did not run");

    lecture_step("Trap the signals");
    if (sl_trap_signals() != 0)
        lecture_fail("sl_trap_signals failed");
    lecture_say("sl_trap_signals() installs handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL on an "
                "alternate signal stack. A fault now throws from the faulting instruction.");

    lecture_step("A NULL dereference");
    lecture_code("int *p = NULL;  return *p;");
    lecture_say("Page 0 is never mapped, so that the most common bad pointer always faults.");
    attempt("read_through_null", read_through_null, &SL_SegmentationFault);

    lecture_step("A wild pointer");
    lecture_code("int *p = (int *)0x12345678;  return *p;");
    lecture_say("Nothing is mapped at that address in this process: the MMU has no page for it.");
    attempt("read_wild_pointer", read_wild_pointer, &SL_SegmentationFault);

    lecture_step("Writing to a string literal");
    lecture_code("char *s = \"hello\";  s[0] = 'J';");
    lecture_say("The page is mapped, but read-only (.rodata): the access lacks the permission.");
    attempt("write_string_literal", write_string_literal, &SL_SegmentationFault);

    lecture_step("An infinite recursion");
    lecture_code("int recurse_forever(unsigned long n) { return recurse_forever(n + 1) + 1; }");
    attempt("recurse_forever", start_recursion, &SL_StackOverflow);
    lecture_say("It got %lu calls deep before the guard page under the stack stopped it; the "
                "handler ran on the alternate signal stack.", depth);

    lecture_step("Still running");
    lecture_say("Four faults, four exceptions, and main is still here. Without sl_trap_signals() "
                "the first one would have killed the process: \"Segmentation fault (core "
                "dumped)\".");
    sl_untrap_signals();
    return lecture_end();
}
