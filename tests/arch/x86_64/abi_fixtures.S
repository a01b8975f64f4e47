/*
 * abi_fixtures.S: routines that break the rules on purpose, and two
 * that check rules no C code can observe, for tests/test_abi.c.
 */
        .text

/* long sl_test_clobbers_two(long a, long b, long c, long d): returns
 * a+b+c+d but destroys two callee-saved registers (psABI 3.2.1). */
        .globl  sl_test_clobbers_two
        .type   sl_test_clobbers_two, @function
sl_test_clobbers_two:
        .cfi_startproc
        movq    $-1, %rbx                       /* WRONG: rbx is the caller's */
        movq    $-2, %r13                       /* WRONG: so is r13 */
        leaq    (%rdi,%rsi), %rax
        addq    %rdx, %rax
        addq    %rcx, %rax
        ret
        .cfi_endproc
        .size   sl_test_clobbers_two, .-sl_test_clobbers_two

/* long sl_test_moves_sp(long a, ...): returns a, with rsp 16 bytes lower
 * than it should be (copies its return address down and returns there). */
        .globl  sl_test_moves_sp
        .type   sl_test_moves_sp, @function
sl_test_moves_sp:
        .cfi_startproc
        movq    (%rsp), %rax
        subq    $16, %rsp
        .cfi_adjust_cfa_offset 16
        movq    %rax, (%rsp)
        movq    %rdi, %rax
        ret
        .cfi_endproc
        .size   sl_test_moves_sp, .-sl_test_moves_sp

/* long sl_test_sets_df(long a, ...): returns a with the direction flag set. */
        .globl  sl_test_sets_df
        .type   sl_test_sets_df, @function
sl_test_sets_df:
        .cfi_startproc
        std                                     /* WRONG: DF must be clear on return */
        movq    %rdi, %rax
        ret
        .cfi_endproc
        .size   sl_test_sets_df, .-sl_test_sets_df

/* int sl_test_context_keeps_regs(sl_context *ctx, uint64_t out[5]):
 * loads markers into rbx, r12-r15, saves ctx, scribbles over them and
 * restores ctx; stores what the five hold after the resume into out and
 * returns the value sl_context_save returned the second time (7). */
        .globl  sl_test_context_keeps_regs
        .type   sl_test_context_keeps_regs, @function
sl_test_context_keeps_regs:
        .cfi_startproc
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        .cfi_offset %rbx, -24
        .cfi_offset %r12, -32
        .cfi_offset %r13, -40
        .cfi_offset %r14, -48
        .cfi_offset %r15, -56
        subq    $24, %rsp                       /* padding, ctx, out */
        movq    %rdi, -56(%rbp)
        movq    %rsi, -64(%rbp)
        movq    $0xb0, %rbx
        movq    $0x120, %r12
        movq    $0x130, %r13
        movq    $0x140, %r14
        movq    $0x150, %r15
        call    sl_context_save@PLT
        testl   %eax, %eax
        jnz     1f                              /* resumed */
        movq    $-1, %rbx                       /* what a throw's path might */
        movq    $-1, %r12                       /* leave in the registers */
        movq    $-1, %r13
        movq    $-1, %r14
        movq    $-1, %r15
        movq    -56(%rbp), %rdi
        movl    $7, %esi
        call    sl_context_restore@PLT
1:      movq    -64(%rbp), %rcx
        movq    %rbx, 0(%rcx)
        movq    %r12, 8(%rcx)
        movq    %r13, 16(%rcx)
        movq    %r14, 24(%rcx)
        movq    %r15, 32(%rcx)
        leaq    -40(%rbp), %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   sl_test_context_keeps_regs, .-sl_test_context_keeps_regs

/* int sl_test_ms_probe_keeps_regs(void): calls sl_probe_ms with markers
 * in rdi, rsi, xmm6 and xmm15 (callee-saved in Microsoft x64) and returns
 * a bit per register that came back changed: 1 rdi, 2 rsi, 4 xmm6, 8 xmm15. */
        .globl  sl_test_ms_probe_keeps_regs
        .type   sl_test_ms_probe_keeps_regs, @function
sl_test_ms_probe_keeps_regs:
        .cfi_startproc
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        subq    $32, %rsp                       /* the shadow space */
        movabsq $0xd1d1d1d1d1d1d1d1, %rdi
        movabsq $0x5151515151515151, %rsi
        movq    %rdi, %xmm6
        movq    %rsi, %xmm15
        call    sl_probe_ms@PLT
        xorl    %eax, %eax
        movabsq $0xd1d1d1d1d1d1d1d1, %rcx
        movabsq $0x5151515151515151, %rdx
        cmpq    %rcx, %rdi
        setne   %al
        cmpq    %rdx, %rsi
        jz      2f
        orl     $2, %eax
2:      movq    %xmm6, %r8
        cmpq    %rcx, %r8
        jz      3f
        orl     $4, %eax
3:      movq    %xmm15, %r8
        cmpq    %rdx, %r8
        jz      4f
        orl     $8, %eax
4:      leave
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   sl_test_ms_probe_keeps_regs, .-sl_test_ms_probe_keeps_regs

        .section .note.GNU-stack, "", @progbits
