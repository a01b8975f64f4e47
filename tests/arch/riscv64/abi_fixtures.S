/*
 * abi_fixtures.S (RISC-V): routines that break the rules on purpose, and
 * one that checks a rule no C code can observe, for test_abi.c here.
 */
        .text

/* long sl_test_clobbers_two(long a, long b, long c, long d): returns
 * a+b+c+d but destroys two callee-saved registers. */
        .globl  sl_test_clobbers_two
        .type   sl_test_clobbers_two, @function
sl_test_clobbers_two:
        .cfi_startproc
        li      s1, -1                          /* WRONG: s1 is the caller's */
        fmv.d.x fs0, zero                       /* WRONG: so is fs0 */
        add     a0, a0, a1
        add     a0, a0, a2
        add     a0, a0, a3
        ret
        .cfi_endproc
        .size   sl_test_clobbers_two, .-sl_test_clobbers_two

/* long sl_test_moves_sp(long a, ...): returns a, with sp 16 bytes lower
 * than it should be. */
        .globl  sl_test_moves_sp
        .type   sl_test_moves_sp, @function
sl_test_moves_sp:
        .cfi_startproc
        addi    sp, sp, -16                     /* WRONG: never given back */
        .cfi_def_cfa_offset 16
        ret
        .cfi_endproc
        .size   sl_test_moves_sp, .-sl_test_moves_sp

/* int sl_test_context_keeps_regs(sl_context *ctx, uint64_t out[12]):
 * loads markers into s1-s11 and fs0, saves ctx, scribbles over them (and
 * s0) and restores ctx; stores what the twelve hold after the resume into
 * out and returns the value sl_context_save returned the second time (7).
 *
 *   | ra, caller's s0 | s0-8, s0-16   (s0 = CFA: our frame pointer)
 *   | caller's s1..s11| s0-24 .. s0-104
 *   | caller's fs0    | s0-112
 *   | out, ctx        | s0-120, s0-128 <- sp
 */
        .globl  sl_test_context_keeps_regs
        .type   sl_test_context_keeps_regs, @function
sl_test_context_keeps_regs:
        .cfi_startproc
        addi    sp, sp, -128
        .cfi_def_cfa_offset 128
        sd      ra, 120(sp)
        .cfi_offset ra, -8
        sd      s0, 112(sp)
        .cfi_offset s0, -16
        addi    s0, sp, 128
        sd      s1, -24(s0)
        sd      s2, -32(s0)
        sd      s3, -40(s0)
        sd      s4, -48(s0)
        sd      s5, -56(s0)
        sd      s6, -64(s0)
        sd      s7, -72(s0)
        sd      s8, -80(s0)
        sd      s9, -88(s0)
        sd      s10, -96(s0)
        sd      s11, -104(s0)
        fsd     fs0, -112(s0)
        sd      a1, -120(s0)
        sd      a0, -128(s0)
        li      s1, 0x10
        li      s2, 0x20
        li      s3, 0x30
        li      s4, 0x40
        li      s5, 0x50
        li      s6, 0x60
        li      s7, 0x70
        li      s8, 0x80
        li      s9, 0x90
        li      s10, 0xa0
        li      s11, 0xb0
        li      t0, 0xf0
        fmv.d.x fs0, t0
        call    sl_context_save
        bnez    a0, 1f
        li      s1, -1                          /* scribble over all of them */
        li      s2, -1
        li      s3, -1
        li      s4, -1
        li      s5, -1
        li      s6, -1
        li      s7, -1
        li      s8, -1
        li      s9, -1
        li      s10, -1
        li      s11, -1
        fmv.d.x fs0, zero
        ld      a0, 0(sp)
        li      s0, 0
        li      a1, 7
        call    sl_context_restore
1:      ld      a1, -120(s0)                    /* s0 is back: our frame */
        sd      s1, 0(a1)
        sd      s2, 8(a1)
        sd      s3, 16(a1)
        sd      s4, 24(a1)
        sd      s5, 32(a1)
        sd      s6, 40(a1)
        sd      s7, 48(a1)
        sd      s8, 56(a1)
        sd      s9, 64(a1)
        sd      s10, 72(a1)
        sd      s11, 80(a1)
        fsd     fs0, 88(a1)
        ld      s1, -24(s0)
        ld      s2, -32(s0)
        ld      s3, -40(s0)
        ld      s4, -48(s0)
        ld      s5, -56(s0)
        ld      s6, -64(s0)
        ld      s7, -72(s0)
        ld      s8, -80(s0)
        ld      s9, -88(s0)
        ld      s10, -96(s0)
        ld      s11, -104(s0)
        fld     fs0, -112(s0)
        ld      ra, 120(sp)
        .cfi_restore ra
        ld      s0, 112(sp)
        .cfi_restore s0
        addi    sp, sp, 128
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   sl_test_context_keeps_regs, .-sl_test_context_keeps_regs

        .section .note.GNU-stack, "", @progbits
