/*
 * context.h (generic): SL_TRY's context where stacklab has no context.S for
 * the architecture.  The drop-in header uses it on every architecture but
 * x86-64 (ARM, RISC-V, POWER, ...); the library's own ports have assembly.
 *
 * The save is the compiler's __builtin_setjmp (gcc and clang): it stores
 * only the frame pointer, the resume label and the stack pointer, because
 * the compiler itself saves every callee-saved register of a function that
 * calls it, in that function's prologue.  So the save costs three stores,
 * and no system call (glibc's sigsetjmp(env, 1) costs one per save).  It
 * must run in the frame it saves, so SL_TRY expands to the push of the
 * handler record (try.h, beside this file) followed by the save, in the
 * function that holds the TRY, and there is no separate sl_context_save.
 * Without __builtin_setjmp (another compiler), _setjmp/_longjmp do the
 * same, as POSIX defines them: no signal mask saved.
 *
 *   sl_context.word   [0..4]   __builtin_setjmp's buffer (5 pointers: the
 *                              frame pointer, the resume label, the stack
 *                              pointer, ...)
 *                     [6]      the record's check word: the saved stack
 *                              pointer, mangled (SL_CTX_SP)
 *                     [7]      0: the resume pc is not kept (SL_CTX_PC)
 */
#ifndef SL_ARCH_CONTEXT_H
#define SL_ARCH_CONTEXT_H

#include <stdint.h>

#if defined(__GNUC__) && !defined(SL_USE_SETJMP)
#define SL__SETJMP(buf)  __builtin_setjmp(buf)
#define SL__LONGJMP(buf) __builtin_longjmp(buf, 1)
#define SL__SAVED_SP(buf) ((uintptr_t)(buf)[2])  /* gcc's and clang's layout */
/* clang does not treat a second return of __builtin_setjmp as a point
 * where memory may have changed: a global the body changed (through any
 * call) would read back as it was at the save.  Say so, where a throw lands. */
#define SL__LANDED()     sl__landed()
static inline void sl__landed(void)
{
    __asm__ volatile("" ::: "memory");
}
#else
#include <setjmp.h>
#define SL__SETJMP(buf)  _setjmp(*(jmp_buf *)(void *)(buf))
#define SL__LONGJMP(buf) _longjmp(*(jmp_buf *)(void *)(buf), 1)
#define SL__SAVED_SP(buf) ((uintptr_t)0)         /* mangled by libc: unknown */
#define SL__LANDED()     ((void)0)              /* (_setjmp is a real call) */
#endif

#define SL_CTX_SP       48
#define SL_CTX_PC       56
#define SL_CTX_SIZE     64
#define SL_CTX_ROTATE   17

/* SL_TRY's entry: save in the TRY's own frame, then push the record (the
 * push reads the saved stack pointer for its check); 1 when a throw lands. */
#define SL__TRY_ENTER(t, site) \
    (SL__SETJMP((void **)(void *)(t)->context.word) ? (SL__LANDED(), 1) \
                                                     : (sl__try_push((t), (site)), 0))

extern uint64_t sl__context_secret;

/* The floating-point control state a throw out of a signal handler leaves
 * (except.h, rule 7).  On ARM and RISC-V Linux a handler runs with the
 * interrupted code's FPCR/FPSCR/fcsr already, so there is nothing to do.
 * (On x86-64 a handler starts with the default MXCSR: there the drop-in
 * uses asm/x86_64, whose context.h restores it; SL_DROPIN_PORTABLE on
 * x86-64 does not.) */
static inline void sl__fp_control_from_signal(const void *ucontext)
{
    (void)ucontext;
}

/* A throw's jump (context.c beside this file). */
struct sl_context;
__attribute__((noreturn)) void sl__context_resume(const struct sl_context *ctx, int value);

static inline uint64_t sl__ctx_mangle(uint64_t v)
{
    v ^= sl__context_secret;
    return (v << SL_CTX_ROTATE) | (v >> (64 - SL_CTX_ROTATE));
}

static inline uint64_t sl__ctx_demangle(uint64_t v)
{
    v = (v >> SL_CTX_ROTATE) | (v << (64 - SL_CTX_ROTATE));
    return v ^ sl__context_secret;
}

#endif
