/*
 * checked_call.S (AArch64): call a function and catch it breaking the
 * callee-saved contract, as ABI test harnesses check hand-written assembly.
 *
 *   void sl__checked_call_asm(struct sl__check_frame *f);     (internal)
 *   C entry point: sl_checked_call() in lib/arch/aarch64/abi_aarch64.c
 *
 * Loads x19-x29, d8-d15 and FPCR with the canaries in f, calls
 * f->fn(a, b, c, d), then records every callee-saved register, sp and
 * FPCR as fn left them and puts the caller's back.
 *
 * ABI rules relied on (AAPCS64):
 *  - 6.1.1 "General-purpose Registers": x19-x29 and sp are callee-saved,
 *    x16/x17 (IP0/IP1) are scratch;
 *  - 6.1.2 "SIMD and Floating-Point Registers": the low 64 bits of v8-v15
 *    (d8-d15) are callee-saved; FPCR's rounding mode is part of the
 *    caller's state (6.1.3);
 *  - 6.4.5.1 "Universal stack constraints": sp is 16-byte aligned at
 *    every public interface.
 * Preserves: x19-x29, sp, d8-d15 and FPCR of its caller, whatever fn did
 *   to them.  After fn returns no register is trusted, not even sp: f is
 *   found again through a thread-local (tpidr_el0 is out of fn's reach)
 *   and our stack through f->before_sp.  x29 holds a canary during the
 *   call, so the CFA stays sp-based.
 *
 *   our frame while fn runs                 f (checked_call.h)
 *   | (caller's frame)  | <- CFA            | fn, args a b c d         |
 *   | caller's fpcr     | CFA-16            | canaries: x19..x29,      |
 *   | caller's d8..d15  | CFA-80 .. CFA-24  |           d8..d15, fpcr  |
 *   | caller's x19..x28 | CFA-160 .. CFA-88 | after: the same, sp,     |
 *   | caller's x30      | CFA-168           |        result            |
 *   | caller's x29      | CFA-176 <- sp = before_sp                    |
 */
#include "checked_call.h"

#define FRAME   176

/* x9 = &sl__check_current for this thread; touches x10. */
.macro  CURRENT_ADDRESS
        mrs     x9, tpidr_el0
        adrp    x10, :gottprel:sl__check_current
        ldr     x10, [x10, #:gottprel_lo12:sl__check_current]
        add     x9, x9, x10
.endm

        .text
        .globl  sl__checked_call_asm
        .hidden sl__checked_call_asm
        .type   sl__checked_call_asm, %function
        .p2align 4
sl__checked_call_asm:
        .cfi_startproc
        stp     x29, x30, [sp, #-FRAME]!
        .cfi_def_cfa_offset FRAME
        .cfi_offset x29, -FRAME
        .cfi_offset x30, -FRAME+8
        stp     x19, x20, [sp, #16]
        .cfi_offset x19, -FRAME+16
        .cfi_offset x20, -FRAME+24
        stp     x21, x22, [sp, #32]
        .cfi_offset x21, -FRAME+32
        .cfi_offset x22, -FRAME+40
        stp     x23, x24, [sp, #48]
        .cfi_offset x23, -FRAME+48
        .cfi_offset x24, -FRAME+56
        stp     x25, x26, [sp, #64]
        .cfi_offset x25, -FRAME+64
        .cfi_offset x26, -FRAME+72
        stp     x27, x28, [sp, #80]
        .cfi_offset x27, -FRAME+80
        .cfi_offset x28, -FRAME+88
        stp     d8, d9, [sp, #96]
        .cfi_offset d8, -FRAME+96
        .cfi_offset d9, -FRAME+104
        stp     d10, d11, [sp, #112]
        .cfi_offset d10, -FRAME+112
        .cfi_offset d11, -FRAME+120
        stp     d12, d13, [sp, #128]
        .cfi_offset d12, -FRAME+128
        .cfi_offset d13, -FRAME+136
        stp     d14, d15, [sp, #144]
        .cfi_offset d14, -FRAME+144
        .cfi_offset d15, -FRAME+152
        mrs     x9, fpcr
        str     x9, [sp, #160]
        mov     x9, sp
        str     x9, [x0, #SL_CK_BEFORE_SP]      /* what sp must be after fn */
        CURRENT_ADDRESS                         /* sl__check_current = f */
        str     x0, [x9]
        ldp     x19, x20, [x0, #SL_CK_CANARY + 0]
        ldp     x21, x22, [x0, #SL_CK_CANARY + 16]
        ldp     x23, x24, [x0, #SL_CK_CANARY + 32]
        ldp     x25, x26, [x0, #SL_CK_CANARY + 48]
        ldp     x27, x28, [x0, #SL_CK_CANARY + 64]
        ldr     x29, [x0, #SL_CK_CANARY + 80]
        ldp     d8, d9, [x0, #SL_CK_CANARY + SL_CK_D8 + 0]
        ldp     d10, d11, [x0, #SL_CK_CANARY + SL_CK_D8 + 16]
        ldp     d12, d13, [x0, #SL_CK_CANARY + SL_CK_D8 + 32]
        ldp     d14, d15, [x0, #SL_CK_CANARY + SL_CK_D8 + 48]
        ldr     x9, [x0, #SL_CK_FPCR_CANARY]
        msr     fpcr, x9
        ldr     x16, [x0, #SL_CK_FN]
        ldp     x2, x3, [x0, #SL_CK_ARGS + 16]  /* c, d */
        ldp     x0, x1, [x0, #SL_CK_ARGS + 0]   /* a, b, last: x0 was f */
        blr     x16
        mov     x11, x0                         /* the result */
        CURRENT_ADDRESS                         /* x9 = f, found through TLS */
        ldr     x9, [x9]
        str     x11, [x9, #SL_CK_RESULT]
        stp     x19, x20, [x9, #SL_CK_AFTER + 0]
        stp     x21, x22, [x9, #SL_CK_AFTER + 16]
        stp     x23, x24, [x9, #SL_CK_AFTER + 32]
        stp     x25, x26, [x9, #SL_CK_AFTER + 48]
        stp     x27, x28, [x9, #SL_CK_AFTER + 64]
        str     x29, [x9, #SL_CK_AFTER + 80]
        stp     d8, d9, [x9, #SL_CK_AFTER + SL_CK_D8 + 0]
        stp     d10, d11, [x9, #SL_CK_AFTER + SL_CK_D8 + 16]
        stp     d12, d13, [x9, #SL_CK_AFTER + SL_CK_D8 + 32]
        stp     d14, d15, [x9, #SL_CK_AFTER + SL_CK_D8 + 48]
        mrs     x10, fpcr
        str     x10, [x9, #SL_CK_FPCR_AFTER]
        mov     x10, sp
        str     x10, [x9, #SL_CK_AFTER_SP]
        ldr     x10, [x9, #SL_CK_BEFORE_SP]     /* our frame, whatever fn did */
        mov     sp, x10
        ldr     x10, [sp, #160]
        msr     fpcr, x10
        ldp     d14, d15, [sp, #144]
        ldp     d12, d13, [sp, #128]
        ldp     d10, d11, [sp, #112]
        ldp     d8, d9, [sp, #96]
        ldp     x27, x28, [sp, #80]
        ldp     x25, x26, [sp, #64]
        ldp     x23, x24, [sp, #48]
        ldp     x21, x22, [sp, #32]
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #FRAME
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
        .cfi_restore x19
        .cfi_restore x20
        .cfi_restore x21
        .cfi_restore x22
        .cfi_restore x23
        .cfi_restore x24
        .cfi_restore x25
        .cfi_restore x26
        .cfi_restore x27
        .cfi_restore x28
        .cfi_restore d8
        .cfi_restore d9
        .cfi_restore d10
        .cfi_restore d11
        .cfi_restore d12
        .cfi_restore d13
        .cfi_restore d14
        .cfi_restore d15
        ret
        .cfi_endproc
        .size   sl__checked_call_asm, .-sl__checked_call_asm

        .hidden sl__check_current
        .section .note.GNU-stack, "", %progbits
