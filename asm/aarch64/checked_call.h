/*
 * checked_call.h (AArch64): the record that sl_checked_call (C,
 * lib/arch/aarch64/abi_aarch64.c) hands to sl__checked_call_asm
 * (checked_call.S): the call to make, the canaries to load, and room for
 * what came back.
 *
 *   offset  field                     offset  field
 *        0  fn                           344  fpcr_canary
 *        8  args a b c d                 352  fpcr_after
 *       40  canary: x19 .. x29,          360  after_sp    sp after fn returned
 *           d8 .. d15 (19 words)         368  before_sp   sp at the call
 *      192  after:  the same 19          376  result      fn's x0
 */
#ifndef SL_ARCH_CHECKED_CALL_H
#define SL_ARCH_CHECKED_CALL_H

#define SL_CK_FN            0
#define SL_CK_ARGS          8           /* a, b, c, d */
#define SL_CK_CANARY        40          /* x19 .. x29, then d8 .. d15 */
#define SL_CK_AFTER         192         /* the same order */
#define SL_CK_FPCR_CANARY   344
#define SL_CK_FPCR_AFTER    352
#define SL_CK_AFTER_SP      360
#define SL_CK_BEFORE_SP     368
#define SL_CK_RESULT        376
#define SL_CK_SIZE          384

#define SL_CK_D8            (11 * 8)    /* d8 in canary[] and after[] */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* Register order in canary[] and after[]. */
enum { SL_CK_I_X19 = 0, SL_CK_I_X29 = 10, SL_CK_I_D8 = 11, SL_CK_I_D15 = 18, SL_CK_NREGS };

struct sl__check_frame {
    uint64_t fn;
    uint64_t args[4];
    uint64_t canary[SL_CK_NREGS];
    uint64_t after[SL_CK_NREGS];
    uint64_t fpcr_canary, fpcr_after;
    uint64_t after_sp, before_sp, result;
};

_Static_assert(offsetof(struct sl__check_frame, fn) == SL_CK_FN, "fn");
_Static_assert(offsetof(struct sl__check_frame, args) == SL_CK_ARGS, "args");
_Static_assert(offsetof(struct sl__check_frame, canary) == SL_CK_CANARY, "canary");
_Static_assert(offsetof(struct sl__check_frame, canary[SL_CK_I_D8]) == SL_CK_CANARY + SL_CK_D8, "d8");
_Static_assert(offsetof(struct sl__check_frame, after) == SL_CK_AFTER, "after");
_Static_assert(offsetof(struct sl__check_frame, fpcr_canary) == SL_CK_FPCR_CANARY, "fpcr_canary");
_Static_assert(offsetof(struct sl__check_frame, fpcr_after) == SL_CK_FPCR_AFTER, "fpcr_after");
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
