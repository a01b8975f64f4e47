/*
 * test_arch.h (RISC-V): what the shared suites need to know about this
 * architecture's registers (found by path: -Itests/arch/$(ARCH)).
 */
#ifndef SL_TEST_ARCH_H
#define SL_TEST_ARCH_H

#include <ucontext.h>

/* The frame record's offsets from the frame pointer (SL_ARCH_FP_*). */
#include "frames_layout.h"

/* The kernel's saved registers in a signal handler's ucontext (__gregs[0]
 * is the pc, __gregs[n] is xn): the interrupted pc, and one callee-saved
 * register (s1 = x9) with its name. */
#define SL_TEST_UC_PC_SLOT(uc)      ((uintptr_t)&(uc)->uc_mcontext.__gregs[REG_PC])
#define SL_TEST_UC_PC(uc)           ((uintptr_t)(uc)->uc_mcontext.__gregs[REG_PC])
#define SL_TEST_UC_CALLEE_SLOT(uc)  ((uintptr_t)&(uc)->uc_mcontext.__gregs[9])
#define SL_TEST_CALLEE_NAME         "s1"

/* gcc and clang save ra at s0-8, and s0 is the CFA: right below it. */
#define SL_TEST_RA_AT_CFA_MINUS_8   1

/* (no libunwind in this build) */
#define SL_TEST_UNW_FOLLOWS_LR      0

/* A breakpoint: the thread stops with SIGTRAP for its tracer. */
#define SL_TEST_BREAKPOINT()        __asm__ volatile("ebreak")

/* Whether the FP walk knows each frame's CFA (AArch64: gcc puts the
 * record at the bottom of the frame, so only a lower bound). */
#define SL_TEST_FP_WALK_KNOWS_CFA   1

/* The abi suite (tests/test_abi.c): the context's slots, the pc's name,
 * the registers the checked call compares (s0-s11, fs0-fs11, fcsr), what
 * sl_test_clobbers_two clobbers, and the last register
 * sl_asm_saves_registers saves with a .cfi_offset. */
#define SL_TEST_CONTEXT_SLOTS       27
#define SL_TEST_PC_NAME             "pc"
#define SL_TEST_CHECKED_REGS        25
#define SL_TEST_CLOBBERED           "s1,fs0"
#define SL_TEST_LAST_CALLEE_NAME    "s11"
#define SL_TEST_ARG0_NAME           "a0"     /* the first integer argument */
#define SL_TEST_SP_NAME             "sp"

/* The floating-point control register that fesetround changes: fcsr. */
#define SL_TEST_FP_CONTROL() \
    ({ unsigned long v_; __asm__ volatile("frcsr %0" : "=r"(v_)); v_; })

#endif
