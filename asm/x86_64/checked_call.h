/*
 * checked_call.h: the record that sl_checked_call (C, lib/arch/x86_64/)
 * hands to sl__checked_call_asm (checked_call.S): the call to make, the
 * canaries to load, and room for what came back.
 *
 *   offset  field                  offset  field
 *        0  fn                          96  after: rbx rbp r12 r13 r14 r15
 *        8  args a b c d                    (96, 104, 112, 120, 128, 136)
 *       40  canary: rbx rbp r12 r13    144  after_rsp   rsp after fn returned
 *           r14 r15 (40 .. 80)         152  before_rsp  rsp at the call
 *       88  mxcsr_canary (4 bytes)     160  rflags      after fn returned
 *       92  mxcsr_after  (4 bytes)     168  result      fn's rax
 */
#ifndef SL_ARCH_CHECKED_CALL_H
#define SL_ARCH_CHECKED_CALL_H

#define SL_CK_FN            0
#define SL_CK_ARGS          8           /* a, b, c, d */
#define SL_CK_CANARY        40          /* rbx, rbp, r12, r13, r14, r15 */
#define SL_CK_MXCSR_CANARY  88
#define SL_CK_MXCSR_AFTER   92
#define SL_CK_AFTER         96          /* rbx, rbp, r12, r13, r14, r15 */
#define SL_CK_AFTER_RSP     144
#define SL_CK_BEFORE_RSP    152
#define SL_CK_RFLAGS        160
#define SL_CK_RESULT        168
#define SL_CK_SIZE          176

#define SL_CK_RFLAGS_DF     0x400       /* the direction flag, bit 10 */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* Register order in canary[] and after[]. */
enum { SL_CK_I_RBX, SL_CK_I_RBP, SL_CK_I_R12, SL_CK_I_R13, SL_CK_I_R14,
       SL_CK_I_R15, SL_CK_NREGS };

struct sl__check_frame {
    uint64_t fn;
    uint64_t args[4];
    uint64_t canary[SL_CK_NREGS];
    uint32_t mxcsr_canary, mxcsr_after;
    uint64_t after[SL_CK_NREGS];
    uint64_t after_rsp, before_rsp, rflags, result;
};

_Static_assert(offsetof(struct sl__check_frame, fn) == SL_CK_FN, "fn");
_Static_assert(offsetof(struct sl__check_frame, args) == SL_CK_ARGS, "args");
_Static_assert(offsetof(struct sl__check_frame, canary) == SL_CK_CANARY, "canary");
_Static_assert(offsetof(struct sl__check_frame, mxcsr_canary) == SL_CK_MXCSR_CANARY, "mxcsr_canary");
_Static_assert(offsetof(struct sl__check_frame, mxcsr_after) == SL_CK_MXCSR_AFTER, "mxcsr_after");
_Static_assert(offsetof(struct sl__check_frame, after) == SL_CK_AFTER, "after");
_Static_assert(offsetof(struct sl__check_frame, after_rsp) == SL_CK_AFTER_RSP, "after_rsp");
_Static_assert(offsetof(struct sl__check_frame, before_rsp) == SL_CK_BEFORE_RSP, "before_rsp");
_Static_assert(offsetof(struct sl__check_frame, rflags) == SL_CK_RFLAGS, "rflags");
_Static_assert(offsetof(struct sl__check_frame, result) == SL_CK_RESULT, "result");
_Static_assert(sizeof(struct sl__check_frame) == SL_CK_SIZE, "size");

/* Runs the call f describes (checked_call.S). */
void sl__checked_call_asm(struct sl__check_frame *f);
/* The frame of the call in progress on this thread: checked_call.S finds
 * it here after fn returns, when no register can be trusted. */
extern __thread struct sl__check_frame *sl__check_current;
#endif /* __ASSEMBLER__ */
#endif
