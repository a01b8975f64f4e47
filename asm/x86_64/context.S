/*
 * context.S: a hand-written setjmp/longjmp, and the jump behind SL_THROW.
 *
 *   int  sl_context_save(sl_context *ctx);                   returns 0
 *   void sl_context_restore(const sl_context *ctx, int v);   never returns:
 *        sl_context_save returns again, with v (0 becomes 1, as longjmp does)
 *
 *   int  sl__try_enter(sl__try *t, const sl__site *site);    SL_TRY's entry:
 *        pushes {t, site} on the thread's handler array, then saves t's
 *        context as above (t begins with it); a throw resumes it with 1
 *
 * Why it is enough to save so little: the System V AMD64 psABI (3.2.1,
 * "Registers", figure 3.4) lets a call destroy every register except rbx,
 * rbp, r12-r15 and rsp, the MXCSR control bits and the x87 control word.
 * A caller of sl_context_save therefore already expects all other registers
 * to be lost across it, so resuming with them holding garbage is allowed.
 *
 * Why the pointers are mangled: a context that lives on the stack holds a
 * stack pointer and a code address.  An overflow that rewrote them in the
 * clear would turn the next throw into a jump of the attacker's choosing.
 * XOR with a per-process secret and a rotate make a forged value useless
 * without the secret (glibc does the same with its pointer guard).
 *
 *   ctx ->  +0  rbx      +24 r13      +48 rsp (mangled)   +64 mxcsr
 *           +8  rbp      +32 r14      +56 rip (mangled)   +68 x87 cw
 *           +16 r12      +40 r15
 *
 *   stack at entry to sl_context_save:
 *        | caller's frame ... |
 *        | return address     |  <- rsp      (saved as rip)
 *                                 rsp + 8     (saved as rsp: where the
 *                                              caller's stack is after ret)
 *
 * Why SL_TRY has an entry of its own: it is the one save on a hot path, so
 * the push of its handler record (except.h, rule 8: a record later calls
 * cannot overwrite) runs here and falls through into the save, one call in
 * all.  The save also copies the mangled stack pointer into the slot (r8
 * points at it): a throw jumps only to a record that still holds that word,
 * so a dead record whose memory was reused is never jumped into.  The entry
 * leaves out MXCSR and the x87 control word: a throw leaves the
 * floating-point control state as the thrower set it, as longjmp and C++
 * throw do (sl__context_resume is the matching restore).
 *
 *   %fs:(%rax) -> +0 top ---------> slot[d]   { frame, site, check }  innermost
 *   (try.h)       +8 last           slot[d+1] { t,     site, rsp'  }  <- pushed (r8)
 *
 * Preserves: everything a C caller relies on; the saves touch rax, rcx, rdx,
 * r8 (and the entry rsi); the entry's slow paths call C.
 */
#include "context.h"
#include "try.h"

        .text
        .globl  sl_context_save
        .type   sl_context_save, @function
        .p2align 4
sl_context_save:
        .cfi_startproc
        stmxcsr SL_CTX_MXCSR(%rdi)              /* the floating-point control state, */
        fnstcw  SL_CTX_FPUCW(%rdi)
        leaq    SL_CTX_SIZE-SL_SLOT_CHECK(%rdi), %r8    /* no slot: the copy of rsp */
        jmp     .Lsave                          /* goes to a spare word; then the save */
        .cfi_endproc
        .size   sl_context_save, .-sl_context_save

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
        jbe     .Lnot_above                     /* (a nested TRY, or a stale one) */
.Lpush:
        movl    $0, SL_TRY_PHASE(%rdi)          /* SL__BODY */
        leaq    SL_SLOT_SIZE(%rdx), %r8         /* the new slot */
        movq    %rdi, SL_SLOT_FRAME(%r8)
        movq    %rsi, SL_SLOT_SITE(%r8)
        movq    %r8, %fs:SL_H_TOP(%rax)
.Lsave:                                         /* every save: rdi = the context, */
                                                /* r8 = where the rsp copy goes */
        movq    %rbx, SL_CTX_RBX(%rdi)
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
        movq    %rdx, SL_SLOT_CHECK(%r8)        /* the slot's copy (rule 8) */
        movq    (%rsp), %rax                    /* our return address */
        xorq    %rcx, %rax
        rolq    $SL_CTX_ROTATE, %rax
        movq    %rax, SL_CTX_RIP(%rdi)
        xorl    %eax, %eax                      /* first return: 0 */
        ret

.Lfirst:                                        /* rdx = sl__try_first(site) */
        pushq   %rdi
        .cfi_adjust_cfa_offset 8
        pushq   %rsi
        .cfi_adjust_cfa_offset 8
        subq    $8, %rsp                        /* rsp % 16 == 0 at the call */
        .cfi_adjust_cfa_offset 8
        movq    %rsi, %rdi
        call    sl__try_first                   /* aborts when too deep */
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
        pushq   %rdx                            /* (three pushes: rsp % 16 == 0) */
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

        .globl  sl_context_restore
        .type   sl_context_restore, @function
        .globl  sl__context_restore             /* the same code, for the library's */
        .hidden sl__context_restore             /* own calls: no PLT in between */
        .type   sl__context_restore, @function
        .globl  sl__context_resume
        .hidden sl__context_resume
        .type   sl__context_resume, @function
        .p2align 4
sl_context_restore:
sl__context_restore:
        .cfi_startproc
        ldmxcsr SL_CTX_MXCSR(%rdi)              /* the floating-point control state */
        fldcw   SL_CTX_FPUCW(%rdi)
sl__context_resume:                             /* a throw's jump: all but that */
#ifdef __SANITIZE_ADDRESS__
        /* ASan poisons the frames we are about to abandon; tell it. */
        pushq   %rdi
        .cfi_adjust_cfa_offset 8
        pushq   %rsi
        .cfi_adjust_cfa_offset 8
        subq    $8, %rsp                        /* rsp % 16 == 0 at the call */
        .cfi_adjust_cfa_offset 8
        call    __asan_handle_no_return@PLT
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        popq    %rsi
        .cfi_adjust_cfa_offset -8
        popq    %rdi
        .cfi_adjust_cfa_offset -8
#endif
        movl    %esi, %eax
        cmpl    $1, %eax                        /* CF = (v == 0) */
        adcl    $0, %eax                        /* so 0 becomes 1 */
        movq    sl__context_secret(%rip), %r8
        movq    SL_CTX_RSP(%rdi), %rdx
        rorq    $SL_CTX_ROTATE, %rdx
        xorq    %r8, %rdx
        movq    SL_CTX_RIP(%rdi), %rcx
        rorq    $SL_CTX_ROTATE, %rcx
        xorq    %r8, %rcx
        movq    SL_CTX_RBX(%rdi), %rbx
        movq    SL_CTX_RBP(%rdi), %rbp
        movq    SL_CTX_R12(%rdi), %r12
        movq    SL_CTX_R13(%rdi), %r13
        movq    SL_CTX_R14(%rdi), %r14
        movq    SL_CTX_R15(%rdi), %r15
        movq    %rdx, %rsp                      /* back on the saver's stack */
        jmp     *%rcx                           /* and into its call site */
        .cfi_endproc
        .size   sl_context_restore, .-sl_context_restore
        .size   sl__context_restore, .-sl__context_restore
        .size   sl__context_resume, .-sl__context_resume

        .hidden sl__context_secret
        .hidden sl__try_first
        .hidden sl__try_check
        .section .note.GNU-stack, "", @progbits
