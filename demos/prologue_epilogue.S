/*
 * prologue_epilogue.S: frame shims that photograph themselves, for the
 * prologue_epilogue demo.
 *
 *   long pe_traced_framed(long (*fn)(void *), void *arg, uint64_t trace[][2]);
 *   long pe_traced_frameless(long (*fn)(void *), void *arg, uint64_t trace[][2]);
 *   long pe_call_misaligned(long (*fn)(void *), void *arg);
 *
 * The first two call fn(arg) and return its result, like sl_asm_framed and
 * sl_asm_frameless, but after every instruction of the prologue and the
 * epilogue they store rsp and rbp into the next row of trace (the RECORD
 * lines are the camera, not part of the lesson).  r11 holds the trace
 * pointer: the psABI (3.2.1) lets a function use it freely, and a call may
 * destroy it, so the framed shim keeps a copy in its locals.
 *
 * pe_traced_framed's frame after its prologue:
 *
 *      | return address |  <- entry rsp          (rsp + 8 is 16-aligned)
 *      | caller's rbp   |  <- rbp = entry rsp - 8
 *      | trace pointer  |  <- rbp - 8
 *      | padding        |  <- rsp = rbp - 16     (16-aligned at the call)
 *
 * pe_call_misaligned breaks the rule on purpose: it calls fn with rsp
 * 8 bytes off the 16-byte alignment the psABI (3.2.2) requires at a call.
 */
        .macro  RECORD row
        mov     %rsp, 16*\row(%r11)
        mov     %rbp, 16*\row+8(%r11)
        .endm

        .text

        .globl  pe_traced_framed
        .type   pe_traced_framed, @function
pe_traced_framed:
        .cfi_startproc
        mov     %rdx, %r11
        RECORD  0                       /* at entry */
        push    %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_offset %rbp, -16
        RECORD  1
        mov     %rsp, %rbp
        .cfi_def_cfa_register %rbp
        RECORD  2
        sub     $16, %rsp               /* locals: the trace pointer, and padding */
        RECORD  3
        mov     %r11, -8(%rbp)
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax                   /* fn(arg) */
        mov     -8(%rbp), %r11
        RECORD  4                       /* after the call returned */
        leave                           /* mov %rbp,%rsp; pop %rbp */
        .cfi_def_cfa %rsp, 8
        .cfi_restore %rbp
        RECORD  5
        ret
        .cfi_endproc
        .size   pe_traced_framed, .-pe_traced_framed

        .globl  pe_traced_frameless
        .type   pe_traced_frameless, @function
pe_traced_frameless:
        .cfi_startproc
        mov     %rdx, %r11
        RECORD  0                       /* at entry */
        sub     $8, %rsp                /* only what the call's alignment needs */
        .cfi_adjust_cfa_offset 8
        RECORD  1
        mov     %r11, (%rsp)            /* the padding keeps the trace pointer */
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax                   /* fn(arg) */
        mov     (%rsp), %r11
        RECORD  2                       /* after the call returned */
        add     $8, %rsp
        .cfi_adjust_cfa_offset -8
        RECORD  3
        ret
        .cfi_endproc
        .size   pe_traced_frameless, .-pe_traced_frameless

        .globl  pe_call_misaligned
        .type   pe_call_misaligned, @function
pe_call_misaligned:
        .cfi_startproc
        sub     $16, %rsp               /* BUG: 16, not 8: rsp is 8 off at the call */
        .cfi_adjust_cfa_offset 16
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax
        add     $16, %rsp
        .cfi_adjust_cfa_offset -16
        ret
        .cfi_endproc
        .size   pe_call_misaligned, .-pe_call_misaligned

        .section .note.GNU-stack,"",@progbits
