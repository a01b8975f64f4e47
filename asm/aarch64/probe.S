/*
 * probe.S (AArch64): a function that accepts any arguments and writes down
 * where the caller put them.
 *
 *   void sl_probe(void);      call through any AAPCS64 prototype
 *
 * Stores x0-x7, x8, q0-q7, sp at entry, the return address (x30) and 256
 * bytes of stack arguments into this thread's sl_probe_snapshot (layout in
 * probe.h), then returns.  A thread-local pointer leads to the snapshot; a
 * thread's first probe finds it NULL and calls C for one
 * (sl__probe_snapshot_new) before it stores anything.
 *
 * ABI rules relied on (AAPCS64):
 *  - 6.8.2 "Parameter passing rules": integers, pointers and small
 *    composites in x0-x7 (NGRN), floating point and Homogeneous
 *    Floating-point Aggregates (up to four float/double members) in v0-v7
 *    (NSRN), the rest on the stack from sp at entry (NSAA) in 8-byte
 *    slots; a composite over 16 bytes is copied by the caller and passed
 *    as a pointer to the copy.
 *  - 6.9 "Result return": a result returned in memory is written where x8
 *    points ("indirect result location register"); x8 need not come back.
 *  - 6.1.1/6.1.2: x9-x15 are scratch; x19-x29, sp and d8-d15 belong to
 *    the caller.  The return address is in x30, not on the stack.
 *  - ELF for the Arm 64-bit Architecture, "Thread-local storage": the
 *    thread pointer in tpidr_el0, initial-exec offsets in the GOT.
 * Preserves: every callee-saved register; writes only x9-x13 (and the
 *   flags), which the ABI leaves to the callee (and, on a thread's first
 *   probe, what the C call may write: x9-x18, v16-v31 and the upper
 *   halves of v8-v15, all the callee's by 6.1.1 and 6.1.2).
 *
 *   caller's stack at entry                  the snapshot
 *   | ...            | sp+N     "stack+N"    gpr: x0 .. x7, x8
 *   | stack arg 2    | sp+8                  vec: q0 .. q7, 16 bytes each
 *   | stack arg 1    | <- sp    "stack+0"    entry_sp, return_address (x30)
 *                                            stack[256] = sp .. sp+255
 */
#include "probe.h"

        .text
        .globl  sl_probe
        .type   sl_probe, %function
        .p2align 4
sl_probe:
        .cfi_startproc                          /* a leaf, but on a thread's first probe */
        mrs     x9, tpidr_el0                   /* the thread pointer */
        adrp    x10, :gottprel:sl__probe_snapshot
        ldr     x10, [x10, #:gottprel_lo12:sl__probe_snapshot]
        ldr     x9, [x9, x10]                   /* x9 = this thread's snapshot */
        cbnz    x9, 2f
        stp     x29, x30, [sp, #-224]!          /* first probe in this thread: */
        .cfi_def_cfa_offset 224                 /* keep the arguments and x30 */
        .cfi_offset x29, -224                   /* across a C call */
        .cfi_offset x30, -216
        mov     x29, sp
        stp     x0, x1, [sp, #16]
        stp     x2, x3, [sp, #32]
        stp     x4, x5, [sp, #48]
        stp     x6, x7, [sp, #64]
        str     x8, [sp, #80]
        stp     q0, q1, [sp, #96]
        stp     q2, q3, [sp, #128]
        stp     q4, q5, [sp, #160]
        stp     q6, q7, [sp, #192]
        bl      sl__probe_snapshot_new
        mov     x9, x0
        ldp     q6, q7, [sp, #192]
        ldp     q4, q5, [sp, #160]
        ldp     q2, q3, [sp, #128]
        ldp     q0, q1, [sp, #96]
        ldr     x8, [sp, #80]
        ldp     x6, x7, [sp, #64]
        ldp     x4, x5, [sp, #48]
        ldp     x2, x3, [sp, #32]
        ldp     x0, x1, [sp, #16]
        ldp     x29, x30, [sp], #224
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
2:
        stp     x0, x1, [x9, #SL_PR_X0 + 0]
        stp     x2, x3, [x9, #SL_PR_X0 + 16]
        stp     x4, x5, [x9, #SL_PR_X0 + 32]
        stp     x6, x7, [x9, #SL_PR_X0 + 48]
        str     x8, [x9, #SL_PR_X8]             /* the indirect result's address */
        stp     q0, q1, [x9, #SL_PR_Q0 + 0]     /* whole registers: an HFA of */
        stp     q2, q3, [x9, #SL_PR_Q0 + 32]    /* floats puts one member in */
        stp     q4, q5, [x9, #SL_PR_Q0 + 64]    /* each, at the bottom */
        stp     q6, q7, [x9, #SL_PR_Q0 + 96]
        mov     x10, sp
        str     x10, [x9, #SL_PR_SP]
        str     x30, [x9, #SL_PR_RET]
        mov     x11, sp                         /* copy the stack arguments: */
        add     x12, x9, #SL_PR_STACK           /* x11 from, x12 to, */
        add     x13, x11, #SL_PR_STACK_BYTES    /* x13 where to stop */
1:      ldr     x10, [x11], #8
        str     x10, [x12], #8
        cmp     x11, x13
        b.lo    1b
        mov     w10, #SL_PR_CONV_AAPCS64
        str     w10, [x9, #SL_PR_CONV]
        ldr     w10, [x9, #SL_PR_COUNT]
        add     w10, w10, #1
        str     w10, [x9, #SL_PR_COUNT]
        ret
        .cfi_endproc
        .size   sl_probe, .-sl_probe

        .section .note.GNU-stack, "", %progbits
