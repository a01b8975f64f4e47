/*
 * frames_layout.h (AArch64): the frame record as compile-time constants,
 * for the frame-pointer walk's inner loop (lib/frames.c).  Found by path:
 * the Makefile puts lib/arch/$(ARCH)/ on the include path of the library.
 *
 * AAPCS64 6.4.6 "The Frame Pointer": x29 points at a frame record of two
 * 64-bit words, the caller's frame record address (its x29) below and the
 * link register x30 (the return address) above it; the chain ends at 0.
 * After `stp x29, x30, [sp, #-N]!; mov x29, sp`:
 *
 *      fp + 16  ->  the end of the record (gcc: the frame's locals and
 *                   callee-saved spills lie above, up to the CFA)
 *      fp +  8  ->  return address (saved x30)
 *      fp       ->  caller's x29
 *
 * The same shape as x86-64's (saved fp, then return address), but where
 * x86-64's `call` pushes the return address right below the CFA, AArch64's
 * `bl` leaves it in x30, and the function stores it where it likes: gcc
 * puts the record at the bottom of its frame, clang at the top.  So the
 * record alone cannot tell where this frame ends; the walk takes fp + 16,
 * the lowest the CFA can be, and the CFI walk gives the real one.
 */
#ifndef SL_FRAMES_LAYOUT_H
#define SL_FRAMES_LAYOUT_H

#include <stdint.h>

#define SL_ARCH_FP_SAVED_FP        0    /* caller's frame pointer (x29) */
#define SL_ARCH_FP_RETURN_ADDRESS  8    /* return address (x30) */
#define SL_ARCH_FP_CFA             16   /* the CFA's lower bound (see above) */
#define SL_ARCH_FP_CANARY          (-8) /* where a canary is looked for below a record */
#define SL_ARCH_FP_NAME            "x29"
#define SL_ARCH_FP_CANARY_AT_TOP   1    /* gcc: record at the bottom, canary at the top */
#define SL_ARCH_INSN_ALIGN         4    /* every instruction is 4 bytes, 4-aligned */
#define SL_ARCH_SP_NAME            "sp"
#define SL_ARCH_RED_ZONE           0  /* AAPCS64 has none: memory below sp is not the function's */

/* This thread's stack-protector canary: on AArch64 glibc keeps one for the
 * whole process in __stack_chk_guard (exported by ld.so), which gcc's
 * protector loads through the GOT; there is no thread-control-block copy
 * as on x86-64. */
extern uintptr_t __stack_chk_guard;
static inline uintptr_t sl__arch_canary(void)
{
    return __stack_chk_guard;
}

#endif
