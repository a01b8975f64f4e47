/*
 * prologue_epilogue (AArch64 and RISC-V): the frame a prologue builds,
 * measured from inside it.
 *
 * The x86-64 demo (demos/prologue_epilogue.c) traces rsp and rbp through
 * push/mov/leave instruction by instruction.  Here (built by
 * `make ARCH=aarch64` or `make ARCH=riscv64`, run under qemu-user on this
 * machine) the hand-written shims of asm/<arch>/frames.S call back into C,
 * and the callback reads the frame record the shim's prologue left: where
 * the caller's frame pointer and the return address were stored, relative
 * to the frame pointer and to the CFA.  On AArch64 the prologue is
 * `stp x29, x30, [sp, #-32]!; mov x29, sp`: the record at the bottom, x29
 * pointing at it.  On RISC-V it is `addi sp, sp, -32; sd ra, 24(sp);
 * sd s0, 16(sp); addi s0, sp, 32`: s0 points at the CFA, above the record.
 */
#include <stacklab/abi.h>
#include <stacklab/frames.h>

#include <stdint.h>
#include <string.h>

#include "lecture.h"

static sl_stack walk;

/* prologue_epilogue-nofp.c: the same small function built without a frame
 * pointer, for `make ARCH=... listings` (its disassembly beside this file's
 * compiled_framed); it sums what it is given through pe_consume. */
long pe_compiled_nofp(long n);

__attribute__((noinline)) long pe_consume(const long *values, int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += values[i];
    return sum;
}

/* Called by a shim: captures the FP walk from here. */
static __attribute__((noinline)) long inside(void *arg)
{
    (void)arg;
    sl_stack_capture(&walk, SL_WALK_FP);
    sl_stack_symbolize(&walk);
    /* sp was 16-aligned at the shim's call (both ABIs require it): so is
     * this function's frame address, a fixed distance from it. */
    return (long)((uintptr_t)__builtin_frame_address(0) % 16);
}

static int find(const char *function)
{
    for (int i = 0; i < walk.count; i++)
        if (walk.frames[i].function && !strcmp(walk.frames[i].function, function))
            return i;
    return -1;
}

/* Called by sl_asm_framed: draws the stack from here, its record included. */
static long draw_inside(void *arg)
{
    (void)arg;
    lecture_draw_stack("prologue_epilogue", "Inside sl_asm_framed's callee", "sl_asm_framed");
    return 0;
}

static __attribute__((noinline)) long compiled_framed(long x)
{
    volatile long local[4] = { x, x + 1, x + 2, x + 3 };
    return inside(NULL) + local[0] - x;
}

/* Prints where frame i keeps its record, relative to its frame pointer. */
static void record_of(const char *who, int i)
{
    if (i < 0 || !walk.frames[i].fp) {
        lecture_fail("%s: the FP walk found no frame record", who);
        return;
    }
    const sl_frame *f = &walk.frames[i];
    lecture_code("%-18s fp = %s  saved fp at fp%+ld  return address at fp%+ld",
                 who, lecture_stable() ? "(fp)" : lecture_addr((void *)f->fp),
                 (long)(f->saved_fp_slot - f->fp), (long)(f->return_address_slot - f->fp));
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "prologue_epilogue",
                  "The frame record a prologue builds, read from inside the frame.",
                  "Shows: the record left by the hand-written prologue of sl_asm_framed\n"
                  "(asm/<arch>/frames.S) and by the compiler's, relative to the frame\n"
                  "pointer; a frameless shim the FP walk cannot see; the 16-byte rule.\n\n"
                  "Diagrams:\n"
                  "  prologue_epilogue.svg   the stack inside sl_asm_framed's callee\n");

    lecture_step("A hand-written prologue and the compiler's");
    long mis = sl_asm_framed(inside, NULL);
    int i = find("sl_asm_framed");
    record_of("sl_asm_framed", i);
    static volatile long one = 1;               /* (no constant-propagated clone) */
    mis += compiled_framed(one);
    record_of("compiled_framed", find("compiled_framed"));
    if (i >= 0 && walk.frames[i].saved_fp_slot == walk.frames[i].fp)
        lecture_say("The frame pointer (x29) points %s the record: [x29] = the caller's x29, "
                    "[x29+8] = x30, the return address the bl left in the link register. The "
                    "prologue stores the pair with one stp and moves sp in the same "
                    "instruction; the epilogue's ldp x29, x30, [sp], #32 undoes both.",
                    lecture_em("at"));
    else if (i >= 0)
        lecture_say("The frame pointer (s0) points %s the record: s0 = the CFA, the caller's "
                    "sp; [s0-8] = ra, the return address the call left in a register; "
                    "[s0-16] = the caller's s0. The prologue moves sp first, stores ra and s0, "
                    "then sets s0 = sp + frame size.", lecture_em("above"));
    sl_asm_framed(draw_inside, NULL);

    lecture_step("Without a frame record");
    if (pe_compiled_nofp(1) != 1 + 2 + 3 + 4 + 1)
        lecture_fail("pe_compiled_nofp computed a wrong sum");
    lecture_say("pe_compiled_nofp (demos/prologue_epilogue-nofp.c, -fomit-frame-pointer) "
                "keeps no record either: make ARCH=... listings shows its prologue beside "
                "compiled_framed's.");
    sl_asm_frameless(inside, NULL);
    int self = find("sl_asm_frameless"), caller = find("main");
    lecture_say("sl_asm_frameless saves only the return address register (it must: its own "
                "call overwrites it) and keeps no record. The FP walk %s sl_asm_frameless (its "
                "callee's record holds a return address into it) and %s main: main's return "
                "address would be read from the record the frame pointer points at, but that "
                "record is main's own, so the walk goes from sl_asm_frameless straight to "
                "main's caller.",
                self >= 0 ? lecture_good("finds") : lecture_bad("misses"),
                caller >= 0 ? lecture_good("finds") : lecture_bad("loses"));

    lecture_step("The 16-byte rule at the call");
    lecture_say("Both ABIs require sp to be a multiple of 16 at every call (AArch64 faults on "
                "a misaligned sp used for memory access). Inside the callbacks the frame "
                "address modulo 16 was %ld: %s.", mis,
                mis == 0 ? lecture_good("aligned") : lecture_bad("misaligned"));
    if (mis != 0)
        lecture_fail("a shim called with sp misaligned");
    sl_stack_release(&walk);
    return lecture_end();
}
