/*
 * frames_layout.h (RISC-V): the frame record as compile-time constants,
 * for the frame-pointer walk's inner loop (lib/frames.c).  Found by path:
 * the Makefile puts lib/arch/$(ARCH)/ on the include path of the library.
 *
 * With -fno-omit-frame-pointer, gcc and clang keep s0 (x8, "fp") pointing
 * at the CFA, the caller's sp, and save the record just below it:
 *
 *      fp       ->  the CFA: the caller's stack starts here
 *      fp -  8  ->  return address (saved ra)
 *      fp - 16  ->  caller's s0
 *
 * The opposite of x86-64 and AArch64, where the frame pointer points AT
 * the saved frame pointer and the return address lies above it.  The
 * lesson: "follow the frame pointer" is not one algorithm but one per
 * ABI; a walker reads the record at negative offsets here, and the chain
 * links CFA to CFA instead of record to record.  (The RISC-V psABI leaves
 * the frame pointer's use to the compiler; this is the layout both
 * compilers and the GNU toolchain's unwinders agree on.)
 */
#ifndef SL_FRAMES_LAYOUT_H
#define SL_FRAMES_LAYOUT_H

#include <stdint.h>

#define SL_ARCH_FP_SAVED_FP        (-16) /* caller's frame pointer (s0) */
#define SL_ARCH_FP_RETURN_ADDRESS  (-8)  /* return address (ra) */
#define SL_ARCH_FP_CFA             0     /* the frame pointer is the CFA */
#define SL_ARCH_FP_CANARY          (-8)  /* below the record and the spills */
#define SL_ARCH_FP_NAME            "s0"
#define SL_ARCH_FP_CANARY_AT_TOP   0    /* (the record is right below the CFA) */
#define SL_ARCH_INSN_ALIGN         2    /* RVC: 2-byte instructions, 2-aligned */
#define SL_ARCH_SP_NAME            "sp"
#define SL_ARCH_RED_ZONE           0  /* the RISC-V ABI has none */

/* This thread's stack-protector canary: on RISC-V glibc keeps one for the
 * whole process in __stack_chk_guard (exported by ld.so), which gcc's
 * protector loads through the GOT. */
extern uintptr_t __stack_chk_guard;
static inline uintptr_t sl__arch_canary(void)
{
    return __stack_chk_guard;
}

#endif
