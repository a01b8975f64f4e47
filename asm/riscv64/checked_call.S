/*
 * checked_call.S (RISC-V): call a function and catch it breaking the
 * callee-saved contract, as ABI test harnesses check hand-written assembly.
 *
 *   void sl__checked_call_asm(struct sl__check_frame *f);     (internal)
 *   C entry point: sl_checked_call() in lib/arch/riscv64/abi_riscv64.c
 *
 * Loads s0-s11, fs0-fs11 and fcsr with the canaries in f, calls
 * f->fn(a, b, c, d), then records every callee-saved register, sp and
 * fcsr as fn left them and puts the caller's back.
 *
 * ABI rules relied on (RISC-V ABIs Specification):
 *  - "Integer Register Convention": s0-s11 and sp are callee-saved, t0-t6
 *    scratch; the stack pointer is 16-byte aligned at a call;
 *  - "Floating-point Register Convention": fs0-fs11 are callee-saved, and
 *    fcsr's rounding mode (frm) belongs to the caller.
 * Preserves: s0-s11, sp, fs0-fs11 and fcsr of its caller, whatever fn did
 *   to them.  After fn returns no register is trusted, not even sp: f is
 *   found again through a thread-local (tp is out of fn's reach) and our
 *   stack through f->before_sp.  s0 holds a canary during the call, so the
 *   CFA stays sp-based.
 *
 *   our frame while fn runs                 f (checked_call.h)
 *   | (caller's frame)  | <- CFA            | fn, args a b c d         |
 *   | ra                | CFA-8             | canaries: s0..s11,       |
 *   | caller's s0..s11  | CFA-16 .. CFA-104 |           fs0..fs11, fcsr|
 *   | caller's fs0..fs11| CFA-112 .. CFA-200| after: the same, sp,     |
 *   | caller's fcsr     | CFA-208 <- sp = before_sp        result    |
 */
#include "checked_call.h"

#define FRAME   208

        .text
        .globl  sl__checked_call_asm
        .hidden sl__checked_call_asm
        .type   sl__checked_call_asm, @function
        .p2align 2
sl__checked_call_asm:
        .cfi_startproc
        addi    sp, sp, -FRAME
        .cfi_def_cfa_offset FRAME
        sd      ra, FRAME-8(sp)
        .cfi_offset ra, -8
        sd      s0, 192(sp)
        .cfi_offset s0, -16
        sd      s1, 184(sp)
        .cfi_offset s1, -24
        sd      s2, 176(sp)
        .cfi_offset s2, -32
        sd      s3, 168(sp)
        .cfi_offset s3, -40
        sd      s4, 160(sp)
        .cfi_offset s4, -48
        sd      s5, 152(sp)
        .cfi_offset s5, -56
        sd      s6, 144(sp)
        .cfi_offset s6, -64
        sd      s7, 136(sp)
        .cfi_offset s7, -72
        sd      s8, 128(sp)
        .cfi_offset s8, -80
        sd      s9, 120(sp)
        .cfi_offset s9, -88
        sd      s10, 112(sp)
        .cfi_offset s10, -96
        sd      s11, 104(sp)
        .cfi_offset s11, -104
        fsd     fs0, 96(sp)
        .cfi_offset fs0, -112
        fsd     fs1, 88(sp)
        .cfi_offset fs1, -120
        fsd     fs2, 80(sp)
        .cfi_offset fs2, -128
        fsd     fs3, 72(sp)
        .cfi_offset fs3, -136
        fsd     fs4, 64(sp)
        .cfi_offset fs4, -144
        fsd     fs5, 56(sp)
        .cfi_offset fs5, -152
        fsd     fs6, 48(sp)
        .cfi_offset fs6, -160
        fsd     fs7, 40(sp)
        .cfi_offset fs7, -168
        fsd     fs8, 32(sp)
        .cfi_offset fs8, -176
        fsd     fs9, 24(sp)
        .cfi_offset fs9, -184
        fsd     fs10, 16(sp)
        .cfi_offset fs10, -192
        fsd     fs11, 8(sp)
        .cfi_offset fs11, -200
        frcsr   t0
        sd      t0, 0(sp)
        sd      sp, SL_CK_BEFORE_SP(a0)         /* what sp must be after fn */
        la.tls.ie t0, sl__check_current         /* sl__check_current = f */
        add     t0, t0, tp
        sd      a0, 0(t0)
        ld      s0, SL_CK_CANARY + 0(a0)
        ld      s1, SL_CK_CANARY + 8(a0)
        ld      s2, SL_CK_CANARY + 16(a0)
        ld      s3, SL_CK_CANARY + 24(a0)
        ld      s4, SL_CK_CANARY + 32(a0)
        ld      s5, SL_CK_CANARY + 40(a0)
        ld      s6, SL_CK_CANARY + 48(a0)
        ld      s7, SL_CK_CANARY + 56(a0)
        ld      s8, SL_CK_CANARY + 64(a0)
        ld      s9, SL_CK_CANARY + 72(a0)
        ld      s10, SL_CK_CANARY + 80(a0)
        ld      s11, SL_CK_CANARY + 88(a0)
        fld     fs0, SL_CK_CANARY + SL_CK_FS0 + 0(a0)
        fld     fs1, SL_CK_CANARY + SL_CK_FS0 + 8(a0)
        fld     fs2, SL_CK_CANARY + SL_CK_FS0 + 16(a0)
        fld     fs3, SL_CK_CANARY + SL_CK_FS0 + 24(a0)
        fld     fs4, SL_CK_CANARY + SL_CK_FS0 + 32(a0)
        fld     fs5, SL_CK_CANARY + SL_CK_FS0 + 40(a0)
        fld     fs6, SL_CK_CANARY + SL_CK_FS0 + 48(a0)
        fld     fs7, SL_CK_CANARY + SL_CK_FS0 + 56(a0)
        fld     fs8, SL_CK_CANARY + SL_CK_FS0 + 64(a0)
        fld     fs9, SL_CK_CANARY + SL_CK_FS0 + 72(a0)
        fld     fs10, SL_CK_CANARY + SL_CK_FS0 + 80(a0)
        fld     fs11, SL_CK_CANARY + SL_CK_FS0 + 88(a0)
        ld      t0, SL_CK_FCSR_CANARY(a0)
        fscsr   t0
        ld      t1, SL_CK_FN(a0)
        ld      a1, SL_CK_ARGS + 8(a0)          /* b */
        ld      a2, SL_CK_ARGS + 16(a0)         /* c */
        ld      a3, SL_CK_ARGS + 24(a0)         /* d */
        ld      a0, SL_CK_ARGS + 0(a0)          /* a, last: a0 was f */
        jalr    t1
        la.tls.ie t0, sl__check_current         /* t0 = f, found through TLS */
        add     t0, t0, tp
        ld      t0, 0(t0)
        sd      a0, SL_CK_RESULT(t0)
        sd      s0, SL_CK_AFTER + 0(t0)
        sd      s1, SL_CK_AFTER + 8(t0)
        sd      s2, SL_CK_AFTER + 16(t0)
        sd      s3, SL_CK_AFTER + 24(t0)
        sd      s4, SL_CK_AFTER + 32(t0)
        sd      s5, SL_CK_AFTER + 40(t0)
        sd      s6, SL_CK_AFTER + 48(t0)
        sd      s7, SL_CK_AFTER + 56(t0)
        sd      s8, SL_CK_AFTER + 64(t0)
        sd      s9, SL_CK_AFTER + 72(t0)
        sd      s10, SL_CK_AFTER + 80(t0)
        sd      s11, SL_CK_AFTER + 88(t0)
        fsd     fs0, SL_CK_AFTER + SL_CK_FS0 + 0(t0)
        fsd     fs1, SL_CK_AFTER + SL_CK_FS0 + 8(t0)
        fsd     fs2, SL_CK_AFTER + SL_CK_FS0 + 16(t0)
        fsd     fs3, SL_CK_AFTER + SL_CK_FS0 + 24(t0)
        fsd     fs4, SL_CK_AFTER + SL_CK_FS0 + 32(t0)
        fsd     fs5, SL_CK_AFTER + SL_CK_FS0 + 40(t0)
        fsd     fs6, SL_CK_AFTER + SL_CK_FS0 + 48(t0)
        fsd     fs7, SL_CK_AFTER + SL_CK_FS0 + 56(t0)
        fsd     fs8, SL_CK_AFTER + SL_CK_FS0 + 64(t0)
        fsd     fs9, SL_CK_AFTER + SL_CK_FS0 + 72(t0)
        fsd     fs10, SL_CK_AFTER + SL_CK_FS0 + 80(t0)
        fsd     fs11, SL_CK_AFTER + SL_CK_FS0 + 88(t0)
        frcsr   t1
        sd      t1, SL_CK_FCSR_AFTER(t0)
        sd      sp, SL_CK_AFTER_SP(t0)
        ld      sp, SL_CK_BEFORE_SP(t0)         /* our frame, whatever fn did */
        ld      t1, 0(sp)
        fscsr   t1
        fld     fs11, 8(sp)
        .cfi_restore fs11
        fld     fs10, 16(sp)
        .cfi_restore fs10
        fld     fs9, 24(sp)
        .cfi_restore fs9
        fld     fs8, 32(sp)
        .cfi_restore fs8
        fld     fs7, 40(sp)
        .cfi_restore fs7
        fld     fs6, 48(sp)
        .cfi_restore fs6
        fld     fs5, 56(sp)
        .cfi_restore fs5
        fld     fs4, 64(sp)
        .cfi_restore fs4
        fld     fs3, 72(sp)
        .cfi_restore fs3
        fld     fs2, 80(sp)
        .cfi_restore fs2
        fld     fs1, 88(sp)
        .cfi_restore fs1
        fld     fs0, 96(sp)
        .cfi_restore fs0
        ld      s11, 104(sp)
        .cfi_restore s11
        ld      s10, 112(sp)
        .cfi_restore s10
        ld      s9, 120(sp)
        .cfi_restore s9
        ld      s8, 128(sp)
        .cfi_restore s8
        ld      s7, 136(sp)
        .cfi_restore s7
        ld      s6, 144(sp)
        .cfi_restore s6
        ld      s5, 152(sp)
        .cfi_restore s5
        ld      s4, 160(sp)
        .cfi_restore s4
        ld      s3, 168(sp)
        .cfi_restore s3
        ld      s2, 176(sp)
        .cfi_restore s2
        ld      s1, 184(sp)
        .cfi_restore s1
        ld      s0, 192(sp)
        .cfi_restore s0
        ld      ra, FRAME-8(sp)
        .cfi_restore ra
        addi    sp, sp, FRAME
        .cfi_def_cfa_offset 0
        ret
        .cfi_endproc
        .size   sl__checked_call_asm, .-sl__checked_call_asm

        .hidden sl__check_current
        .section .note.GNU-stack, "", @progbits
