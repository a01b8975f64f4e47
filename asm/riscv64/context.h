/*
 * context.h: the layout of an sl_context on RISC-V (RV64, LP64D), shared
 * by context.S and C.
 *
 * sl_context_save() stores the registers a C function must find unchanged
 * when a call returns (RISC-V ABIs Specification, "Integer Register
 * Convention": s0-s11 and sp; "Floating-point Register Convention":
 * fs0-fs11), plus where to resume: the caller's stack pointer and the
 * return address the call left in ra.  Those two are stored mangled (see
 * context.S).  The _Static_asserts keep the C view and the offsets in step.
 *
 *   offset  slot                      offset  slot
 *        0  s0 (the frame pointer)       104  pc    mangled: ra at the call
 *        8  s1 .. s11 (8 bytes each)     112  fs0 .. fs11 (8 bytes each)
 *       96  sp    mangled: the stack     208  fcsr  (rounding mode, flags)
 *                 pointer at the call
 */
#ifndef SL_ARCH_CONTEXT_H
#define SL_ARCH_CONTEXT_H

#define SL_CTX_S0       0               /* sN at SL_CTX_S0 + 8 * N */
#define SL_CTX_SP       96
#define SL_CTX_PC       104
#define SL_CTX_FS0      112             /* fsN at SL_CTX_FS0 + 8 * N */
#define SL_CTX_FCSR     208
#define SL_CTX_SIZE     216

/* Pointer mangling: mangled = rol(pointer ^ secret, SL_CTX_ROTATE), as on
 * every architecture (RV64GC has no rotate: two shifts and an or). */
#define SL_CTX_ROTATE   17

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct sl_context_riscv64 {
    uint64_t s[12];                     /* s0 .. s11 */
    uint64_t sp_mangled, pc_mangled;
    uint64_t fs[12];                    /* fs0 .. fs11 */
    uint64_t fcsr;
};

_Static_assert(offsetof(struct sl_context_riscv64, s) == SL_CTX_S0, "s0");
_Static_assert(offsetof(struct sl_context_riscv64, sp_mangled) == SL_CTX_SP, "sp");
_Static_assert(offsetof(struct sl_context_riscv64, pc_mangled) == SL_CTX_PC, "pc");
_Static_assert(offsetof(struct sl_context_riscv64, fs) == SL_CTX_FS0, "fs0");
_Static_assert(offsetof(struct sl_context_riscv64, fcsr) == SL_CTX_FCSR, "fcsr");
_Static_assert(sizeof(struct sl_context_riscv64) == SL_CTX_SIZE, "size");

/* The per-process secret that context.S mixes into saved pointers. */
extern uint64_t sl__context_secret;

/* sl_context_restore under a hidden name: the library's own throws jump
 * through it without a PLT stub in between. */
struct sl_context;
__attribute__((noreturn)) void sl__context_restore(const struct sl_context *ctx, int value);

/* The same, without the floating-point control state: the jump of a throw,
 * to a context sl__try_enter saved without it. */
__attribute__((noreturn)) void sl__context_resume(const struct sl_context *ctx, int value);

/* A signal handler on RISC-V Linux runs with the interrupted code's fcsr
 * (the kernel saves the FP registers and fcsr in the signal frame but does
 * not reset them), so nothing needs restoring before a throw out of it. */
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
