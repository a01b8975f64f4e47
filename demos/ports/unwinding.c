/*
 * unwinding (AArch64 and RISC-V): the frame-pointer walk and the CFI walk,
 * and the frame record each architecture keeps.
 *
 * The x86-64 demo (demos/unwinding.c) also shows rbp used as data and an
 * x86-64 routine with neither CFI nor a frame record; this one, built by
 * `make ARCH=aarch64` or `make ARCH=riscv64` and run under qemu-user here,
 * keeps the scenes every architecture has, and measures where this
 * machine's frame record lies relative to its frame pointer: AArch64's x29
 * points AT the record {saved x29, x30}, like x86-64's rbp; RISC-V's s0
 * points at the CFA, ABOVE the record {saved s0, ra}.  riscv64 has no
 * libunwind in Debian bookworm, so there the CFI walk says it is not built.
 */
#include <stacklab/abi.h>
#include <stacklab/dot.h>
#include <stacklab/frames.h>

#include <string.h>

#include "lecture.h"

long un_nofp_inner(long (*bottom)(long), long x);   /* unwinding-nofp.c */
long un_nofp_outer(long (*bottom)(long), long x);

static sl_stack fp_walk, cfi_walk;
static volatile long sink;

static __attribute__((noinline)) long bottom(long x)
{
    sl_stack_capture(&fp_walk, SL_WALK_FP);
    sl_stack_capture(&cfi_walk, SL_WALK_CFI);
    sl_stack_symbolize(&fp_walk);
    sl_stack_symbolize(&cfi_walk);
    return x;
}

static __attribute__((noinline)) long fp_inner(long x) { return bottom(x + 1) + 1; }
static __attribute__((noinline)) long fp_outer(long x) { return fp_inner(x + 1) + 1; }
static __attribute__((noinline)) long via_nofp(long x) { return un_nofp_outer(bottom, x) + 1; }
static long after_no_cfi(void *arg) { return bottom((long)arg) + 1; }
static __attribute__((noinline)) long via_no_cfi(long x)
{
    return sl_asm_no_cfi(after_no_cfi, (void *)x) + 1;
}

static int find(const sl_stack *s, const char *function)
{
    for (int i = 0; i < s->count; i++)
        if (s->frames[i].function && !strcmp(s->frames[i].function, function))
            return i;
    return -1;
}

static bool cfi_built(void) { return cfi_walk.stop != SL_STOP_NOT_BUILT; }

/* One row per function of the chain: did each walk find it? */
static void side_by_side(const char *const *chain)
{
    char a[64], b[64];

    lecture_say("%s", lecture_dim("    frame-pointer walk                  CFI walk (libunwind, "
                                  ".eh_frame)"));
    for (int i = 0; chain[i]; i++) {
        int in_fp = find(&fp_walk, chain[i]), in_cfi = find(&cfi_walk, chain[i]);
        snprintf(a, sizeof a, "%-34s", in_fp >= 0 ? chain[i] : "(missing)");
        snprintf(b, sizeof b, "%s%s", !cfi_built() ? "(not built)" :
                 in_cfi >= 0 ? chain[i] : "(missing)",
                 in_cfi >= 0 && (cfi_walk.frames[in_cfi].flags & SL_FRAME_NO_CFI)
                     ? "   <- no CFI here" : "");
        lecture_say("    %s  %s", in_fp >= 0 ? a : lecture_bad(a),
                    in_cfi >= 0 || !cfi_built() ? b : lecture_bad(b));
    }
    for (int w = 0; w < 2; w++) {
        const sl_stack *s = w == 0 ? &fp_walk : &cfi_walk;
        const char *why = sl_stack_stop_string(s->stop);
        lecture_say("%s %d frames: %s", w == 0 ? "FP walk: " : "CFI walk:", s->count,
                    s->stop == SL_STOP_END ? lecture_good(why) : lecture_bad(why));
    }
}

#define CHAIN(...) ((const char *const[]){ __VA_ARGS__, NULL })

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
                  "The frame-pointer walk, the CFI walk, and this machine's frame record.",
                  "Captures the same stacks with SL_WALK_FP and SL_WALK_CFI (where built):\n"
                  "with frame pointers, through -fomit-frame-pointer code and through an\n"
                  "assembly routine without CFI; measures the frame record's place.\n\n"
                  "Diagrams:\n"
                  "  unwinding-record.svg  the FP walk with frame pointers everywhere\n"
                  "  unwinding-fp.svg      the FP walk through -fomit-frame-pointer code\n");

    lecture_step("Frame pointers everywhere: the frame record of this machine");
    lecture_code("main -> fp_outer -> fp_inner -> bottom");
    sink = fp_outer(sink + 1);
    side_by_side(CHAIN("bottom", "fp_inner", "fp_outer", "main"));
    int k = find(&fp_walk, "fp_inner");
    if (k < 0 || !fp_walk.frames[k].fp) {
        lecture_fail("the FP walk did not find fp_inner's frame record");
    } else {
        const sl_frame *f = &fp_walk.frames[k];
        long o_fp = (long)(f->saved_fp_slot - f->fp), o_ra = (long)(f->return_address_slot - f->fp);
        lecture_say("fp_inner's frame pointer: the caller's frame pointer is saved at fp%+ld and "
                    "the return address at fp%+ld.", o_fp, o_ra);
        if (o_fp == 0)
            lecture_say("The frame pointer points %s the record {saved frame pointer, return "
                        "address}, as x86-64's rbp does (AArch64: x29 -> {x29, x30}). gcc puts "
                        "the record at the %s, so it does not tell where the frame ends.",
                        lecture_em("at"), lecture_em("bottom of the frame"));
        else
            lecture_say("The frame pointer points %s the record: it holds the CFA, the caller's "
                        "sp at the call, and the record {saved s0, ra} lies just below it "
                        "(RISC-V: s0 = CFA, ra at s0-8, saved s0 at s0-16). The chain links "
                        "CFA to CFA, the opposite of x86-64 and AArch64.",
                        lecture_em("above"));
    }
    diagram(&fp_walk, "unwinding-record", "FP walk: the frame records, frame pointers on");

    lecture_step("Code built with -fomit-frame-pointer: the FP walk skips it");
    lecture_code("main -> via_nofp -> un_nofp_outer -> un_nofp_inner -> bottom");
    lecture_code("                    (built with -fomit-frame-pointer)");
    sink = via_nofp(sink + 1);
    side_by_side(CHAIN("bottom", "un_nofp_inner", "un_nofp_outer", "via_nofp", "main"));
    lecture_say("The two functions in the middle keep no record, so the frame pointer still "
                "leads to via_nofp's record: the FP walk %s frames, and cannot tell.",
                lecture_bad("loses"));
    if (!cfi_built())
        lecture_say("%s", lecture_dim("(no CFI walk in this build: Debian has no libunwind "
                                      "for riscv64)"));
    diagram(&fp_walk, "unwinding-fp", "FP walk through -fomit-frame-pointer code: frames lost");

    lecture_step("An assembly routine without CFI");
    lecture_code("main -> via_no_cfi -> sl_asm_no_cfi -> after_no_cfi -> bottom");
    sink = via_no_cfi(sink + 1);
    side_by_side(CHAIN("bottom", "after_no_cfi", "sl_asm_no_cfi", "via_no_cfi", "main"));
    lecture_say("sl_asm_no_cfi keeps a frame record but no .cfi_* directives: the FP walk goes "
                "through; a CFI walk has no table for it and must guess (libunwind's AArch64 "
                "port takes x30 as the return address, which a routine that called something "
                "has overwritten).");

    lecture_step("What each walk needs");
    lecture_code("FP walk   every function keeps a frame record   the record's shape is the ABI's");
    lecture_code("CFI walk  .eh_frame covers every pc             the same on every architecture");
    sl_stack_release(&fp_walk);
    sl_stack_release(&cfi_walk);
    return lecture_end();
}
