/*
 * stacklab/context.h: a saved execution context, the jump behind SL_THROW.
 *
 * sl_context_save/sl_context_restore are a setjmp/longjmp you can read: the
 * hand-written routines are asm/<arch>/context.S.  The exceptions
 * (except.h) keep one sl_context in every SL_TRY; abi.h lists its slots for
 * display.  This header is separate so that except.h, and the drop-in
 * header made from it, need nothing else of abi.h.
 *
 * Where an architecture has no context.S (the drop-in on an architecture
 * stacklab has no assembly for), SL_TRY saves with the compiler's
 * __builtin_setjmp, which must run in the frame it saves: there is then no
 * sl_context_save function (asm/generic/context.h says more).
 */
#ifndef STACKLAB_CONTEXT_H
#define STACKLAB_CONTEXT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/* On the hot paths a program calls the library through its GOT entry
 * instead of the PLT (gcc's noplt): one jump less per SL_TRY and per throw.
 * clang has no such attribute. */
#if defined(__GNUC__) && !defined(__clang__)
#define SL_NOPLT __attribute__((noplt))
#else
#define SL_NOPLT
#endif

/* ---- Context save/restore (asm/<arch>/context.S) ---------------------- */

/* Room for any supported architecture's callee-saved state; x86-64 uses
 * the first 9 words (see asm/x86_64/context.h for the layout). */
#define SL_CONTEXT_WORDS 32

/* A saved execution context.  A complete type, so it can live on the stack. */
typedef struct sl_context {
    uint64_t word[SL_CONTEXT_WORDS];
} sl_context;

#ifndef SL_CONTEXT_GENERIC
/* Saves the callee-saved registers, stack pointer and return address in ctx.
 * Returns 0 when saving, and again (with the value passed to
 * sl_context_restore) each time the context is resumed.  Like setjmp, the
 * function that called it must not have returned before the restore, and
 * its locals changed after the save must be volatile to be read back. */
int sl_context_save(sl_context *ctx) __attribute__((returns_twice)) SL_NOPLT;

/* Resumes ctx: sl_context_save returns value (0 becomes 1). */
__attribute__((noreturn))
void sl_context_restore(const sl_context *ctx, int value);
#endif

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
