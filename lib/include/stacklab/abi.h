/*
 * stacklab/abi.h: the calling convention made visible.
 *
 * Hand-written assembly in asm/<arch>/ paired with C entry points: a context
 * save/restore (a setjmp/longjmp you can read), prologue/epilogue shims,
 * an argument probe and a checked call.
 */
#ifndef STACKLAB_ABI_H
#define STACKLAB_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(default)

/* ---- Context save/restore (asm/<arch>/context.S) ---------------------- */

/* Room for any supported architecture's callee-saved state; x86-64 uses
 * the first 9 words (see asm/x86_64/context.h for the layout). */
#define SL_CONTEXT_WORDS 32

/* A saved execution context.  A complete type, so it can live on the stack. */
typedef struct sl_context {
    uint64_t word[SL_CONTEXT_WORDS];
} sl_context;

/* Saves the callee-saved registers, stack pointer and return address in ctx.
 * Returns 0 when saving, and again (with the value passed to
 * sl_context_restore) each time the context is resumed.  Like setjmp, the
 * function that called it must not have returned before the restore, and
 * its locals changed after the save must be volatile to be read back. */
int sl_context_save(sl_context *ctx) __attribute__((returns_twice));

/* Resumes ctx: sl_context_save returns value (0 becomes 1). */
__attribute__((noreturn))
void sl_context_restore(const sl_context *ctx, int value);

#pragma GCC visibility pop

#endif
