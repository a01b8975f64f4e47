/*
 * unwinding: two ways to find the caller of a frame, and where each fails.
 *
 * The frame-pointer walk (SL_WALK_FP) follows the chain of saved rbp values:
 * [rbp] is the caller's rbp, [rbp + 8] the return address.  It is a few
 * loads per frame, and it only works if every function on the way keeps
 * that chain.  The CFI walk (SL_WALK_CFI, libunwind) reads the DWARF call
 * frame information the compiler and assembler emit in .eh_frame: a table
 * saying, for every instruction, where the caller's registers are.  It
 * needs no frame pointer, but it needs that table.
 *
 * Each scene captures the same stack with both walkers, from the function
 * `bottom` at the end of a chain of calls, and lists them side by side:
 *   1. frame pointers everywhere: both agree;
 *   2. functions built with -fomit-frame-pointer (unwinding-nofp.c): the FP
 *      walk skips them without noticing;
 *   3. one of them uses rbp as an ordinary register: the FP walk stops;
 *   4. an assembly routine without CFI (sl_asm_no_cfi): the CFI walk's
 *      turn to be blind, while the frame pointer chain is intact.
 */
#include <stacklab/abi.h>
#include <stacklab/dot.h>
#include <stacklab/frames.h>

#include <string.h>

#include "lecture.h"

long un_nofp_inner(long (*bottom)(long), long x);
long un_nofp_outer(long (*bottom)(long), long x);
long un_nofp_busy(long (*bottom)(long), long x);
long un_blind_call(long x);                 /* unwinding.S: no frame pointer, no CFI */

/* What un_blind_call calls (set in main). */
long (*un_bottom)(long);

/* The two captures of the current scene. */
static sl_stack fp_walk, cfi_walk;

/* Where the chains' results go: a used result keeps each call a real call
 * (not a jump that reuses the caller's frame) and each function a frame. */
static volatile long sink;

/* The end of every chain: capture the stack both ways. */
static __attribute__((noinline)) long bottom(long x)
{
    sl_stack_capture(&fp_walk, SL_WALK_FP);
    sl_stack_capture(&cfi_walk, SL_WALK_CFI);
    sl_stack_symbolize(&fp_walk);
    sl_stack_symbolize(&cfi_walk);
    return x;
}

/* ---- the chains (frame pointers on: this file's default flags) ------------- */

static __attribute__((noinline)) long fp_inner(long x) { return bottom(x + 1) + 1; }
static __attribute__((noinline)) long fp_outer(long x) { return fp_inner(x + 1) + 1; }

static __attribute__((noinline)) long via_nofp(long x) { return un_nofp_outer(bottom, x) + 1; }
static __attribute__((noinline)) long via_busy(long x) { return un_nofp_busy(bottom, x) + 1; }

static __attribute__((noinline)) long via_blind(long x)
{
    return un_nofp_busy(un_blind_call, x) + 1;
}

static long after_no_cfi(void *arg) { return bottom((long)arg) + 1; }
static __attribute__((noinline)) long via_no_cfi(long x)
{
    return sl_asm_no_cfi(after_no_cfi, (void *)x) + 1;
}

/* ---- printing ---------------------------------------------------------------- */

static int find(const sl_stack *s, const char *function)
{
    for (int i = 0; i < s->count; i++)
        if (s->frames[i].function && !strcmp(s->frames[i].function, function))
            return i;
    return -1;
}

/* One row per function of the chain (innermost first, NULL-terminated):
 * did each walk find it?  Then any frame a walk reported that is not in
 * the chain (a walk gone astray), and why each walk ended. */
static void side_by_side(const char *const *chain)
{
    char a[64], b[64];

    lecture_say("%s", lecture_dim("    frame-pointer walk (rbp chain)      CFI walk (libunwind, "
                                  ".eh_frame)"));
    for (int i = 0; chain[i]; i++) {
        int in_fp = find(&fp_walk, chain[i]), in_cfi = find(&cfi_walk, chain[i]);
        snprintf(a, sizeof a, "%-34s", in_fp >= 0 ? chain[i] : "(missing)");
        snprintf(b, sizeof b, "%s%s", in_cfi >= 0 ? chain[i] : "(missing)",
                 in_cfi >= 0 && (cfi_walk.frames[in_cfi].flags & SL_FRAME_NO_CFI)
                     ? "   <- no CFI here" : "");
        lecture_say("    %s  %s", in_fp >= 0 ? a : lecture_bad(a),
                    in_cfi >= 0 ? b : lecture_bad(b));
    }
    for (int w = 0; w < 2; w++) {
        const sl_stack *s = w == 0 ? &fp_walk : &cfi_walk;
        bool below_main = false;
        for (int i = 0; i < s->count && !below_main; i++) {
            const char *name = s->frames[i].function;
            below_main = !strcmp(name, "main");
            bool known = false;
            for (int k = 0; chain[k] && !known; k++)
                known = !strcmp(chain[k], name);
            if (!known)
                lecture_say("    %s%s", w == 0 ? "" : "                                    ",
                            lecture_bad(name));
        }
    }
    for (int w = 0; w < 2; w++) {
        const sl_stack *s = w == 0 ? &fp_walk : &cfi_walk;
        const char *why = sl_stack_stop_string(s->stop);
        lecture_say("%s %d frames, ended after %s: %s", w == 0 ? "FP walk: " : "CFI walk:",
                    s->count, s->count ? s->frames[s->count - 1].function : "none",
                    s->stop == SL_STOP_END ? lecture_good(why) : lecture_bad(why));
    }
}

#define CHAIN(...) ((const char *const[]){ __VA_ARGS__, NULL })

static bool reached(const sl_stack *s, const char *function) { return find(s, function) >= 0; }

static void diagram(const sl_stack *s, const char *name, const char *title)
{
    FILE *f = lecture_diagram_open(name);
    if (!f)
        return;
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = title;
    o.relative = lecture_stable();
    o.max_frames = 9;
    int rc = sl_stack_write_dot(s, f, &o);
    if (rc != 0)
        lecture_fail("%s.dot: %s", name, sl_dot_strerror(rc));
    lecture_diagram_close(f);
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "unwinding",
                  "The frame-pointer walk and the CFI walk side by side, and where each fails.",
                  "Captures the same stacks with SL_WALK_FP and SL_WALK_CFI: with frame\n"
                  "pointers, through code built with -fomit-frame-pointer, and through an\n"
                  "assembly routine without CFI.\n\n"
                  "Diagrams:\n"
                  "  unwinding-fp.svg    the FP walk through -fomit-frame-pointer code\n"
                  "  unwinding-cfi.svg   the CFI walk of the same stack\n"
                  "  unwinding-nocfi.svg the CFI walk through sl_asm_no_cfi\n");

    lecture_step("Frame pointers everywhere: both walks agree");
    lecture_code("main -> fp_outer -> fp_inner -> bottom      (all with push rbp; mov rsp,rbp)");
    sink = fp_outer(sink + 1);
    side_by_side(CHAIN("bottom", "fp_inner", "fp_outer", "main"));
    if (!reached(&fp_walk, "main") || !reached(&cfi_walk, "main"))
        lecture_fail("a walk did not reach main with frame pointers on");
    lecture_say("The FP walk reads two words per frame: [rbp] = the caller's rbp, [rbp+8] = the "
                "return address. The CFI walk computes the same from .eh_frame tables.");
    lecture_say("Below main the FP walk stops: glibc's startup code is built without frame "
                "pointers. The CFI walk goes on to _start, where the CFI marks the end.");

    lecture_step("Code built with -fomit-frame-pointer: the FP walk skips it");
    lecture_code("main -> via_nofp -> un_nofp_outer -> un_nofp_inner -> bottom");
    lecture_code("                    (built with -fomit-frame-pointer)");
    sink = via_nofp(sink + 1);
    side_by_side(CHAIN("bottom", "un_nofp_inner", "un_nofp_outer", "via_nofp", "main"));
    lecture_say("un_nofp_outer and un_nofp_inner never push rbp, so rbp still points at "
                "via_nofp's frame record when bottom is called. The FP walk finds "
                "un_nofp_inner from bottom's own record, then follows the saved rbp to "
                "via_nofp's record, whose return address leads to main. un_nofp_outer and "
                "via_nofp %s (the return address into via_nofp is in un_nofp_outer's frame, "
                "which has no record), and the walk %s.",
                lecture_bad("are lost"), lecture_em("cannot tell"));
    lecture_say("In unwinding-fp.svg the slots drawn as un_nofp_inner's return address and "
                "saved rbp are really via_nofp's: the FP walk cannot know better.");
    if (reached(&fp_walk, "un_nofp_outer") || !reached(&cfi_walk, "un_nofp_outer"))
        lecture_say("%s", lecture_dim("(this compiler kept a frame pointer in un_nofp_outer "
                                      "anyway)"));
    diagram(&fp_walk, "unwinding-fp", "FP walk through -fomit-frame-pointer code: frames lost");
    diagram(&cfi_walk, "unwinding-cfi", "CFI walk of the same stack: every frame");

    lecture_step("rbp used as an ordinary register: the FP walk stops");
    lecture_code("main -> via_busy -> un_nofp_busy -> bottom");
    lecture_code("                    (7 values live across its call: rbp holds one of them)");
    sink = via_busy(sink + 1);
    side_by_side(CHAIN("bottom", "un_nofp_busy", "via_busy", "main"));
    lecture_say("Without frame pointers rbp is just a callee-saved register, and un_nofp_busy "
                "keeps a number in it. The FP walk follows that number as if it were a frame "
                "address; it checks before it reads (inside this thread's stack, above the "
                "last frame, aligned), so it %s instead of crashing.",
                lecture_em("stops with a reason"));
    if (!reached(&cfi_walk, "main"))
        lecture_fail("the CFI walk should reach main through -fomit-frame-pointer code");

    lecture_step("An assembly routine without CFI: the CFI walk's turn");
    lecture_code("main -> via_no_cfi -> sl_asm_no_cfi -> after_no_cfi -> bottom");
    lecture_code("                      (push rbp; mov rsp,rbp ... but no .cfi_* directives)");
    sink = via_no_cfi(sink + 1);
    side_by_side(CHAIN("bottom", "after_no_cfi", "sl_asm_no_cfi", "via_no_cfi", "main"));
    if (reached(&cfi_walk, "main"))
        lecture_say("libunwind found no .eh_frame entry for sl_asm_no_cfi and %s: it guessed "
                    "that the routine keeps a standard frame record, which this one does. "
                    "Code that does not would end the walk or send it astray.",
                    lecture_em("fell back on the frame-pointer chain"));
    else
        lecture_say("No .eh_frame entry covers sl_asm_no_cfi, so the CFI walk cannot compute "
                    "its caller and stops there; the FP walk goes through, because the routine "
                    "keeps a standard frame record.");
    diagram(&cfi_walk, "unwinding-nocfi", "CFI walk through sl_asm_no_cfi (no CFI)");

    lecture_step("No CFI and no frame pointer: both walks are blind");
    lecture_code("main -> via_blind -> un_nofp_busy -> un_blind_call -> bottom");
    lecture_code("                     (rbp = data)    (asm: no frame record, no CFI)");
    un_bottom = bottom;
    sink = via_blind(sink + 1);
    side_by_side(CHAIN("bottom", "un_blind_call", "un_nofp_busy", "via_blind", "main"));
    lecture_say("un_blind_call has neither a frame record nor CFI. The CFI walk's fallback "
                "assumes a frame record and reads rbp, which holds un_nofp_busy's data: the "
                "walk ends there%s. A backtrace, a profiler or an exception unwinding through "
                "this routine is lost: %s",
                cfi_walk.stop == SL_STOP_END ? " (and libunwind even reports it as the end of the "
                                               "stack)" : "",
                lecture_em("this is why our assembly carries CFI."));
    if (reached(&cfi_walk, "main"))
        lecture_say("%s", lecture_dim("(this time the guess happened to work)"));

    lecture_step("What each walk needs");
    lecture_code("FP walk   every function keeps push rbp; mov rsp,rbp   fast: 2 loads a frame");
    lecture_code("CFI walk  .eh_frame covers every pc on the stack         slower: a table lookup");
    lecture_say("Debuggers, perf --call-graph=dwarf and C++ exceptions use CFI; perf's default "
                "and many profilers use frame pointers. Hand-written assembly must provide "
                "%s (.cfi_startproc ... .cfi_endproc) or it breaks them.", lecture_em("both"));

    sl_stack_release(&fp_walk);
    sl_stack_release(&cfi_walk);
    return lecture_end();
}
