/*
 * frames_layout.h (x86-64): the frame record as compile-time constants, for
 * the frame-pointer walk's inner loop (lib/frames.c), where every
 * instruction per frame counts.  Found by path: the Makefile puts
 * lib/arch/$(ARCH)/ on the include path of the library's objects.
 *
 * System V AMD64 ABI 3.2.2 (the stack frame): after `push %rbp; mov %rsp,%rbp`
 *
 *      fp + 16  ->  caller's stack (the CFA: rsp before the call)
 *      fp +  8  ->  return address
 *      fp       ->  caller's rbp
 *      fp -  8  ->  stack-protector canary (gcc -fstack-protector*, when
 *                   no callee-saved register is pushed after rbp)
 */
#ifndef SL_FRAMES_LAYOUT_H
#define SL_FRAMES_LAYOUT_H

#include <stdint.h>

#define SL_ARCH_FP_SAVED_FP        0    /* caller's frame pointer */
#define SL_ARCH_FP_RETURN_ADDRESS  8    /* return address */
#define SL_ARCH_FP_CFA             16   /* canonical frame address */
#define SL_ARCH_FP_CANARY          (-8) /* gcc's canary, below the record */
#define SL_ARCH_FP_NAME            "rbp"
#define SL_ARCH_FP_CANARY_AT_TOP   0    /* (the record is always right below the CFA) */
#define SL_ARCH_INSN_ALIGN         1    /* instructions may start at any byte */
#define SL_ARCH_SP_NAME            "rsp"
#define SL_ARCH_RED_ZONE           128  /* System V psABI 3.2.2: 128 bytes below rsp a leaf may use */

/* This thread's stack-protector canary: glibc keeps it in the thread
 * control block at %fs:0x28, where the protector's prologue loads it. */
static inline uintptr_t sl__arch_canary(void)
{
    uintptr_t c;
    __asm__("mov %%fs:0x28, %0" : "=r"(c));
    return c;
}

#endif
