/*
 * callee_saved.S: three versions of the same routine for the callee_saved demo.
 *
 *   long cs_sum_good(long a, long b, long c, long d);
 *   long cs_sum_clobbers(long a, long b, long c, long d);
 *   long cs_sum_clobbers_rbp(long a, long b, long c, long d);
 *
 * Each returns a + b + c + d, and each uses rbx and r13 (and the last rbp)
 * as scratch registers.  The System V psABI (section 3.2.1, "Registers")
 * makes rbx, rbp and r12-r15 callee-saved: a function may use them only if
 * it gives them back as it found them.  cs_sum_good saves and restores them;
 * the other two forget, which is the bug the checked call catches.
 *
 * cs_sum_good's frame after its two pushes:
 *
 *      | return address |  <- entry rsp
 *      | caller's rbx   |  <- entry rsp - 8
 *      | caller's r13   |  <- entry rsp - 16 = rsp
 */
        .text

        .globl  cs_sum_good
        .type   cs_sum_good, @function
cs_sum_good:
        .cfi_startproc
        push    %rbx                    /* save what we are about to use */
        .cfi_adjust_cfa_offset 8
        .cfi_offset %rbx, -16
        push    %r13
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r13, -24
        lea     (%rdi,%rsi), %rbx       /* rbx = a + b */
        lea     (%rdx,%rcx), %r13       /* r13 = c + d */
        lea     (%rbx,%r13), %rax
        pop     %r13                    /* give them back */
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        pop     %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        ret
        .cfi_endproc
        .size   cs_sum_good, .-cs_sum_good

        .globl  cs_sum_clobbers
        .type   cs_sum_clobbers, @function
cs_sum_clobbers:
        .cfi_startproc
        lea     (%rdi,%rsi), %rbx       /* BUG: rbx is the caller's */
        lea     (%rdx,%rcx), %r13       /* BUG: so is r13 */
        lea     (%rbx,%r13), %rax
        ret
        .cfi_endproc
        .size   cs_sum_clobbers, .-cs_sum_clobbers

        .globl  cs_sum_clobbers_rbp
        .type   cs_sum_clobbers_rbp, @function
cs_sum_clobbers_rbp:
        .cfi_startproc
        lea     (%rdi,%rsi), %rbp       /* BUG: rbp holds the caller's frame pointer */
        lea     (%rdx,%rcx), %rax
        add     %rbp, %rax
        ret
        .cfi_endproc
        .size   cs_sum_clobbers_rbp, .-cs_sum_clobbers_rbp

        .section .note.GNU-stack,"",@progbits
