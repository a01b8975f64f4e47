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

/* libunwind's number for the register that holds the return address at a
 * call: the pc itself on x86-64 (call pushes it), x30 on AArch64. */
extern const int sl__arch_unw_ra;

/* Which frame libunwind's unw_is_signal_frame answers for: 1 when it
 * answers for the frame reached by stepping out of the sigreturn
 * trampoline (x86-64, libunwind 1.6.2), 0 when for the trampoline itself
 * (AArch64). */
extern const int sl__arch_unw_signal_late;

/* Where a signal interrupted the thread: its pc and sp, from the handler's
 * ucontext.  Only builds without libunwind (riscv64) use it; with libunwind
 * the signal frame is read through unw_init_local2. */
void sl__arch_signal_pc_sp(const void *ucontext, uintptr_t *pc, uintptr_t *sp);
/* Where a function's prologue stores the stack-protector canary: the store
 * instruction's address, and the slot as base register + displacement. */
enum { SL_CANARY_BASE_SP = 1, SL_CANARY_BASE_FP = 2 };
typedef struct sl_canary_store {
    uintptr_t at;               /* address of the store instruction */
    int base;                   /* SL_CANARY_BASE_SP or _FP */
    intptr_t disp;              /* the slot is base register + disp */
} sl_canary_store;

/* Reads a function's code, code[0..n) from its entry at address start, for
 * the store of this thread's canary into its frame.  Returns 1 (and *st),
 * 0 when these bytes store no canary, or -1 when this architecture's code
 * is not decoded. */
int sl__arch_canary_store(const unsigned char *code, size_t n, uintptr_t start,
                          sl_canary_store *st);

#endif
