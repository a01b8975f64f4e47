/*
 * frames_arch.h: what the frame walker needs to know about one architecture.
 *
 * The walker in lib/frames.c is shared C; everything that names a register
 * or a frame-record offset lives behind this seam, in
 * lib/arch/$(ARCH)/frames_arch.c, chosen by path in the Makefile.
 */
#ifndef SL_FRAMES_ARCH_H
#define SL_FRAMES_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* The frame record a frame pointer points at, as byte offsets from the frame
 * pointer (x86-64: [fp] = caller's fp, [fp+8] = return address, CFA = fp+16,
 * stack-protector canary at fp-8). */
typedef struct sl__fp_layout {
    ptrdiff_t saved_fp;         /* where the caller's frame pointer is saved */
    ptrdiff_t return_address;   /* where the return address is saved */
    ptrdiff_t cfa;              /* the canonical frame address */
    ptrdiff_t canary;           /* where gcc's stack protector puts the canary */
    const char *fp_name;        /* the frame-pointer register's name */
} sl__fp_layout;

extern const sl__fp_layout sl__arch_fp;

/* The callee-saved registers, as libunwind numbers (UNW_*) and their names. */
extern const int sl__arch_callee_saved_unw[];
extern const char *const sl__arch_callee_saved_name[];
extern const int sl__arch_callee_saved_count;

/* libunwind's register numbers for the instruction pointer, the stack
 * pointer, the canonical frame address and the frame pointer. */
extern const int sl__arch_unw_ip, sl__arch_unw_sp, sl__arch_unw_cfa, sl__arch_unw_fp;

/* This thread's stack-protector canary (x86-64: the word at %fs:0x28). */
uintptr_t sl__arch_canary(void);

#endif
