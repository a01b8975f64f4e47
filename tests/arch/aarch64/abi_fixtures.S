/*
 * abi_fixtures.S (AArch64): routines that break the rules on purpose, and
 * one that checks a rule no C code can observe, for test_abi.c here.
 */
        .text

/* long sl_test_clobbers_two(long a, long b, long c, long d): returns
 * a+b+c+d but destroys two callee-saved registers (AAPCS64 6.1.1, 6.1.2). */
        .globl  sl_test_clobbers_two
        .type   sl_test_clobbers_two, %function
sl_test_clobbers_two:
        .cfi_startproc
        mov     x19, #-1                        /* WRONG: x19 is the caller's */
        fmov    d8, xzr                         /* WRONG: so is d8 */
        add     x0, x0, x1
        add     x0, x0, x2
        add     x0, x0, x3
        ret
        .cfi_endproc
        .size   sl_test_clobbers_two, .-sl_test_clobbers_two

/* long sl_test_moves_sp(long a, ...): returns a, with sp 16 bytes lower
 * than it should be. */
        .globl  sl_test_moves_sp
        .type   sl_test_moves_sp, %function
sl_test_moves_sp:
        .cfi_startproc
        sub     sp, sp, #16                     /* WRONG: never given back */
        .cfi_def_cfa_offset 16
        ret
        .cfi_endproc
        .size   sl_test_moves_sp, .-sl_test_moves_sp

/* int sl_test_context_keeps_regs(sl_context *ctx, uint64_t out[12]):
 * loads markers into x19-x28, d8 and d15, saves ctx, scribbles over them
 * (and x29) and restores ctx; stores what the twelve hold after the
 * resume into out and returns the value sl_context_save returned the
 * second time (7).
 *
 *   | caller's d8, d15      | sp+96      | ctx | sp+120
 *   | caller's x19 .. x28   | sp+16..    | out | sp+112
 *   | x29, x30              | <- sp = x29
 */
        .globl  sl_test_context_keeps_regs
        .type   sl_test_context_keeps_regs, %function
sl_test_context_keeps_regs:
        .cfi_startproc
        stp     x29, x30, [sp, #-128]!
        .cfi_def_cfa_offset 128
        .cfi_offset x29, -128
        .cfi_offset x30, -120
        mov     x29, sp
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        str     d8, [sp, #96]
        str     d15, [sp, #104]
        stp     x1, x0, [sp, #112]
        mov     x19, #0x190
        mov     x20, #0x200
        mov     x21, #0x210
        mov     x22, #0x220
        mov     x23, #0x230
        mov     x24, #0x240
        mov     x25, #0x250
        mov     x26, #0x260
        mov     x27, #0x270
        mov     x28, #0x280
        mov     x9, #0x80
        fmov    d8, x9
        mov     x9, #0x150
        fmov    d15, x9
        bl      sl_context_save
        cbnz    w0, 1f
        mov     x19, #-1                        /* scribble over all of them */
        mov     x20, #-1
        mov     x21, #-1
        mov     x22, #-1
        mov     x23, #-1
        mov     x24, #-1
        mov     x25, #-1
        mov     x26, #-1
        mov     x27, #-1
        mov     x28, #-1
        fmov    d8, xzr
        fmov    d15, xzr
        ldr     x0, [sp, #120]
        mov     x29, #0
        mov     w1, #7
        bl      sl_context_restore
1:      ldr     x1, [x29, #112]                 /* x29 is back: our frame */
        stp     x19, x20, [x1, #0]
        stp     x21, x22, [x1, #16]
        stp     x23, x24, [x1, #32]
        stp     x25, x26, [x1, #48]
        stp     x27, x28, [x1, #64]
        str     d8, [x1, #80]
        str     d15, [x1, #88]
        ldp     x19, x20, [sp, #16]
        ldp     x21, x22, [sp, #32]
        ldp     x23, x24, [sp, #48]
        ldp     x25, x26, [sp, #64]
        ldp     x27, x28, [sp, #80]
        ldr     d8, [sp, #96]
        ldr     d15, [sp, #104]
        ldp     x29, x30, [sp], #128
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
        ret
        .cfi_endproc
        .size   sl_test_context_keeps_regs, .-sl_test_context_keeps_regs

        .section .note.GNU-stack, "", %progbits
