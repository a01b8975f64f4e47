/*
 * probe.h (AArch64): where probe.S stores each register in an
 * sl_probe_snapshot (lib/include/stacklab/abi.h).
 *
 *   offset  slot                      offset  slot
 *        0  gpr[0] x0 ... gpr[7] x7      128  vec[0] q0 (16 bytes) ... vec[7] q7
 *       64  gpr[8] x8 (the address       384  entry_sp: sp at entry, which is
 *           of an indirect result)                  the first stack argument
 *                                        392  return_address (x30)
 *                                        400  convention (4 bytes)
 *                                        404  count      (4 bytes)
 *                                        408  stack[256]: entry sp upwards
 */
#ifndef SL_ARCH_PROBE_H
#define SL_ARCH_PROBE_H

#define SL_PR_X0        0               /* xN at SL_PR_X0 + 8 * N, N = 0..8 */
#define SL_PR_X8        64
#define SL_PR_Q0        128             /* qN at SL_PR_Q0 + 16 * N */
#define SL_PR_SP        384
#define SL_PR_RET       392
#define SL_PR_CONV      400
#define SL_PR_COUNT     404
#define SL_PR_STACK     408
#define SL_PR_STACK_BYTES 256

#define SL_PR_CONV_AAPCS64 3            /* SL_CALL_AAPCS64 */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stacklab/abi.h>

/* gpr[] indices, for the C side: x0..x8. */
enum { SL_PR_I_X0 = 0, SL_PR_I_X8 = 8, SL_PR_I_COUNT };

_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_X0 == SL_PR_X0, "x0");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_X8 == SL_PR_X8, "x8");
_Static_assert(offsetof(sl_probe_snapshot, vec) == SL_PR_Q0, "q0");
_Static_assert(offsetof(sl_probe_snapshot, entry_sp) == SL_PR_SP, "entry_sp");
_Static_assert(offsetof(sl_probe_snapshot, return_address) == SL_PR_RET, "return_address");
_Static_assert(offsetof(sl_probe_snapshot, convention) == SL_PR_CONV, "convention");
_Static_assert(offsetof(sl_probe_snapshot, count) == SL_PR_COUNT, "count");
_Static_assert(offsetof(sl_probe_snapshot, stack) == SL_PR_STACK, "stack");
_Static_assert(sizeof(((sl_probe_snapshot *)0)->stack) == SL_PR_STACK_BYTES, "stack size");
_Static_assert(SL_PR_CONV_AAPCS64 == SL_CALL_AAPCS64, "conv");

/* The thread's snapshot, written by probe.S through this pointer (initial
 * exec, through tpidr_el0): a thread block (lib/internal/thread_block.h), which
 * the thread's first probe gets from sl__probe_snapshot_new (lib/abi.c). */
extern __thread sl_probe_snapshot *sl__probe_snapshot;
sl_probe_snapshot *sl__probe_snapshot_new(void);
#endif /* __ASSEMBLER__ */
#endif
