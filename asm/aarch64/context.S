/*
 * context.S (AArch64): a hand-written setjmp/longjmp, and the jump behind
 * SL_THROW.
 *
 *   int  sl_context_save(sl_context *ctx);                   returns 0
 *   void sl_context_restore(const sl_context *ctx, int v);   never returns:
 *        sl_context_save returns again, with v (0 becomes 1, as longjmp does)
 *
 *   int  sl__try_enter(sl__try *t, const sl__site *site);    SL_TRY's entry:
 *        pushes {t, site} on the thread's handler array, then saves t's
 *        context as above (t begins with it); a throw resumes it with 1
 *
 * Why it is enough to save so little: the Procedure Call Standard for the
 * Arm 64-bit Architecture (AAPCS64) lets a call destroy every register but
 * x19-x29 and sp (6.1.1, "General-purpose Registers") and the low 64 bits
 * of v8-v15, d8-d15 (6.1.2, "SIMD and Floating-Point Registers").  Unlike
 * x86-64, the return address is not on the stack but in the link register
 * x30 (6.1.1: "LR"), so it is saved as a register, and the stack pointer
 * saved is the caller's own: no return address sits between them.
 *
 * Why the pointers are mangled: a context on the stack holds a stack
 * pointer and a code address; an overflow that rewrote them in the clear
 * would turn the next throw into a jump of the attacker's choosing.  XOR
 * with a per-process secret and a rotate make a forged value useless
 * without the secret (glibc mangles sp and x30 in its jmp_buf the same way).
 *
 *   ctx ->  +0  x19 x20 ... x28   +80 x29   +88 sp (mangled)   +96 pc (mangled)
 *           +104 d8 ... d15                 +168 fpcr
 *
 *   registers at entry to sl_context_save:
 *        | caller's frame ... |
 *        | ...                |  <- sp   (saved as sp: the caller's, unchanged
 *                                         by a bl, which pushes nothing)
 *        x30 = return address            (saved as pc)
 *
 * Why SL_TRY has an entry of its own: it is the one save on a hot path, so
 * the push of its handler record (except.h, rule 8: a record later calls
 * cannot overwrite) runs here and falls through into the save, one call in
 * all.  The save also copies the mangled sp into the slot (x12 points at
 * it): a throw jumps only to a record that still holds that word.  The
 * entry leaves out FPCR: a throw leaves the floating-point control state
 * as the thrower set it, as longjmp and C++ throw do (sl__context_resume is
 * the matching restore).  d8-d15 it must keep: they are callee-saved here.
 *
 *   tpidr_el0 + off -> +0 top ---> slot[d]   { frame, site, check }  innermost
 *   (try.h)            +8 last     slot[d+1] { t,     site, sp'   }  <- pushed (x12)
 *
 * Thread-local storage, initial exec (ELF for the Arm 64-bit Architecture,
 * "Thread-local storage"): tpidr_el0 is the thread pointer, and the GOT
 * holds each variable's offset from it.
 *
 * Preserves: everything a C caller relies on; the saves touch x9-x12 (and
 * the entry x0); the entry's slow paths call C.
 */
#include "context.h"
#include "try.h"

/* x9 = &sl__tls_handlers for this thread; touches tmp (x10 or x11). */
.macro  HANDLERS_ADDRESS tmp=x10
        mrs     x9, tpidr_el0
        adrp    \tmp, :gottprel:sl__tls_handlers
        ldr     \tmp, [\tmp, #:gottprel_lo12:sl__tls_handlers]
        add     x9, x9, \tmp
.endm

        .text
        .globl  sl_context_save
        .type   sl_context_save, %function
        .p2align 4
sl_context_save:
        .cfi_startproc
        mrs     x9, fpcr                        /* the floating-point control state, */
        str     x9, [x0, #SL_CTX_FPCR]
        add     x12, x0, #(SL_CTX_SIZE - SL_SLOT_CHECK) /* no slot: the sp copy */
        b       .Lsave                          /* goes to a spare word; then the save */
        .cfi_endproc
        .size   sl_context_save, .-sl_context_save

        .globl  sl__try_enter
        .type   sl__try_enter, %function
        .p2align 4
sl__try_enter:
        .cfi_startproc
        HANDLERS_ADDRESS
        ldr     x10, [x9, #SL_H_TOP]
        ldr     x11, [x9, #SL_H_LAST]
        cmp     x10, x11
        b.hs    .Lfirst                         /* first TRY of the thread, or too deep */
.Lcheck:
        ldr     x11, [x10, #SL_SLOT_FRAME]
        cmp     x11, x0                         /* innermost record above t? */
        b.ls    .Lnot_above                     /* (a nested TRY, or a stale one) */
.Lpush:
        str     wzr, [x0, #SL_TRY_PHASE]        /* SL__BODY */
        add     x12, x10, #SL_SLOT_SIZE         /* the new slot */
        str     x0, [x12, #SL_SLOT_FRAME]
        str     x1, [x12, #SL_SLOT_SITE]
        str     x12, [x9, #SL_H_TOP]
.Lsave:                                         /* every save: x0 = the context, */
                                                /* x12 = where the sp copy goes */
        stp     x19, x20, [x0, #SL_CTX_X19 + 0]
        stp     x21, x22, [x0, #SL_CTX_X19 + 16]
        stp     x23, x24, [x0, #SL_CTX_X19 + 32]
        stp     x25, x26, [x0, #SL_CTX_X19 + 48]
        stp     x27, x28, [x0, #SL_CTX_X19 + 64]
        str     x29, [x0, #SL_CTX_X29]
        stp     d8, d9, [x0, #SL_CTX_D8 + 0]
        stp     d10, d11, [x0, #SL_CTX_D8 + 16]
        stp     d12, d13, [x0, #SL_CTX_D8 + 32]
        stp     d14, d15, [x0, #SL_CTX_D8 + 48]
        adrp    x9, sl__context_secret
        ldr     x9, [x9, #:lo12:sl__context_secret]
        mov     x10, sp                         /* the caller's sp: bl pushed nothing */
        eor     x10, x10, x9
        ror     x10, x10, #(64 - SL_CTX_ROTATE)
        str     x10, [x0, #SL_CTX_SP]
        str     x10, [x12, #SL_SLOT_CHECK]      /* the slot's copy (rule 8) */
        eor     x11, x30, x9                    /* our return address */
        ror     x11, x11, #(64 - SL_CTX_ROTATE)
        str     x11, [x0, #SL_CTX_PC]
        mov     w0, #0                          /* first return: 0 */
        ret

.Lfirst:                                        /* x10 = sl__try_first(site) */
        stp     x29, x30, [sp, #-32]!
        .cfi_def_cfa_offset 32
        .cfi_offset x29, -32
        .cfi_offset x30, -24
        mov     x29, sp
        stp     x0, x1, [sp, #16]
        mov     x0, x1
        bl      sl__try_first                   /* aborts when too deep */
        mov     x10, x0
        ldp     x0, x1, [sp, #16]
        ldp     x29, x30, [sp], #32
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
        HANDLERS_ADDRESS x11
        b       .Lcheck

.Lnot_above:                                    /* sl__try_check(t, caller's sp) */
        stp     x29, x30, [sp, #-48]!
        .cfi_def_cfa_offset 48
        .cfi_offset x29, -48
        .cfi_offset x30, -40
        mov     x29, sp
        stp     x0, x1, [sp, #16]
        str     x10, [sp, #32]
        add     x1, sp, #48                     /* sp at entry */
        bl      sl__try_check                   /* aborts when the record is stale */
        ldp     x0, x1, [sp, #16]
        ldr     x10, [sp, #32]
        ldp     x29, x30, [sp], #48
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
        HANDLERS_ADDRESS x11
        b       .Lpush
        .cfi_endproc
        .size   sl__try_enter, .-sl__try_enter

        .globl  sl_context_restore
        .type   sl_context_restore, %function
        .globl  sl__context_restore             /* the same code, for the library's */
        .hidden sl__context_restore             /* own calls: no PLT in between */
        .type   sl__context_restore, %function
        .globl  sl__context_resume
        .hidden sl__context_resume
        .type   sl__context_resume, %function
        .p2align 4
sl_context_restore:
sl__context_restore:
        .cfi_startproc
        ldr     x9, [x0, #SL_CTX_FPCR]          /* the floating-point control state */
        msr     fpcr, x9
sl__context_resume:                             /* a throw's jump: all but that */
#ifdef __SANITIZE_ADDRESS__
        /* ASan poisons the frames we are about to abandon; tell it. */
        stp     x29, x30, [sp, #-32]!
        .cfi_def_cfa_offset 32
        .cfi_offset x29, -32
        .cfi_offset x30, -24
        stp     x0, x1, [sp, #16]
        bl      __asan_handle_no_return
        ldp     x0, x1, [sp, #16]
        ldp     x29, x30, [sp], #32
        .cfi_def_cfa_offset 0
        .cfi_restore x29
        .cfi_restore x30
#endif
        cmp     w1, #0
        csinc   w2, w1, wzr, ne                 /* v, or 1 when v == 0 */
        adrp    x9, sl__context_secret
        ldr     x9, [x9, #:lo12:sl__context_secret]
        ldr     x10, [x0, #SL_CTX_SP]
        ror     x10, x10, #SL_CTX_ROTATE
        eor     x10, x10, x9
        ldr     x11, [x0, #SL_CTX_PC]
        ror     x11, x11, #SL_CTX_ROTATE
        eor     x11, x11, x9
        ldp     x19, x20, [x0, #SL_CTX_X19 + 0]
        ldp     x21, x22, [x0, #SL_CTX_X19 + 16]
        ldp     x23, x24, [x0, #SL_CTX_X19 + 32]
        ldp     x25, x26, [x0, #SL_CTX_X19 + 48]
        ldp     x27, x28, [x0, #SL_CTX_X19 + 64]
        ldr     x29, [x0, #SL_CTX_X29]
        ldp     d8, d9, [x0, #SL_CTX_D8 + 0]
        ldp     d10, d11, [x0, #SL_CTX_D8 + 16]
        ldp     d12, d13, [x0, #SL_CTX_D8 + 32]
        ldp     d14, d15, [x0, #SL_CTX_D8 + 48]
        mov     sp, x10                         /* back on the saver's stack */
        mov     w0, w2
        br      x11                             /* and into its call site */
        .cfi_endproc
        .size   sl_context_restore, .-sl_context_restore
        .size   sl__context_restore, .-sl__context_restore
        .size   sl__context_resume, .-sl__context_resume

        .hidden sl__context_secret
        .hidden sl__try_first
        .hidden sl__try_check
        .section .note.GNU-stack, "", %progbits
