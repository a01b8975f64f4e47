/*
 * frames.S (AArch64): four ways to build (or not build) a stack frame
 * around a call.
 *
 *   long sl_asm_framed(long (*fn)(void *), void *arg);
 *   long sl_asm_frameless(long (*fn)(void *), void *arg);
 *   long sl_asm_saves_registers(long (*fn)(void *), void *arg);
 *   long sl_asm_no_cfi(long (*fn)(void *), void *arg);
 *
 * Each returns fn(arg).  They call fn (never branch to it), so each one
 * stays a real frame between its C caller and fn for a debugger or a walker.
 *
 * ABI rules relied on (AAPCS64):
 *  - 6.4.5.1 "Universal stack constraints": sp is 16-byte aligned whenever
 *    it is used to access memory, so a frame grows in multiples of 16;
 *  - 6.4.6 "The Frame Pointer": a frame record is two words, the caller's
 *    x29 below the saved link register x30, and x29 points at it;
 *  - 6.1.1: x19-x29 belong to the caller; x30 (LR) holds our return
 *    address and every bl overwrites it, so a routine that calls must keep
 *    it somewhere, frame record or not;
 *  - DWARF for the Arm 64-bit Architecture and the CFI (.cfi_*): how a
 *    debugger finds the caller's frame.  CFA = sp at entry (bl pushes
 *    nothing).
 * Preserves: x19-x29 (the callee-saved registers), like C.
 *
 *   sl_asm_framed / sl_asm_no_cfi          sl_asm_saves_registers
 *   | (caller's frame) | <- CFA            | (caller's frame) | <- CFA
 *   | arg              | x29+24            | caller's x27 x28 | CFA-16
 *   | fn               | x29+16            |  ... x21 .. x26  |
 *   | x30 (ret addr)   | x29+8             | caller's x19 x20 | CFA-80
 *   | caller's x29     | <- x29 = sp       | x30 (ret addr)   | CFA-96 <- sp
 *
 *   sl_asm_frameless
 *   | (caller's frame) | <- CFA
 *   | (padding)        | CFA-8
 *   | x30 (ret addr)   | CFA-16 <- sp      (x29 untouched: the caller's)
 */
        .text

/* ---- sl_asm_framed: the prologue and epilogue gcc makes at -O0 */
        .globl  sl_asm_framed
        .type   sl_asm_framed, %function
        .p2align 4
sl_asm_framed:
        .cfi_startproc                          /* CFA = sp */
        stp     x29, x30, [sp, #-32]!           /* the frame record, at the bottom */
        .cfi_def_cfa_offset 32
        .cfi_offset x29, -32                    /* caller's x29 at CFA-32 */
        .cfi_offset x30, -24                    /* return address at CFA-24 */
        mov     x29, sp
        .cfi_def_cfa x29, 32                    /* from now on CFA = x29 + 32 */
        stp     x0, x1, [x29, #16]              /* two locals: fn, arg */
        ldr     x0, [x29, #24]
        ldr     x9, [x29, #16]
        blr     x9                              /* x0 = fn(arg) */
        ldp     x29, x30, [sp], #32
        .cfi_def_cfa sp, 0
        .cfi_restore x29
        .cfi_restore x30
        ret
        .cfi_endproc
        .size   sl_asm_framed, .-sl_asm_framed

/* ---- sl_asm_frameless: no frame record; the CFI alone says where the
 * return address went (x29 still points at the caller's record, so the
 * frame-pointer walk goes from fn straight to our caller) */
        .globl  sl_asm_frameless
        .type   sl_asm_frameless, %function
        .p2align 4
sl_asm_frameless:
        .cfi_startproc
        str     x30, [sp, #-16]!                /* 16: sp stays aligned */
        .cfi_def_cfa_offset 16
        .cfi_offset x30, -16
        mov     x9, x0
        mov     x0, x1
        blr     x9
        ldr     x30, [sp], #16
        .cfi_def_cfa_offset 0
        .cfi_restore x30
        ret
        .cfi_endproc
        .size   sl_asm_frameless, .-sl_asm_frameless

/* ---- sl_asm_saves_registers: callee-saved registers, and CFI for each */
        .globl  sl_asm_saves_registers
        .type   sl_asm_saves_registers, %function
        .p2align 4
sl_asm_saves_registers:
        .cfi_startproc
        stp     x30, x19, [sp, #-96]!
        .cfi_def_cfa_offset 96
        .cfi_offset x30, -96
        .cfi_offset x19, -88
        stp     x20, x21, [sp, #16]
        .cfi_offset x20, -80
        .cfi_offset x21, -72
        stp     x22, x23, [sp, #32]
        .cfi_offset x22, -64
        .cfi_offset x23, -56
        stp     x24, x25, [sp, #48]
        .cfi_offset x24, -48
        .cfi_offset x25, -40
        stp     x26, x27, [sp, #64]
        .cfi_offset x26, -32
        .cfi_offset x27, -24
        str     x28, [sp, #80]
        .cfi_offset x28, -16
        mov     x19, x0                         /* fn and arg survive the call */
        mov     x20, x1                         /* in registers fn must keep */
        mov     x21, #0x2121                    /* markers a debugger can spot */
        mov     x22, #0x2222
        mov     x23, #0x2323
        mov     x24, #0x2424
        mov     x25, #0x2525
        mov     x26, #0x2626
        mov     x27, #0x2727
        mov     x28, #0x2828
        mov     x0, x20
        blr     x19
        ldr     x28, [sp, #80]
        .cfi_restore x28
        ldp     x26, x27, [sp, #64]
        .cfi_restore x26
        .cfi_restore x27
        ldp     x24, x25, [sp, #48]
        .cfi_restore x24
        .cfi_restore x25
        ldp     x22, x23, [sp, #32]
        .cfi_restore x22
        .cfi_restore x23
        ldp     x20, x21, [sp, #16]
        .cfi_restore x20
        .cfi_restore x21
        ldp     x30, x19, [sp], #96
        .cfi_def_cfa_offset 0
        .cfi_restore x30
        .cfi_restore x19
        ret
        .cfi_endproc
        .size   sl_asm_saves_registers, .-sl_asm_saves_registers

/* ---- sl_asm_no_cfi: THE LESSON IS WHAT IS MISSING.  Same frame as
 * sl_asm_framed, but no .cfi_* directives, so no FDE in .eh_frame: a CFI
 * unwinder stops here (or guesses); only the x29 chain still leads out. */
        .globl  sl_asm_no_cfi
        .type   sl_asm_no_cfi, %function
        .p2align 4
sl_asm_no_cfi:
        stp     x29, x30, [sp, #-32]!
        mov     x29, sp
        stp     x0, x1, [x29, #16]
        ldr     x0, [x29, #24]
        ldr     x9, [x29, #16]
        blr     x9
        ldp     x29, x30, [sp], #32
        ret
        .size   sl_asm_no_cfi, .-sl_asm_no_cfi

        .section .note.GNU-stack, "", %progbits
