/*
 * frames.S: four ways to build (or not build) a stack frame around a call.
 *
 *   long sl_asm_framed(long (*fn)(void *), void *arg);
 *   long sl_asm_frameless(long (*fn)(void *), void *arg);
 *   long sl_asm_saves_registers(long (*fn)(void *), void *arg);
 *   long sl_asm_no_cfi(long (*fn)(void *), void *arg);
 *
 * Each returns fn(arg).  They call fn (never jump to it), so each one stays
 * a real frame between its C caller and fn for a debugger or a walker.
 *
 * ABI rules relied on (System V AMD64 psABI):
 *  - 3.2.2 "The Stack Frame": rsp + 8 is a multiple of 16 at entry, so a
 *    routine must move rsp by 8 (mod 16) before it calls;
 *  - 3.2.1 "Registers", figure 3.4: rbx, rbp, r12-r15 belong to the caller;
 *  - 3.7 "Stack Unwind Algorithm" and the DWARF CFI (.cfi_*): how a
 *    debugger finds the caller's frame.  CFA = rsp before the call + 8.
 * Preserves: rbx, rbp, r12-r15 (the callee-saved registers), like C.
 *
 *   sl_asm_framed / sl_asm_no_cfi      sl_asm_saves_registers
 *   | return address | CFA-8           | return address | CFA-8
 *   | caller's rbp   | <- rbp          | caller's rbx   | CFA-16
 *   | fn             | rbp-8           | caller's r12   | CFA-24
 *   | arg            | rbp-16 <- rsp   | ... r13 r14    |
 *                                      | caller's r15   | CFA-48 <- rsp
 *   sl_asm_frameless
 *   | return address | CFA-8
 *   | (padding)      | <- rsp          (only there to align the call)
 */
        .text

/* ---- sl_asm_framed: the prologue and epilogue every compiler once made */
        .globl  sl_asm_framed
        .type   sl_asm_framed, @function
        .p2align 4
sl_asm_framed:
        .cfi_startproc                          /* CFA = rsp + 8 */
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16                   /* caller's rbp at CFA-16 */
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp              /* from now on CFA = rbp + 16 */
        subq    $16, %rsp                       /* two locals; keeps rsp % 16 == 0 */
        movq    %rdi, -8(%rbp)                  /* fn */
        movq    %rsi, -16(%rbp)                 /* arg */
        movq    -16(%rbp), %rdi
        call    *-8(%rbp)                       /* rax = fn(arg) */
        leave                                   /* rsp = rbp; pop rbp */
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   sl_asm_framed, .-sl_asm_framed

/* ---- sl_asm_frameless: no rbp; the CFI alone says where the caller is */
        .globl  sl_asm_frameless
        .type   sl_asm_frameless, @function
        .p2align 4
sl_asm_frameless:
        .cfi_startproc
        subq    $8, %rsp                        /* alignment only: rsp % 16 == 0 */
        .cfi_adjust_cfa_offset 8                /* CFA = rsp + 16 */
        movq    %rdi, %rax
        movq    %rsi, %rdi
        call    *%rax
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        ret
        .cfi_endproc
        .size   sl_asm_frameless, .-sl_asm_frameless

/* ---- sl_asm_saves_registers: callee-saved registers, and CFI for each */
        .globl  sl_asm_saves_registers
        .type   sl_asm_saves_registers, @function
        .p2align 4
sl_asm_saves_registers:
        .cfi_startproc
        pushq   %rbx
        .cfi_adjust_cfa_offset 8
        .cfi_offset %rbx, -16
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r12, -24
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r13, -32
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r14, -40
        pushq   %r15
        .cfi_adjust_cfa_offset 8                /* 5 pushes: rsp % 16 == 0 */
        .cfi_offset %r15, -48
        movq    %rdi, %rbx                      /* fn and arg survive the call */
        movq    %rsi, %r12                      /* in registers fn must keep */
        movabsq $0x1313131313131313, %r13       /* markers a debugger can spot */
        movabsq $0x1414141414141414, %r14
        movabsq $0x1515151515151515, %r15
        movq    %r12, %rdi
        call    *%rbx
        popq    %r15
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r15
        popq    %r14
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r14
        popq    %r13
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        popq    %r12
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r12
        popq    %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        ret
        .cfi_endproc
        .size   sl_asm_saves_registers, .-sl_asm_saves_registers

/* ---- sl_asm_no_cfi: THE LESSON IS WHAT IS MISSING.  Same frame as
 * sl_asm_framed, but no .cfi_* directives, so no FDE in .eh_frame: a CFI
 * unwinder stops here (or guesses); only the rbp chain still leads out. */
        .globl  sl_asm_no_cfi
        .type   sl_asm_no_cfi, @function
        .p2align 4
sl_asm_no_cfi:
        pushq   %rbp
        movq    %rsp, %rbp
        subq    $16, %rsp
        movq    %rdi, -8(%rbp)
        movq    %rsi, -16(%rbp)
        movq    -16(%rbp), %rdi
        call    *-8(%rbp)
        leave
        ret
        .size   sl_asm_no_cfi, .-sl_asm_no_cfi

        .section .note.GNU-stack, "", @progbits
