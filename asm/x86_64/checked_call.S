/*
 * checked_call.S: call a function and catch it breaking the callee-saved
 * contract, as ABI test harnesses check hand-written assembly.
 *
 *   void sl__checked_call_asm(struct sl__check_frame *f);     (internal)
 *   C entry point: sl_checked_call() in lib/arch/x86_64/checked_call.c
 *
 * Loads rbx, rbp, r12-r15 and MXCSR with the canaries in f, calls
 * f->fn(a, b, c, d) with rsp % 16 == 0, then records every callee-saved
 * register, rsp and rflags as fn left them and puts the caller's back.
 *
 * ABI rules relied on (System V AMD64 psABI):
 *  - 3.2.1 "Registers", figure 3.4: rbx, rbp, r12-r15 and the MXCSR
 *    control bits are callee-saved; "the direction flag DF in %rFLAGS
 *    must be clear on function entry and return";
 *  - 3.2.2 "The Stack Frame": rsp + 8 is a multiple of 16 at entry.
 * Preserves: rbx, rbp, r12-r15, rsp, MXCSR and DF of its caller, whatever
 *   fn did to them.  After fn returns no register is trusted, not even
 *   rsp: f is found again through a thread-local (%fs is out of fn's reach)
 *   and our stack through f->before_rsp.
 *
 *   our frame while fn runs              f (checked_call.h)
 *   | return address | CFA-8             | fn, args a b c d            |
 *   | caller's rbp   | CFA-16            | canaries: rbx rbp r12-r15,  |
 *   | caller's rbx   | CFA-24            |           mxcsr             |
 *   | caller's r12   | CFA-32            | after:  rbx .. r15, mxcsr,  |
 *   |  ... r13 r14   |                   |         rsp, rflags, result |
 *   | caller's r15   | CFA-56            | before_rsp                  |
 *   | caller's mxcsr | CFA-64 <- rsp = before_rsp (rsp % 16 == 0)
 */
#include "checked_call.h"

        .text
        .globl  sl__checked_call_asm
        .hidden sl__checked_call_asm
        .type   sl__checked_call_asm, @function
        .p2align 4
sl__checked_call_asm:
        .cfi_startproc
        pushq   %rbp                            /* no frame pointer: rbp will */
        .cfi_adjust_cfa_offset 8                /* hold a canary, so the CFA */
        .cfi_offset %rbp, -16                   /* stays rsp-based */
        pushq   %rbx
        .cfi_adjust_cfa_offset 8
        .cfi_offset %rbx, -24
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r12, -32
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r13, -40
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r14, -48
        pushq   %r15
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r15, -56
        subq    $8, %rsp                        /* the mxcsr slot; aligns rsp */
        .cfi_adjust_cfa_offset 8
        stmxcsr (%rsp)
        movq    %rsp, SL_CK_BEFORE_RSP(%rdi)    /* what rsp must be after fn */
        movq    %fs:0, %rax                     /* sl__check_current = f */
        addq    sl__check_current@gottpoff(%rip), %rax
        movq    %rdi, (%rax)
        movq    SL_CK_CANARY+0(%rdi), %rbx
        movq    SL_CK_CANARY+8(%rdi), %rbp
        movq    SL_CK_CANARY+16(%rdi), %r12
        movq    SL_CK_CANARY+24(%rdi), %r13
        movq    SL_CK_CANARY+32(%rdi), %r14
        movq    SL_CK_CANARY+40(%rdi), %r15
        ldmxcsr SL_CK_MXCSR_CANARY(%rdi)
        movq    SL_CK_FN(%rdi), %rax
        movq    SL_CK_ARGS+8(%rdi), %rsi        /* b */
        movq    SL_CK_ARGS+16(%rdi), %rdx       /* c */
        movq    SL_CK_ARGS+24(%rdi), %rcx       /* d */
        movq    SL_CK_ARGS+0(%rdi), %rdi        /* a, last: rdi was f */
        call    *%rax
        movq    %fs:0, %r11                     /* r11 = f, found through TLS */
        addq    sl__check_current@gottpoff(%rip), %r11
        movq    (%r11), %r11
        movq    %rax, SL_CK_RESULT(%r11)
        movq    %rbx, SL_CK_AFTER+0(%r11)
        movq    %rbp, SL_CK_AFTER+8(%r11)
        movq    %r12, SL_CK_AFTER+16(%r11)
        movq    %r13, SL_CK_AFTER+24(%r11)
        movq    %r14, SL_CK_AFTER+32(%r11)
        movq    %r15, SL_CK_AFTER+40(%r11)
        movq    %rsp, SL_CK_AFTER_RSP(%r11)
        stmxcsr SL_CK_MXCSR_AFTER(%r11)
        movq    SL_CK_BEFORE_RSP(%r11), %rsp    /* our frame, whatever fn did */
        pushfq                                  /* read DF ... */
        popq    SL_CK_RFLAGS(%r11)
        cld                                     /* ... and clear it for C */
        ldmxcsr (%rsp)
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
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
        popq    %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
        ret
        .cfi_endproc
        .size   sl__checked_call_asm, .-sl__checked_call_asm

        .hidden sl__check_current
        .section .note.GNU-stack, "", @progbits
