/*
 * test_arch.h (AArch64): what the shared suites need to know about this
 * architecture's registers (found by path: -Itests/arch/$(ARCH)).
 */
#ifndef SL_TEST_ARCH_H
#define SL_TEST_ARCH_H

#include <ucontext.h>

/* The frame record's offsets from the frame pointer (SL_ARCH_FP_*). */
#include "frames_layout.h"

/* The kernel's saved registers in a signal handler's ucontext (struct
 * sigcontext: regs[31], sp, pc): the interrupted pc, and one callee-saved
 * register with its name. */
#define SL_TEST_UC_PC_SLOT(uc)      ((uintptr_t)&(uc)->uc_mcontext.pc)
#define SL_TEST_UC_PC(uc)           ((uintptr_t)(uc)->uc_mcontext.pc)
#define SL_TEST_UC_CALLEE_SLOT(uc)  ((uintptr_t)&(uc)->uc_mcontext.regs[19])
#define SL_TEST_CALLEE_NAME         "x19"

/* `bl` leaves the return address in x30; the callee saves it where its
 * frame record is, not necessarily right below the CFA. */
#define SL_TEST_RA_AT_CFA_MINUS_8   0

/* without CFI, libunwind's AArch64 port takes x30 as the
 * return address and walks on (no frame-record guess) */
#define SL_TEST_UNW_FOLLOWS_LR      1

/* A breakpoint: the thread stops with SIGTRAP for its tracer. */
#define SL_TEST_BREAKPOINT()        __asm__ volatile("brk #0")

/* Whether the FP walk knows each frame's CFA (AArch64: gcc puts the
 * record at the bottom of the frame, so only a lower bound). */
#define SL_TEST_FP_WALK_KNOWS_CFA   0

/* The abi suite (tests/test_abi.c): the context's slots, the pc's name,
 * the registers the checked call compares (x19-x29, d8-d15, fpcr), what
 * sl_test_clobbers_two clobbers, and the last register
 * sl_asm_saves_registers saves with a .cfi_offset. */
#define SL_TEST_CONTEXT_SLOTS       22
#define SL_TEST_PC_NAME             "pc"
#define SL_TEST_CHECKED_REGS        20
#define SL_TEST_CLOBBERED           "x19,d8"
#define SL_TEST_LAST_CALLEE_NAME    "x28"
#define SL_TEST_ARG0_NAME           "x0"     /* the first integer argument */
#define SL_TEST_SP_NAME             "sp"

/* The floating-point control register that fesetround changes: FPCR. */
#define SL_TEST_FP_CONTROL() \
    ({ unsigned long v_; __asm__ volatile("mrs %0, fpcr" : "=r"(v_)); v_; })

#endif
