/*
 * context.h: the layout of an sl_context on AArch64, shared by context.S and C.
 *
 * sl_context_save() stores the registers a C function must find unchanged
 * when a call returns (AAPCS64 6.1.1 "General-purpose Registers": x19-x29
 * and sp; 6.1.2 "SIMD and Floating-Point Registers": the low 64 bits of
 * v8-v15, that is d8-d15), plus where to resume: the caller's stack
 * pointer and the link register x30 (the return address).  The stack
 * pointer and the return address are stored mangled (see context.S).  The
 * C struct below is the same bytes with names; the _Static_asserts keep the
 * two views in step.
 *
 *   offset  slot                      offset  slot
 *        0  x19                           96  pc    mangled: x30 at the call
 *      ...  x20 .. x28 (8 bytes each)    104  d8
 *       80  x29 (the frame pointer)      ...  d9 .. d15
 *       88  sp     mangled: the stack    168  fpcr  (rounding mode, ...)
 *                  pointer at the call
 */
#ifndef SL_ARCH_CONTEXT_H
#define SL_ARCH_CONTEXT_H

#define SL_CTX_X19      0               /* x19 .. x28 at SL_CTX_X19 + 8 * (n - 19) */
#define SL_CTX_X29      80
#define SL_CTX_SP       88
#define SL_CTX_PC       96
#define SL_CTX_D8       104             /* d8 .. d15 at SL_CTX_D8 + 8 * (n - 8) */
#define SL_CTX_FPCR     168
#define SL_CTX_SIZE     176

/* Pointer mangling: mangled = rol(pointer ^ secret, SL_CTX_ROTATE), as on
 * every architecture (AArch64 rotates right only: rol 17 = ror 47). */
#define SL_CTX_ROTATE   17

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct sl_context_aarch64 {
    uint64_t x[10];                     /* x19 .. x28 */
    uint64_t x29;
    uint64_t sp_mangled, pc_mangled;
    uint64_t d[8];                      /* d8 .. d15 */
    uint64_t fpcr;
};

_Static_assert(offsetof(struct sl_context_aarch64, x) == SL_CTX_X19, "x19");
_Static_assert(offsetof(struct sl_context_aarch64, x29) == SL_CTX_X29, "x29");
_Static_assert(offsetof(struct sl_context_aarch64, sp_mangled) == SL_CTX_SP, "sp");
_Static_assert(offsetof(struct sl_context_aarch64, pc_mangled) == SL_CTX_PC, "pc");
_Static_assert(offsetof(struct sl_context_aarch64, d) == SL_CTX_D8, "d8");
_Static_assert(offsetof(struct sl_context_aarch64, fpcr) == SL_CTX_FPCR, "fpcr");
_Static_assert(sizeof(struct sl_context_aarch64) == SL_CTX_SIZE, "size");

/* The per-process secret that context.S mixes into saved pointers. */
extern uint64_t sl__context_secret;

/* sl_context_restore under a hidden name: the library's own throws jump
 * through it without a PLT stub in between. */
struct sl_context;
__attribute__((noreturn)) void sl__context_restore(const struct sl_context *ctx, int value);

/* The same, without the floating-point control state: the jump of a throw,
 * to a context sl__try_enter saved without it. */
__attribute__((noreturn)) void sl__context_resume(const struct sl_context *ctx, int value);

/* A signal handler on AArch64 Linux runs with the interrupted code's FPCR
 * (the kernel saves the FP/SIMD registers in the signal frame but does not
 * reset FPCR), so nothing needs restoring before a throw out of it. */
static inline void sl__fp_control_from_signal(const void *ucontext)
{
    (void)ucontext;
}

static inline uint64_t sl__ctx_demangle(uint64_t v)
{
    v = (v >> SL_CTX_ROTATE) | (v << (64 - SL_CTX_ROTATE));
    return v ^ sl__context_secret;
}
#endif /* __ASSEMBLER__ */
#endif
