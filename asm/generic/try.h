/*
 * try.h (generic): SL_TRY's push, in C, where there is no context.S to do
 * it (see context.h beside this file).  It runs right after the save and
 * does what asm/x86_64/context.S's sl__try_enter does, in the same order:
 *
 *   the thread's first TRY, or one too many     -> sl__try_first
 *   the innermost record not above the new one  -> sl__try_check (nested in
 *                                                  the same function, or stale)
 *   push {t, site, check}; the check word (the saved stack pointer, mangled;
 *   t's own address where libc's _setjmp hides it) also goes into t's
 *   context, so a throw jumps only to a record that still holds it (rule 8).
 *
 * No assembly reaches into the structs, so their offsets are simply C's.
 */
#ifndef SL_ARCH_TRY_H
#define SL_ARCH_TRY_H

#include <stdatomic.h>
#include <stddef.h>

#define SL_H_TOP        offsetof(sl__handlers, top)
#define SL_H_LAST       offsetof(sl__handlers, last)
#define SL_SLOT_FRAME   offsetof(sl__slot, frame)
#define SL_SLOT_SITE    offsetof(sl__slot, site)
#define SL_SLOT_CHECK   offsetof(sl__slot, check)
#define SL_SLOT_SIZE    sizeof(sl__slot)
#define SL_TRY_PHASE    offsetof(sl__try, phase)

sl__slot *sl__try_first(const sl__site *site);
void sl__try_check(sl__try *t, uintptr_t sp);

static inline __attribute__((always_inline))
void sl__try_push(sl__try *t, const sl__site *site)
{
    sl__handlers *h = &sl__tls_handlers;
    sl__slot *top = h->top;
    uintptr_t sp = SL__SAVED_SP((void **)(void *)t->context.word);

    if (__builtin_expect(top >= h->last, 0))
        top = sl__try_first(site);
    if (__builtin_expect((uintptr_t)top->frame <= (uintptr_t)t, 0))
        sl__try_check(t, sp);
    t->phase = SL__BODY;
    top[1].frame = t;
    top[1].site = site;
    top[1].check = t->context.word[SL_CTX_SP / 8] = sl__ctx_mangle(sp ? sp : (uintptr_t)t);
    t->context.word[SL_CTX_PC / 8] = 0;
    h->top = top + 1;
    /* A fault in the body reads the record from the signal handler: the
     * compiler must not sink these stores below the body's first access. */
    atomic_signal_fence(memory_order_seq_cst);
}

#endif
