/*
 * checked_call.h (RISC-V): the record that sl_checked_call (C,
 * lib/arch/riscv64/abi_riscv64.c) hands to sl__checked_call_asm
 * (checked_call.S): the call to make, the canaries to load, and room for
 * what came back.
 *
 *   offset  field                     offset  field
 *        0  fn                           424  fcsr_canary
 *        8  args a b c d                 432  fcsr_after
 *       40  canary: s0 .. s11,           440  after_sp    sp after fn returned
 *           fs0 .. fs11 (24 words)       448  before_sp   sp at the call
 *      232  after:  the same 24          456  result      fn's a0
 */
#ifndef SL_ARCH_CHECKED_CALL_H
#define SL_ARCH_CHECKED_CALL_H

#define SL_CK_FN            0
#define SL_CK_ARGS          8           /* a, b, c, d */
#define SL_CK_CANARY        40          /* s0 .. s11, then fs0 .. fs11 */
#define SL_CK_AFTER         232         /* the same order */
#define SL_CK_FCSR_CANARY   424
#define SL_CK_FCSR_AFTER    432
#define SL_CK_AFTER_SP      440
#define SL_CK_BEFORE_SP     448
#define SL_CK_RESULT        456
#define SL_CK_SIZE          464

#define SL_CK_FS0           (12 * 8)    /* fs0 in canary[] and after[] */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* Register order in canary[] and after[]. */
enum { SL_CK_I_S0 = 0, SL_CK_I_S11 = 11, SL_CK_I_FS0 = 12, SL_CK_I_FS11 = 23, SL_CK_NREGS };

struct sl__check_frame {
    uint64_t fn;
    uint64_t args[4];
    uint64_t canary[SL_CK_NREGS];
    uint64_t after[SL_CK_NREGS];
    uint64_t fcsr_canary, fcsr_after;
    uint64_t after_sp, before_sp, result;
};

_Static_assert(offsetof(struct sl__check_frame, fn) == SL_CK_FN, "fn");
_Static_assert(offsetof(struct sl__check_frame, args) == SL_CK_ARGS, "args");
_Static_assert(offsetof(struct sl__check_frame, canary) == SL_CK_CANARY, "canary");
_Static_assert(offsetof(struct sl__check_frame, canary[SL_CK_I_FS0]) == SL_CK_CANARY + SL_CK_FS0, "fs0");
_Static_assert(offsetof(struct sl__check_frame, after) == SL_CK_AFTER, "after");
_Static_assert(offsetof(struct sl__check_frame, fcsr_canary) == SL_CK_FCSR_CANARY, "fcsr_canary");
_Static_assert(offsetof(struct sl__check_frame, fcsr_after) == SL_CK_FCSR_AFTER, "fcsr_after");
_Static_assert(offsetof(struct sl__check_frame, after_sp) == SL_CK_AFTER_SP, "after_sp");
_Static_assert(offsetof(struct sl__check_frame, before_sp) == SL_CK_BEFORE_SP, "before_sp");
_Static_assert(offsetof(struct sl__check_frame, result) == SL_CK_RESULT, "result");
_Static_assert(sizeof(struct sl__check_frame) == SL_CK_SIZE, "size");

/* Runs the call f describes (checked_call.S). */
void sl__checked_call_asm(struct sl__check_frame *f);
/* The frame of the call in progress on this thread: checked_call.S finds
 * it here after fn returns, when no register can be trusted. */
extern __thread struct sl__check_frame *sl__check_current;
#endif /* __ASSEMBLER__ */
#endif
