/*
 * probe.S (RISC-V, LP64D): a function that accepts any arguments and
 * writes down where the caller put them.
 *
 *   void sl_probe(void);      call through any prototype
 *
 * Stores a0-a7, fa0-fa7, sp at entry, the return address (ra) and 256
 * bytes of stack arguments into this thread's sl_probe_snapshot (layout in
 * probe.h), then returns.  A thread-local pointer leads to the snapshot; a
 * thread's first probe finds it NULL and calls C for one
 * (sl__probe_snapshot_new) before it stores anything.
 *
 * ABI rules relied on (RISC-V ABIs Specification):
 *  - "Integer Calling Convention": a0-a7 carry integers, pointers and
 *    aggregates up to 16 bytes (a register pair), larger aggregates by
 *    reference; the rest on the stack from sp at entry; a large result is
 *    written where a hidden first argument (a0) points;
 *  - "Hardware Floating-point Calling Convention" (LP64D): float and
 *    double, and structs of one or two of them (or one and an integer),
 *    in fa0-fa7 while they last; variadic ones in integer registers;
 *  - "Integer/Floating-point Register Convention": t0-t6 are scratch;
 *    s0-s11, sp and fs0-fs11 belong to the caller;
 *  - RISC-V ELF psABI, "Thread Local Storage": tp, initial exec.
 * Preserves: every callee-saved register; writes only t0-t4, which the
 *   ABI leaves to the callee (and, on a thread's first probe, what the C
 *   call may write: t0-t6 and ft0-ft11, the callee's too).  Returns its incoming a0, so prototypes
 *   returning a large struct work.
 *
 *   caller's stack at entry                  the snapshot
 *   | ...            | sp+N     "stack+N"    gpr: a0 .. a7
 *   | stack arg 2    | sp+8                  vec: fa0 .. fa7 (8 bytes each)
 *   | stack arg 1    | <- sp    "stack+0"    entry_sp, return_address (ra)
 *                                            stack[256] = sp .. sp+255
 */
#include "probe.h"

        .text
        .globl  sl_probe
        .type   sl_probe, @function
        .p2align 2
sl_probe:
        .cfi_startproc                          /* a leaf, but on a thread's first probe */
        la.tls.ie t0, sl__probe_snapshot        /* the pointer's offset from tp */
        add     t0, t0, tp
        ld      t0, 0(t0)                       /* t0 = this thread's snapshot */
        bnez    t0, 2f
        addi    sp, sp, -144                    /* first probe in this thread: */
        .cfi_def_cfa_offset 144                 /* keep the arguments and ra */
        sd      ra, 136(sp)                     /* across a C call */
        .cfi_offset ra, -8
        sd      a0, 0(sp)
        sd      a1, 8(sp)
        sd      a2, 16(sp)
        sd      a3, 24(sp)
        sd      a4, 32(sp)
        sd      a5, 40(sp)
        sd      a6, 48(sp)
        sd      a7, 56(sp)
        fsd     fa0, 64(sp)
        fsd     fa1, 72(sp)
        fsd     fa2, 80(sp)
        fsd     fa3, 88(sp)
        fsd     fa4, 96(sp)
        fsd     fa5, 104(sp)
        fsd     fa6, 112(sp)
        fsd     fa7, 120(sp)
        call    sl__probe_snapshot_new
        mv      t0, a0
        ld      a0, 0(sp)
        ld      a1, 8(sp)
        ld      a2, 16(sp)
        ld      a3, 24(sp)
        ld      a4, 32(sp)
        ld      a5, 40(sp)
        ld      a6, 48(sp)
        ld      a7, 56(sp)
        fld     fa0, 64(sp)
        fld     fa1, 72(sp)
        fld     fa2, 80(sp)
        fld     fa3, 88(sp)
        fld     fa4, 96(sp)
        fld     fa5, 104(sp)
        fld     fa6, 112(sp)
        fld     fa7, 120(sp)
        ld      ra, 136(sp)
        .cfi_restore ra
        addi    sp, sp, 144
        .cfi_def_cfa_offset 0
2:
        sd      a0, SL_PR_A0 + 0(t0)
        sd      a1, SL_PR_A0 + 8(t0)
        sd      a2, SL_PR_A0 + 16(t0)
        sd      a3, SL_PR_A0 + 24(t0)
        sd      a4, SL_PR_A0 + 32(t0)
        sd      a5, SL_PR_A0 + 40(t0)
        sd      a6, SL_PR_A0 + 48(t0)
        sd      a7, SL_PR_A0 + 56(t0)
        fsd     fa0, SL_PR_FA0 + 0 * 16(t0)     /* a float is NaN-boxed: */
        fsd     fa1, SL_PR_FA0 + 1 * 16(t0)     /* its 4 bytes at the bottom, */
        fsd     fa2, SL_PR_FA0 + 2 * 16(t0)     /* all ones above */
        fsd     fa3, SL_PR_FA0 + 3 * 16(t0)
        fsd     fa4, SL_PR_FA0 + 4 * 16(t0)
        fsd     fa5, SL_PR_FA0 + 5 * 16(t0)
        fsd     fa6, SL_PR_FA0 + 6 * 16(t0)
        fsd     fa7, SL_PR_FA0 + 7 * 16(t0)
        sd      sp, SL_PR_SP(t0)
        sd      ra, SL_PR_RET(t0)
        mv      t1, sp                          /* copy the stack arguments: */
        addi    t2, t0, SL_PR_STACK             /* t1 from, t2 to, */
        addi    t3, t1, SL_PR_STACK_BYTES       /* t3 where to stop */
1:      ld      t4, 0(t1)
        sd      t4, 0(t2)
        addi    t1, t1, 8
        addi    t2, t2, 8
        bltu    t1, t3, 1b
        li      t1, SL_PR_CONV_LP64D
        sw      t1, SL_PR_CONV(t0)
        lw      t1, SL_PR_COUNT(t0)
        addi    t1, t1, 1
        sw      t1, SL_PR_COUNT(t0)
        ret
        .cfi_endproc
        .size   sl_probe, .-sl_probe

        .section .note.GNU-stack, "", @progbits
