/*
 * try.S: what SL_TRY does before its body runs, in one call.
 *
 *   int sl__try_enter(sl__try *t, const sl__site *site);
 *        returns 0, and returns again, with 1, each time a throw lands in t
 *
 * Two things, done here together so an SL_TRY costs one call:
 *
 * 1. Push {t, site} on the thread's handler array (except.h, sl__handlers),
 *    where later calls cannot overwrite it: that is how a TRY left by
 *    return or goto is caught (rule 8).  Before the push, the innermost
 *    record must lie above t (in a caller's frame); when it does not,
 *    sl__try_check tells a TRY nested in the same function (fine) from a
 *    stale one (it aborts with the stale TRY's file and line).
 *
 * 2. Save the context a throw resumes, as sl_context_save does (context.S,
 *    same layout and the same pointer mangling), but without MXCSR and the
 *    x87 control word: a throw leaves the floating-point control state as
 *    the thrower left it, as longjmp and C++ throw do.
 *
 * Relies on: System V psABI 3.2.1 (rbx, rbp, r12-r15 callee-saved; rax,
 * rcx, rdx, rsi, rdi, r8-r11 free to use), and the initial-exec TLS model
 * (the thread's array is at %fs:(offset from the GOT)).
 *
 *   %fs:(%rax) -> +0 top ---------> slot[d]   { frame, site }  innermost
 *                 +8 last           slot[d+1] { t,     site }  <- pushed
 *
 * Preserves every callee-saved register.
 */
#include "context.h"
#include "try.h"

        .text
        .globl  sl__try_enter
        .type   sl__try_enter, @function
        .p2align 4
sl__try_enter:
        .cfi_startproc
        movq    sl__tls_handlers@gottpoff(%rip), %rax   /* %fs:(%rax): the array */
        movq    %fs:SL_H_TOP(%rax), %rdx
        cmpq    %fs:SL_H_LAST(%rax), %rdx
        jae     .Lfirst                         /* first TRY of the thread, or too deep */
.Lcheck:
        cmpq    %rdi, SL_SLOT_FRAME(%rdx)       /* innermost record above t? */
        jbe     .Lnot_above
.Lpush:
        movl    $0, SL_TRY_PHASE(%rdi)          /* SL__BODY */
        movq    %rdi, SL_SLOT_SIZE+SL_SLOT_FRAME(%rdx)
        movq    %rsi, SL_SLOT_SIZE+SL_SLOT_SITE(%rdx)
        addq    $SL_SLOT_SIZE, %rdx
        movq    %rdx, %fs:SL_H_TOP(%rax)

        movq    %rbx, SL_CTX_RBX(%rdi)          /* the context: t is its address */
        movq    %rbp, SL_CTX_RBP(%rdi)
        movq    %r12, SL_CTX_R12(%rdi)
        movq    %r13, SL_CTX_R13(%rdi)
        movq    %r14, SL_CTX_R14(%rdi)
        movq    %r15, SL_CTX_R15(%rdi)
        movq    sl__context_secret(%rip), %rcx
        leaq    8(%rsp), %rdx                   /* the caller's rsp once we return */
        xorq    %rcx, %rdx
        rolq    $SL_CTX_ROTATE, %rdx
        movq    %rdx, SL_CTX_RSP(%rdi)
        movq    (%rsp), %rax                    /* our return address */
        xorq    %rcx, %rax
        rolq    $SL_CTX_ROTATE, %rax
        movq    %rax, SL_CTX_RIP(%rdi)
        xorl    %eax, %eax
        ret

.Lfirst:                                        /* rdx = sl__try_first(site) */
        pushq   %rdi
        .cfi_adjust_cfa_offset 8
        pushq   %rsi
        .cfi_adjust_cfa_offset 8
        subq    $8, %rsp                        /* rsp % 16 == 0 at the call */
        .cfi_adjust_cfa_offset 8
        movq    %rsi, %rdi
        call    sl__try_first
        movq    %rax, %rdx
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        popq    %rsi
        .cfi_adjust_cfa_offset -8
        popq    %rdi
        .cfi_adjust_cfa_offset -8
        movq    sl__tls_handlers@gottpoff(%rip), %rax
        jmp     .Lcheck

.Lnot_above:                                    /* sl__try_check(t, caller's rsp) */
        pushq   %rdi
        .cfi_adjust_cfa_offset 8
        pushq   %rsi
        .cfi_adjust_cfa_offset 8
        pushq   %rdx
        .cfi_adjust_cfa_offset 8
        leaq    32(%rsp), %rsi                  /* entry rsp + 8 */
        call    sl__try_check                   /* aborts when the record is stale */
        popq    %rdx
        .cfi_adjust_cfa_offset -8
        popq    %rsi
        .cfi_adjust_cfa_offset -8
        popq    %rdi
        .cfi_adjust_cfa_offset -8
        movq    sl__tls_handlers@gottpoff(%rip), %rax
        jmp     .Lpush
        .cfi_endproc
        .size   sl__try_enter, .-sl__try_enter

        .hidden sl__context_secret
        .hidden sl__try_first
        .hidden sl__try_check
        .section .note.GNU-stack, "", @progbits
