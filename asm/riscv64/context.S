/*
 * context.S (RISC-V, RV64 LP64D): a hand-written setjmp/longjmp, and the
 * jump behind SL_THROW.
 *
 *   int  sl_context_save(sl_context *ctx);                   returns 0
 *   void sl_context_restore(const sl_context *ctx, int v);   never returns:
 *        sl_context_save returns again, with v (0 becomes 1, as longjmp does)
 *
 *   int  sl__try_enter(sl__try *t, const sl__site *site);    SL_TRY's entry:
 *        pushes {t, site} on the thread's handler array, then saves t's
 *        context as above (t begins with it); a throw resumes it with 1
 *
 * Why it is enough to save so little: the RISC-V ABIs Specification
 * ("Integer Register Convention", "Floating-point Register Convention")
 * lets a call destroy every register but s0-s11, sp (and gp, tp, which
 * nothing here changes) and fs0-fs11.  As on AArch64 the return address
 * is a register (ra, x1), not a stack slot, and sp is the caller's own.
 *
 * Why the pointers are mangled: a context on the stack holds a stack
 * pointer and a code address; an overflow that rewrote them in the clear
 * would turn the next throw into a jump of the attacker's choosing.  XOR
 * with a per-process secret and a rotate make a forged value useless
 * without the secret.  Base RV64GC has no rotate instruction (it is in
 * the Zbb extension): two shifts and an or.
 *
 *   ctx ->  +0  s0 s1 ... s11   +96 sp (mangled)   +104 pc (mangled)
 *           +112 fs0 ... fs11                      +208 fcsr
 *
 *   registers at entry to sl_context_save:
 *        | caller's frame ... |
 *        | ...                |  <- sp   (saved as sp: `call` pushes nothing)
 *        ra = return address             (saved as pc)
 *
 * Why SL_TRY has an entry of its own: it is the one save on a hot path, so
 * the push of its handler record (except.h, rule 8) runs here and falls
 * through into the save, one call in all.  The save also copies the
 * mangled sp into the slot (t5 points at it): a throw jumps only to a
 * record that still holds that word.  The entry leaves out fcsr: a throw
 * leaves the floating-point control state as the thrower set it, as
 * longjmp and C++ throw do (sl__context_resume is the matching restore).
 *
 *   tp + off -> +0 top ---> slot[d]   { frame, site, check }  innermost
 *   (try.h)     +8 last     slot[d+1] { t,     site, sp'   }  <- pushed (t5)
 *
 * Thread-local storage, initial exec (RISC-V ELF psABI, "Thread Local
 * Storage"): tp is the thread pointer, la.tls.ie loads a variable's
 * offset from it out of the GOT.
 *
 * Preserves: everything a C caller relies on; the saves touch t0-t5 (and
 * the entry a0); the entry's slow paths call C.
 */
#include "context.h"
#include "try.h"

/* dst = rol(src ^ key, SL_CTX_ROTATE); tmp is scratch. */
.macro  MANGLE dst, src, key, tmp
        xor     \dst, \src, \key
        slli    \tmp, \dst, SL_CTX_ROTATE
        srli    \dst, \dst, 64 - SL_CTX_ROTATE
        or      \dst, \dst, \tmp
.endm

/* dst = ror(src, SL_CTX_ROTATE) ^ key; tmp is scratch. */
.macro  DEMANGLE dst, src, key, tmp
        srli    \tmp, \src, SL_CTX_ROTATE
        slli    \dst, \src, 64 - SL_CTX_ROTATE
        or      \dst, \dst, \tmp
        xor     \dst, \dst, \key
.endm

        .text
        .globl  sl_context_save
        .type   sl_context_save, @function
        .p2align 2
sl_context_save:
        .cfi_startproc
        frcsr   t0                              /* the floating-point control state, */
        sd      t0, SL_CTX_FCSR(a0)
        addi    t5, a0, SL_CTX_SIZE - SL_SLOT_CHECK /* no slot: the sp copy */
        j       .Lsave                          /* goes to a spare word; then the save */
        .cfi_endproc
        .size   sl_context_save, .-sl_context_save

        .globl  sl__try_enter
        .type   sl__try_enter, @function
        .p2align 2
sl__try_enter:
        .cfi_startproc
        la.tls.ie t0, sl__tls_handlers          /* t0 = &sl__tls_handlers */
        add     t0, t0, tp
        ld      t1, SL_H_TOP(t0)
        ld      t2, SL_H_LAST(t0)
        bgeu    t1, t2, .Lfirst                 /* first TRY of the thread, or too deep */
.Lcheck:
        ld      t2, SL_SLOT_FRAME(t1)
        bleu    t2, a0, .Lnot_above             /* innermost record not above t */
.Lpush:
        sw      zero, SL_TRY_PHASE(a0)          /* SL__BODY */
        addi    t5, t1, SL_SLOT_SIZE            /* the new slot */
        sd      a0, SL_SLOT_FRAME(t5)
        sd      a1, SL_SLOT_SITE(t5)
        sd      t5, SL_H_TOP(t0)
.Lsave:                                         /* every save: a0 = the context, */
                                                /* t5 = where the sp copy goes */
        sd      s0, SL_CTX_S0 + 0(a0)
        sd      s1, SL_CTX_S0 + 8(a0)
        sd      s2, SL_CTX_S0 + 16(a0)
        sd      s3, SL_CTX_S0 + 24(a0)
        sd      s4, SL_CTX_S0 + 32(a0)
        sd      s5, SL_CTX_S0 + 40(a0)
        sd      s6, SL_CTX_S0 + 48(a0)
        sd      s7, SL_CTX_S0 + 56(a0)
        sd      s8, SL_CTX_S0 + 64(a0)
        sd      s9, SL_CTX_S0 + 72(a0)
        sd      s10, SL_CTX_S0 + 80(a0)
        sd      s11, SL_CTX_S0 + 88(a0)
        fsd     fs0, SL_CTX_FS0 + 0(a0)
        fsd     fs1, SL_CTX_FS0 + 8(a0)
        fsd     fs2, SL_CTX_FS0 + 16(a0)
        fsd     fs3, SL_CTX_FS0 + 24(a0)
        fsd     fs4, SL_CTX_FS0 + 32(a0)
        fsd     fs5, SL_CTX_FS0 + 40(a0)
        fsd     fs6, SL_CTX_FS0 + 48(a0)
        fsd     fs7, SL_CTX_FS0 + 56(a0)
        fsd     fs8, SL_CTX_FS0 + 64(a0)
        fsd     fs9, SL_CTX_FS0 + 72(a0)
        fsd     fs10, SL_CTX_FS0 + 80(a0)
        fsd     fs11, SL_CTX_FS0 + 88(a0)
        lla     t0, sl__context_secret
        ld      t0, 0(t0)
        MANGLE  t1, sp, t0, t2                  /* the caller's sp: nothing was pushed */
        sd      t1, SL_CTX_SP(a0)
        sd      t1, SL_SLOT_CHECK(t5)           /* the slot's copy (rule 8) */
        MANGLE  t1, ra, t0, t2                  /* our return address */
        sd      t1, SL_CTX_PC(a0)
        li      a0, 0                           /* first return: 0 */
        ret

.Lfirst:                                        /* t1 = sl__try_first(site) */
        addi    sp, sp, -32
        .cfi_def_cfa_offset 32
        sd      ra, 24(sp)
        .cfi_offset ra, -8
        sd      a0, 8(sp)
        sd      a1, 0(sp)
        mv      a0, a1
        call    sl__try_first                   /* aborts when too deep */
        mv      t1, a0
        ld      a0, 8(sp)
        ld      a1, 0(sp)
        ld      ra, 24(sp)
        .cfi_restore ra
        addi    sp, sp, 32
        .cfi_def_cfa_offset 0
        la.tls.ie t0, sl__tls_handlers
        add     t0, t0, tp
        j       .Lcheck

.Lnot_above:                                    /* sl__try_check(t, caller's sp) */
        addi    sp, sp, -32
        .cfi_def_cfa_offset 32
        sd      ra, 24(sp)
        .cfi_offset ra, -8
        sd      t1, 16(sp)
        sd      a0, 8(sp)
        sd      a1, 0(sp)
        addi    a1, sp, 32                      /* sp at entry */
        call    sl__try_check                   /* aborts when the record is stale */
        ld      t1, 16(sp)
        ld      a0, 8(sp)
        ld      a1, 0(sp)
        ld      ra, 24(sp)
        .cfi_restore ra
        addi    sp, sp, 32
        .cfi_def_cfa_offset 0
        la.tls.ie t0, sl__tls_handlers
        add     t0, t0, tp
        j       .Lpush
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
        .p2align 2
sl_context_restore:
sl__context_restore:
        .cfi_startproc
        ld      t0, SL_CTX_FCSR(a0)             /* the floating-point control state */
        fscsr   t0
sl__context_resume:                             /* a throw's jump: all but that */
        seqz    t0, a1                          /* v, or 1 when v == 0 */
        add     a1, a1, t0
        lla     t0, sl__context_secret
        ld      t0, 0(t0)
        ld      t1, SL_CTX_SP(a0)
        DEMANGLE t3, t1, t0, t2
        ld      t1, SL_CTX_PC(a0)
        DEMANGLE t4, t1, t0, t2
        ld      s0, SL_CTX_S0 + 0(a0)
        ld      s1, SL_CTX_S0 + 8(a0)
        ld      s2, SL_CTX_S0 + 16(a0)
        ld      s3, SL_CTX_S0 + 24(a0)
        ld      s4, SL_CTX_S0 + 32(a0)
        ld      s5, SL_CTX_S0 + 40(a0)
        ld      s6, SL_CTX_S0 + 48(a0)
        ld      s7, SL_CTX_S0 + 56(a0)
        ld      s8, SL_CTX_S0 + 64(a0)
        ld      s9, SL_CTX_S0 + 72(a0)
        ld      s10, SL_CTX_S0 + 80(a0)
        ld      s11, SL_CTX_S0 + 88(a0)
        fld     fs0, SL_CTX_FS0 + 0(a0)
        fld     fs1, SL_CTX_FS0 + 8(a0)
        fld     fs2, SL_CTX_FS0 + 16(a0)
        fld     fs3, SL_CTX_FS0 + 24(a0)
        fld     fs4, SL_CTX_FS0 + 32(a0)
        fld     fs5, SL_CTX_FS0 + 40(a0)
        fld     fs6, SL_CTX_FS0 + 48(a0)
        fld     fs7, SL_CTX_FS0 + 56(a0)
        fld     fs8, SL_CTX_FS0 + 64(a0)
        fld     fs9, SL_CTX_FS0 + 72(a0)
        fld     fs10, SL_CTX_FS0 + 80(a0)
        fld     fs11, SL_CTX_FS0 + 88(a0)
        mv      sp, t3                          /* back on the saver's stack */
        mv      a0, a1
        jr      t4                              /* and into its call site */
        .cfi_endproc
        .size   sl_context_restore, .-sl_context_restore
        .size   sl__context_restore, .-sl__context_restore
        .size   sl__context_resume, .-sl__context_resume

        .hidden sl__context_secret
        .hidden sl__try_first
        .hidden sl__try_check
        .section .note.GNU-stack, "", @progbits
