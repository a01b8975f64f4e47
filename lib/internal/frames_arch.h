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

/* The frame record a frame pointer points at, as compile-time constants
 * (SL_ARCH_FP_SAVED_FP, _RETURN_ADDRESS, _CFA, _CANARY, _NAME: byte offsets
 * from the frame pointer) and sl__arch_canary(), this thread's
 * stack-protector canary. */
#include "frames_layout.h"

/* The callee-saved registers, as libunwind numbers (UNW_*) and their names. */
extern const int sl__arch_callee_saved_unw[];
extern const char *const sl__arch_callee_saved_name[];
extern const int sl__arch_callee_saved_count;

/* libunwind's register numbers for the instruction pointer, the stack
 * pointer, the canonical frame address and the frame pointer. */
extern const int sl__arch_unw_ip, sl__arch_unw_sp, sl__arch_unw_cfa, sl__arch_unw_fp;

#endif
