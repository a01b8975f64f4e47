/*
 * recursion.c: every call gets its own frame, and the stack is finite.
 *
 * The lecture: factorial(12) makes 12 frames at once, one under the other,
 * each a fixed number of bytes lower than its caller's; fibonacci(20) makes
 * over 20,000 calls but never more than 20 frames at a time, because a frame
 * is freed the moment its call returns.  Then a recursion with no base case
 * runs a thread's 256 KiB stack out, and the guard page below it turns the
 * next push into SL_StackOverflow, caught like any other exception.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "stacklab/dot.h"
#include "stacklab/except.h"
#include "stacklab/frames.h"
#include "lecture.h"

#define FACT_N 12
#define FIB_N 20
#define SMALL_STACK (256 * 1024)

/* Where each factorial frame sits, by depth (depth 1 = the outermost call). */
static uintptr_t fact_frame[FACT_N + 1];
static int diagram_ok;

/* Draws the stack from the deepest call.  A function of its own, so that the
 * drawing's locals do not swell factorial's frame. */
__attribute__((noinline))
static void draw_deepest(void)
{
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = "factorial(12) at its deepest: one frame per call";
    o.relative = lecture_stable();
    o.max_frames = 6;                   /* main, two outer and three inner calls */
    o.columns = 3;                      /* with n drawn in each frame */
    o.skip_frames = 1;                  /* start at factorial(1), not here */
    o.highlight = "factorial";
    diagram_ok = sl_diagram_here(lecture_diagram_path("recursion.dot"), &o) == 0;
    if (!diagram_ok)
        lecture_fail("sl_diagram_here: %s", sl_dot_last_error());
}

/* The empty asm after each recursive call keeps the compiler from turning the
 * recursion into a loop (gcc does that to factorial at -O2): the multiply
 * must happen after the call returns, so every call needs a frame. */
__attribute__((noinline))
static unsigned long factorial(int n)
{
    fact_frame[FACT_N - n + 1] = (uintptr_t)__builtin_frame_address(0);
    if (n <= 1) {
        draw_deepest();                 /* all FACT_N frames are live right now */
        return 1;
    }
    unsigned long r = factorial(n - 1);
    __asm__ volatile("" ::: "memory");
    return (unsigned long)n * r;
}

static long fib_calls;
static int fib_depth, fib_max_depth;

__attribute__((noinline))
static long fibonacci(int n)
{
    fib_calls++;
    if (++fib_depth > fib_max_depth)
        fib_max_depth = fib_depth;
    long r = n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
    fib_depth--;
    return r;
}

/* Recursion without a base case.  depth must be volatile: it is read in the
 * CATCH after the throw, and only memory survives a non-local jump. */
static volatile unsigned long depth;

/* The compiler notices the missing base case (-Winfinite-recursion); here it
 * is the point of the lesson. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static volatile uintptr_t bottom_frame[3];

__attribute__((noinline))
static unsigned long bottomless(unsigned long n)
{
    volatile char scratch[32];          /* a little local state, like real code */
    scratch[0] = (char)n;
    depth = n;
    if (n < 3)
        bottom_frame[n] = (uintptr_t)__builtin_frame_address(0);
    unsigned long r = bottomless(n + 1);
    __asm__ volatile("" ::: "memory");
    return r + (unsigned long)scratch[0];
}

static void *overflow_thread(void *unused)
{
    (void)unused;
    uintptr_t low = 0, high = 0;
    sl_thread_stack_bounds(&low, &high);
    sl_trap_signals();

    SL_TRY {
        bottomless(1);
        lecture_fail("bottomless() returned");
    } SL_CATCH(SL_StackOverflow, e) {
        long frame = (long)(bottom_frame[1] - bottom_frame[2]);
        lecture_say("caught %s after %lu calls: %s", lecture_em(e->type->name), depth,
                    e->message);
        if ((uintptr_t)e->fault_address < low)
            lecture_say("fault address %s: %lu bytes below the end of the thread's %lu KiB stack, "
                        "in the guard page", lecture_addr(e->fault_address),
                        (unsigned long)(low - (uintptr_t)e->fault_address),
                        (unsigned long)(high - low) / 1024);
        else
            lecture_say("fault address %s, near the end of the thread's %lu KiB stack",
                        lecture_addr(e->fault_address), (unsigned long)(high - low) / 1024);
        if (frame > 0)
            lecture_say("%lu KiB / %ld bytes per frame = at most %lu calls; the thread's own "
                        "first frames and its TLS took the rest.", (unsigned long)(high - low) / 1024,
                        frame, (unsigned long)(high - low) / (unsigned long)frame);
    } SL_CATCH_ANY(e) {
        lecture_fail("expected SL_StackOverflow, caught %s: %s", e->type->name, e->message);
    } SL_END_TRY;

    sl_untrap_signals();
    return NULL;
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "recursion",
                  "Each call gets a frame of its own; the stack is finite.",
                  "Shows: factorial's frames stacked at the deepest call, the bytes per\n"
                  "frame and the direction of growth, fibonacci's calls versus its depth,\n"
                  "and a bottomless recursion ending in SL_StackOverflow (in a thread with\n"
                  "a 256 KiB stack, so it is quick).\n\n"
                  "Diagrams:\n"
                  "  recursion.svg   the stack at factorial(1), the deepest call\n");

    lecture_step("factorial(%d): one frame per call", FACT_N);
    unsigned long f = factorial(FACT_N);
    lecture_say("factorial(%d) = %lu", FACT_N, f);
    lecture_say("Each call recorded its frame address (rbp) on the way down:");
    for (int d = 1; d <= FACT_N; d++) {
        if (d > 3 && d < FACT_N - 1) {
            if (d == 4)
                lecture_code("  ...");
            continue;
        }
        if (lecture_stable())
            lecture_code("factorial(%2d)  depth %2d  frame %s from the first", FACT_N - d + 1, d,
                         lecture_offset((intptr_t)(fact_frame[d] - fact_frame[1])));
        else
            lecture_code("factorial(%2d)  depth %2d  frame at %s  (%s from the first)",
                         FACT_N - d + 1, d, lecture_addr((void *)fact_frame[d]),
                         lecture_offset((intptr_t)(fact_frame[d] - fact_frame[1])));
    }

    lecture_step("Frame size and the direction of growth");
    long step = (long)(fact_frame[1] - fact_frame[2]);
    bool same = true;
    for (int d = 2; d <= FACT_N; d++)
        same = same && (long)(fact_frame[d - 1] - fact_frame[d]) == step;
    lecture_say("Each deeper call's frame is %ld bytes lower than its caller's: the stack %s on "
                "x86-64.", step, lecture_em("grows down"));
    lecture_say("factorial uses %ld bytes per frame%s: return address (8), saved rbp (8), and the "
                "rest for spilled registers and alignment (rsp stays a multiple of 16 at calls).",
                step, same ? " at every depth" : " (varies)");
    lecture_say("%s", lecture_dim("The compiler fixed that size when it compiled factorial; the "
                                  "depth is decided only at run time."));
    if (diagram_ok && lecture_diagram_render("recursion") == 0)
        lecture_say("The diagram draws the deepest point, factorial(1) at the bottom, eliding the "
                    "middle frames.");

    lecture_step("fibonacci(%d): many calls, shallow stack", FIB_N);
    long r = fibonacci(FIB_N);
    char calls[32];
    snprintf(calls, sizeof calls, "%ld", fib_calls);
    lecture_say("fibonacci(%d) = %ld took %s calls, but the deepest point was only %d frames.",
                FIB_N, r, lecture_em(calls), fib_max_depth);
    lecture_say("The stack holds only the path from main to the running call: a returned call's "
                "frame is reused by the next call.");

    lecture_step("How deep can it go?");
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lecture_say("The main thread's stack limit is %lu KiB (ulimit -s); below it is unmapped "
                    "memory.", (unsigned long)rl.rlim_cur / 1024);
    lecture_say("A recursion with no base case, in a thread with a %d KiB stack:", SMALL_STACK / 1024);

    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SMALL_STACK);
    if (pthread_create(&t, &attr, overflow_thread, NULL) != 0)
        lecture_fail("pthread_create failed");
    else
        pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    lecture_say("The fault happened on the alternate signal stack, which is why the handler "
                "could still run.");

    return lecture_end();
}
