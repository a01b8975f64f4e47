/*
 * test_arch.h (x86-64): what the shared suites need to know about this
 * architecture's registers (found by path: -Itests/arch/$(ARCH)).
 */
#ifndef SL_TEST_ARCH_H
#define SL_TEST_ARCH_H

#include <ucontext.h>

/* The frame record's offsets from the frame pointer (SL_ARCH_FP_*). */
#include "frames_layout.h"

/* The kernel's saved registers in a signal handler's ucontext: where the
 * interrupted pc is, and one callee-saved register with its name. */
#define SL_TEST_UC_PC_SLOT(uc)      ((uintptr_t)&(uc)->uc_mcontext.gregs[REG_RIP])
#define SL_TEST_UC_PC(uc)           ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RIP])
#define SL_TEST_UC_CALLEE_SLOT(uc)  ((uintptr_t)&(uc)->uc_mcontext.gregs[REG_RBX])
#define SL_TEST_CALLEE_NAME         "rbx"

/* `call` pushes the return address right below the CFA. */
#define SL_TEST_RA_AT_CFA_MINUS_8   1

/* without CFI, libunwind guesses a frame record at rbp */
#define SL_TEST_UNW_FOLLOWS_LR      0

/* A breakpoint: the thread stops with SIGTRAP for its tracer. */
#define SL_TEST_BREAKPOINT()        __asm__ volatile("int3")

/* Whether the FP walk knows each frame's CFA (AArch64: gcc puts the
 * record at the bottom of the frame, so only a lower bound). */
#define SL_TEST_FP_WALK_KNOWS_CFA   1

/* The abi suite (tests/test_abi.c): the context's slots (rbx .. r15, rsp,
 * rip, mxcsr, x87cw), the pc's name, the registers the checked call
 * compares (rbx, rbp, r12-r15, and MXCSR with the x87 control word), what
 * sl_test_clobbers_two clobbers, and the last register
 * sl_asm_saves_registers saves with a .cfi_offset. */
#define SL_TEST_CONTEXT_SLOTS       10
#define SL_TEST_PC_NAME             "rip"
#define SL_TEST_CHECKED_REGS        7
#define SL_TEST_CLOBBERED           "rbx,r13"
#define SL_TEST_LAST_CALLEE_NAME    "r15"
#define SL_TEST_ARG0_NAME           "rdi"    /* the first integer argument */
#define SL_TEST_SP_NAME             "rsp"

/* The floating-point control register that fesetround changes: MXCSR. */
#include <xmmintrin.h>
#define SL_TEST_FP_CONTROL()        ((unsigned long)_mm_getcsr())

#endif
