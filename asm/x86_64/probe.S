/*
 * probe.S: a function that accepts any arguments and writes down where
 * the caller put them.
 *
 *   void sl_probe(void);      call through any System V prototype
 *   void sl_probe_ms(void);   call through any __attribute__((ms_abi)) one
 *
 * Each stores the argument registers, the vector registers, the entry rsp,
 * the return address and 256 bytes of stack arguments into this thread's
 * sl_probe_snapshot (layout in probe.h), then returns.  A thread-local
 * pointer leads to the snapshot; a thread's first probe finds it NULL and
 * calls C for one (sl__probe_snapshot_new) before it stores anything.
 *
 * ABI rules relied on:
 *  - System V AMD64 psABI 3.2.3 "Parameter Passing": integers in rdi, rsi,
 *    rdx, rcx, r8, r9; SSE class in xmm0-7; the rest on the stack from
 *    rsp + 8 at entry; al = upper bound of vector registers used by a
 *    variadic call; a MEMORY-class return gets a hidden pointer in rdi,
 *    which must come back in rax.  3.2.1: rdi..r11 and all xmm are scratch.
 *  - Microsoft x64 calling convention ("Parameter passing", "Return
 *    values", "Caller/callee saved registers"): rcx, rdx, r8, r9 / xmm0-3
 *    by position; 32 bytes of shadow space above the return address, so
 *    the 5th argument is at rsp + 40; a large return value's pointer comes
 *    in rcx and goes back in rax; rdi, rsi and xmm6-15 are callee-saved.
 *  - Thread-local storage (Drepper, "ELF Handling For Thread-Local
 *    Storage", x86-64 initial exec): %fs:0 holds the thread pointer.
 * Preserves: every callee-saved register of its convention; writes only
 *   r11, rcx and rax, which both conventions leave to the callee (and, on
 *   a thread's first probe, what the C call may write: rdx, r8-r10,
 *   xmm0-5 and the upper halves of the ymm registers, all scratch in both).
 *
 *   caller's stack at entry                  the snapshot
 *   | ...            | rsp+8+N  "stack+N"    gpr: rdi rsi rdx rcx r8 r9 rax r10
 *   | stack arg 1    | rsp+8    "stack+0"    vec: xmm0 .. xmm7, 16 bytes each
 *   | return address | <- rsp               entry_sp, return_address
 *                                            stack[256] = rsp+8 .. rsp+263
 *   (ms_abi: stack+0..31 is the shadow space, the 5th argument stack+32)
 */
#include "probe.h"

/* r11 = this thread's snapshot.  The first probe in a thread has none yet
 * and calls C for it, keeping what it must record or give back: the
 * argument registers (rax: al) and ms_abi's callee-saved rdi, rsi and
 * xmm6-15.  328 bytes keep rsp 16-byte aligned at that call (it is 8 off
 * at entry).  Otherwise touches nothing but r11. */
#define FIRST_SAVE (8 * 8 + 16 * 16 + 8)
.macro  SNAPSHOT_ADDRESS
        movq    %fs:0, %r11                     /* the thread pointer */
        addq    sl__probe_snapshot@gottpoff(%rip), %r11
        movq    (%r11), %r11                    /* the pointer kept there */
        testq   %r11, %r11
        jnz     2f
        subq    $FIRST_SAVE, %rsp               /* first probe in this thread */
        .cfi_adjust_cfa_offset FIRST_SAVE
        movq    %rdi, 0*8(%rsp)
        movq    %rsi, 1*8(%rsp)
        movq    %rdx, 2*8(%rsp)
        movq    %rcx, 3*8(%rsp)
        movq    %r8,  4*8(%rsp)
        movq    %r9,  5*8(%rsp)
        movq    %rax, 6*8(%rsp)
        movq    %r10, 7*8(%rsp)
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu  %xmm\n, 64+\n*16(%rsp)
        .endr
        call    sl__probe_snapshot_new
        movq    %rax, %r11
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu  64+\n*16(%rsp), %xmm\n
        .endr
        movq    0*8(%rsp), %rdi
        movq    1*8(%rsp), %rsi
        movq    2*8(%rsp), %rdx
        movq    3*8(%rsp), %rcx
        movq    4*8(%rsp), %r8
        movq    5*8(%rsp), %r9
        movq    6*8(%rsp), %rax
        movq    7*8(%rsp), %r10
        addq    $FIRST_SAVE, %rsp
        .cfi_adjust_cfa_offset -FIRST_SAVE
2:
.endm

/* Registers both conventions may pass arguments in, untouched so far. */
.macro  SAVE_REGISTERS
        movq    %rdi, SL_PR_RDI(%r11)
        movq    %rsi, SL_PR_RSI(%r11)
        movq    %rdx, SL_PR_RDX(%r11)
        movq    %rcx, SL_PR_RCX(%r11)
        movq    %r8,  SL_PR_R8(%r11)
        movq    %r9,  SL_PR_R9(%r11)
        movq    %rax, SL_PR_RAX(%r11)
        movq    %r10, SL_PR_R10(%r11)
        movdqu  %xmm0, SL_PR_XMM0+0*16(%r11)   /* all 16 bytes: a struct */
        movdqu  %xmm1, SL_PR_XMM0+1*16(%r11)   /* of two floats fills one */
        movdqu  %xmm2, SL_PR_XMM0+2*16(%r11)
        movdqu  %xmm3, SL_PR_XMM0+3*16(%r11)
        movdqu  %xmm4, SL_PR_XMM0+4*16(%r11)
        movdqu  %xmm5, SL_PR_XMM0+5*16(%r11)
        movdqu  %xmm6, SL_PR_XMM0+6*16(%r11)    /* read only: ms_abi's */
        movdqu  %xmm7, SL_PR_XMM0+7*16(%r11)    /* xmm6-15 stay intact */
        movq    %rsp, SL_PR_SP(%r11)
        movq    (%rsp), %rax
        movq    %rax, SL_PR_RET(%r11)
        xorl    %eax, %eax                      /* copy the stack arguments */
1:      movq    8(%rsp,%rax), %rcx              /* with rax and rcx only: */
        movq    %rcx, SL_PR_STACK(%r11,%rax)    /* rdi/rsi are ms_abi's */
        addq    $8, %rax
        cmpq    $SL_PR_STACK_BYTES, %rax
        jb      1b
        incl    SL_PR_COUNT(%r11)
.endm

        .text
        .globl  sl_probe
        .type   sl_probe, @function
        .p2align 4
sl_probe:
        .cfi_startproc                          /* a leaf, but on a thread's first probe */
        SNAPSHOT_ADDRESS
        SAVE_REGISTERS
        movl    $SL_PR_CONV_SYSV, SL_PR_CONV(%r11)
        movq    SL_PR_RDI(%r11), %rax           /* hidden sret pointer back */
        ret
        .cfi_endproc
        .size   sl_probe, .-sl_probe

        .globl  sl_probe_ms
        .type   sl_probe_ms, @function
        .p2align 4
sl_probe_ms:
        .cfi_startproc
        SNAPSHOT_ADDRESS
        SAVE_REGISTERS
        movl    $SL_PR_CONV_MS, SL_PR_CONV(%r11)
        movq    SL_PR_RCX(%r11), %rax           /* ms_abi's sret pointer is rcx */
        ret
        .cfi_endproc
        .size   sl_probe_ms, .-sl_probe_ms

        .section .note.GNU-stack, "", @progbits
