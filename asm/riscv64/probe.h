/*
 * probe.h (RISC-V, LP64D): where probe.S stores each register in an
 * sl_probe_snapshot (lib/include/stacklab/abi.h).
 *
 *   offset  slot                      offset  slot
 *        0  gpr[0] a0 ... gpr[7] a7      128  vec[0] fa0 (8 bytes, in a 16-byte
 *                                                  slot) ... vec[7] fa7
 *                                        384  entry_sp: sp at entry, which is
 *                                                  the first stack argument
 *                                        392  return_address (ra)
 *                                        400  convention (4 bytes)
 *                                        404  count      (4 bytes)
 *                                        408  stack[256]: entry sp upwards
 */
#ifndef SL_ARCH_PROBE_H
#define SL_ARCH_PROBE_H

#define SL_PR_A0        0               /* aN at SL_PR_A0 + 8 * N */
#define SL_PR_FA0       128             /* faN at SL_PR_FA0 + 16 * N */
#define SL_PR_SP        384
#define SL_PR_RET       392
#define SL_PR_CONV      400
#define SL_PR_COUNT     404
#define SL_PR_STACK     408
#define SL_PR_STACK_BYTES 256

#define SL_PR_CONV_LP64D 4              /* SL_CALL_LP64D */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stacklab/abi.h>

/* gpr[] indices, for the C side: a0..a7. */
enum { SL_PR_I_A0 = 0, SL_PR_I_A7 = 7, SL_PR_I_COUNT };

_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_A0 == SL_PR_A0, "a0");
_Static_assert(offsetof(sl_probe_snapshot, vec) == SL_PR_FA0, "fa0");
_Static_assert(sizeof(((sl_probe_snapshot *)0)->vec[0]) == 16, "vec slot");
_Static_assert(offsetof(sl_probe_snapshot, entry_sp) == SL_PR_SP, "entry_sp");
_Static_assert(offsetof(sl_probe_snapshot, return_address) == SL_PR_RET, "return_address");
_Static_assert(offsetof(sl_probe_snapshot, convention) == SL_PR_CONV, "convention");
_Static_assert(offsetof(sl_probe_snapshot, count) == SL_PR_COUNT, "count");
_Static_assert(offsetof(sl_probe_snapshot, stack) == SL_PR_STACK, "stack");
_Static_assert(sizeof(((sl_probe_snapshot *)0)->stack) == SL_PR_STACK_BYTES, "stack size");
_Static_assert(SL_PR_CONV_LP64D == SL_CALL_LP64D, "conv");

/* The thread's snapshot, written by probe.S through this pointer (initial
 * exec, through tp): a thread block (lib/internal/thread_block.h), which
 * the thread's first probe gets from sl__probe_snapshot_new (lib/abi.c). */
extern __thread sl_probe_snapshot *sl__probe_snapshot;
sl_probe_snapshot *sl__probe_snapshot_new(void);
#endif /* __ASSEMBLER__ */
#endif
