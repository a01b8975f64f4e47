/*
 * frames.S (RISC-V, RV64): four ways to build (or not build) a stack
 * frame around a call.
 *
 *   long sl_asm_framed(long (*fn)(void *), void *arg);
 *   long sl_asm_frameless(long (*fn)(void *), void *arg);
 *   long sl_asm_saves_registers(long (*fn)(void *), void *arg);
 *   long sl_asm_no_cfi(long (*fn)(void *), void *arg);
 *
 * Each returns fn(arg).  They call fn (never jump to it), so each one stays
 * a real frame between its C caller and fn for a debugger or a walker.
 *
 * ABI rules relied on (RISC-V ABIs Specification):
 *  - "Integer Calling Convention": sp is 16-byte aligned on entry; s0-s11
 *    belong to the caller; ra holds our return address and every call
 *    overwrites it, so a routine that calls must keep it somewhere;
 *  - "Frame pointer convention" (with -fno-omit-frame-pointer, as gcc and
 *    clang lay it out): s0 points at the CFA, the return address is saved
 *    at s0-8 and the caller's s0 at s0-16.  The frame pointer points ABOVE
 *    the record, where x86-64's and AArch64's point AT it;
 *  - the DWARF CFI (.cfi_*): CFA = sp at entry (`call` pushes nothing).
 * Preserves: s0-s11 (the callee-saved registers), like C.
 *
 *   sl_asm_framed / sl_asm_no_cfi          sl_asm_saves_registers
 *   | (caller's frame) | <- CFA = s0       | (caller's frame) | <- CFA
 *   | ra (ret addr)    | s0-8              | ra (ret addr)    | CFA-8
 *   | caller's s0      | s0-16             | caller's s1      | CFA-16
 *   | fn               | s0-24             |  ... s2 .. s10   |
 *   | arg              | s0-32 <- sp       | caller's s11     | CFA-96 <- sp
 *
 *   sl_asm_frameless
 *   | (caller's frame) | <- CFA
 *   | ra (ret addr)    | CFA-8
 *   | (padding)        | CFA-16 <- sp      (s0 untouched: the caller's)
 */
        .text

/* ---- sl_asm_framed: the prologue and epilogue gcc makes with s0 */
        .globl  sl_asm_framed
        .type   sl_asm_framed, @function
        .p2align 2
sl_asm_framed:
        .cfi_startproc                          /* CFA = sp */
        addi    sp, sp, -32
        .cfi_def_cfa_offset 32
        sd      ra, 24(sp)
        .cfi_offset ra, -8                      /* return address at CFA-8 */
        sd      s0, 16(sp)
        .cfi_offset s0, -16                     /* caller's s0 at CFA-16 */
        addi    s0, sp, 32
        .cfi_def_cfa s0, 0                      /* from now on CFA = s0 */
        sd      a0, -24(s0)                     /* two locals: fn, arg */
        sd      a1, -32(s0)
        ld      a0, -32(s0)
        ld      t0, -24(s0)
        jalr    t0                              /* a0 = fn(arg) */
        .cfi_def_cfa sp, 32
        ld      ra, 24(sp)
        .cfi_restore ra
        ld      s0, 16(sp)
        .cfi_restore s0
        addi    sp, sp, 32
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   sl_asm_framed, .-sl_asm_framed

/* ---- sl_asm_frameless: no frame pointer; the CFI alone says where ra went */
        .globl  sl_asm_frameless
        .type   sl_asm_frameless, @function
        .p2align 2
sl_asm_frameless:
        .cfi_startproc
        addi    sp, sp, -16                     /* 16: sp stays aligned */
        .cfi_def_cfa_offset 16
        sd      ra, 8(sp)
        .cfi_offset ra, -8
        mv      t0, a0
        mv      a0, a1
        jalr    t0
        ld      ra, 8(sp)
        .cfi_restore ra
        addi    sp, sp, 16
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   sl_asm_frameless, .-sl_asm_frameless

/* ---- sl_asm_saves_registers: callee-saved registers, and CFI for each */
        .globl  sl_asm_saves_registers
        .type   sl_asm_saves_registers, @function
        .p2align 2
sl_asm_saves_registers:
        .cfi_startproc
        addi    sp, sp, -96
        .cfi_def_cfa_offset 96
        sd      ra, 88(sp)
        .cfi_offset ra, -8
        sd      s1, 80(sp)
        .cfi_offset s1, -16
        sd      s2, 72(sp)
        .cfi_offset s2, -24
        sd      s3, 64(sp)
        .cfi_offset s3, -32
        sd      s4, 56(sp)
        .cfi_offset s4, -40
        sd      s5, 48(sp)
        .cfi_offset s5, -48
        sd      s6, 40(sp)
        .cfi_offset s6, -56
        sd      s7, 32(sp)
        .cfi_offset s7, -64
        sd      s8, 24(sp)
        .cfi_offset s8, -72
        sd      s9, 16(sp)
        .cfi_offset s9, -80
        sd      s10, 8(sp)
        .cfi_offset s10, -88
        sd      s11, 0(sp)
        .cfi_offset s11, -96
        mv      s1, a0                          /* fn and arg survive the call */
        mv      s2, a1                          /* in registers fn must keep */
        li      s3, 0x303                       /* markers a debugger can spot */
        li      s4, 0x404
        li      s5, 0x505
        li      s6, 0x606
        li      s7, 0x707
        li      s8, 0x808
        li      s9, 0x909
        li      s10, 0x1010
        li      s11, 0x1111
        mv      a0, s2
        jalr    s1
        ld      s11, 0(sp)
        .cfi_restore s11
        ld      s10, 8(sp)
        .cfi_restore s10
        ld      s9, 16(sp)
        .cfi_restore s9
        ld      s8, 24(sp)
        .cfi_restore s8
        ld      s7, 32(sp)
        .cfi_restore s7
        ld      s6, 40(sp)
        .cfi_restore s6
        ld      s5, 48(sp)
        .cfi_restore s5
        ld      s4, 56(sp)
        .cfi_restore s4
        ld      s3, 64(sp)
        .cfi_restore s3
        ld      s2, 72(sp)
        .cfi_restore s2
        ld      s1, 80(sp)
        .cfi_restore s1
        ld      ra, 88(sp)
        .cfi_restore ra
        addi    sp, sp, 96
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   sl_asm_saves_registers, .-sl_asm_saves_registers

/* ---- sl_asm_no_cfi: THE LESSON IS WHAT IS MISSING.  Same frame as
 * sl_asm_framed, but no .cfi_* directives, so no FDE in .eh_frame: a CFI
 * unwinder stops here; only the s0 chain still leads out. */
        .globl  sl_asm_no_cfi
        .type   sl_asm_no_cfi, @function
        .p2align 2
sl_asm_no_cfi:
        addi    sp, sp, -32
        sd      ra, 24(sp)
        sd      s0, 16(sp)
        addi    s0, sp, 32
        sd      a0, -24(s0)
        sd      a1, -32(s0)
        ld      a0, -32(s0)
        ld      t0, -24(s0)
        jalr    t0
        ld      ra, 24(sp)
        ld      s0, 16(sp)
        addi    sp, sp, 32
        ret
        .size   sl_asm_no_cfi, .-sl_asm_no_cfi

        .section .note.GNU-stack, "", @progbits
