/*
 * probe.h: where probe.S stores each register in an sl_probe_snapshot
 * (lib/include/stacklab/abi.h).  The gpr[] slots in x86-64 order:
 *
 *   offset  slot                  offset  slot
 *        0  gpr[0] rdi                128  vec[0] xmm0 (16 bytes) ... vec[7] xmm7
 *        8  gpr[1] rsi                384  entry_sp
 *       16  gpr[2] rdx                392  return_address
 *       24  gpr[3] rcx                400  convention (4 bytes)
 *       32  gpr[4] r8                 404  count      (4 bytes)
 *       40  gpr[5] r9                 408  stack[256]: entry rsp + 8 upwards
 *       48  gpr[6] rax (al: vector registers of a variadic call)
 *       56  gpr[7] r10 (static chain)
 */
#ifndef SL_ARCH_PROBE_H
#define SL_ARCH_PROBE_H

#define SL_PR_RDI       0
#define SL_PR_RSI       8
#define SL_PR_RDX       16
#define SL_PR_RCX       24
#define SL_PR_R8        32
#define SL_PR_R9        40
#define SL_PR_RAX       48
#define SL_PR_R10       56
#define SL_PR_XMM0      128             /* xmmN at SL_PR_XMM0 + 16 * N */
#define SL_PR_SP        384
#define SL_PR_RET       392
#define SL_PR_CONV      400
#define SL_PR_COUNT     404
#define SL_PR_STACK     408
#define SL_PR_STACK_BYTES 256

#define SL_PR_CONV_SYSV 1               /* SL_CALL_SYSV */
#define SL_PR_CONV_MS   2               /* SL_CALL_MS */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stacklab/abi.h>

/* gpr[] indices, for the C side. */
enum { SL_PR_I_RDI, SL_PR_I_RSI, SL_PR_I_RDX, SL_PR_I_RCX, SL_PR_I_R8,
       SL_PR_I_R9, SL_PR_I_RAX, SL_PR_I_R10, SL_PR_I_COUNT };

_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_RDI == SL_PR_RDI, "rdi");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_RSI == SL_PR_RSI, "rsi");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_RDX == SL_PR_RDX, "rdx");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_RCX == SL_PR_RCX, "rcx");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_R8 == SL_PR_R8, "r8");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_R9 == SL_PR_R9, "r9");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_RAX == SL_PR_RAX, "rax");
_Static_assert(offsetof(sl_probe_snapshot, gpr) + 8 * SL_PR_I_R10 == SL_PR_R10, "r10");
_Static_assert(offsetof(sl_probe_snapshot, vec) == SL_PR_XMM0, "xmm0");
_Static_assert(offsetof(sl_probe_snapshot, entry_sp) == SL_PR_SP, "entry_sp");
_Static_assert(offsetof(sl_probe_snapshot, return_address) == SL_PR_RET, "return_address");
_Static_assert(offsetof(sl_probe_snapshot, convention) == SL_PR_CONV, "convention");
_Static_assert(offsetof(sl_probe_snapshot, count) == SL_PR_COUNT, "count");
_Static_assert(offsetof(sl_probe_snapshot, stack) == SL_PR_STACK, "stack");
_Static_assert(sizeof(((sl_probe_snapshot *)0)->stack) == SL_PR_STACK_BYTES, "stack size");
_Static_assert(SL_PR_CONV_SYSV == SL_CALL_SYSV && SL_PR_CONV_MS == SL_CALL_MS, "conv");

/* The thread's snapshot, written by probe.S through this pointer (initial
 * exec, through %fs): a thread block (lib/internal/thread_block.h), which
 * the thread's first probe gets from sl__probe_snapshot_new (lib/abi.c). */
extern __thread sl_probe_snapshot *sl__probe_snapshot;
sl_probe_snapshot *sl__probe_snapshot_new(void);
#endif /* __ASSEMBLER__ */
#endif
