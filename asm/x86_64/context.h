/*
 * context.h: the layout of an sl_context on x86-64, shared by context.S and C.
 *
 * sl_context_save() stores the registers a C function must find unchanged when
 * a call returns (System V psABI, 3.2.1 "Registers": rbx, rbp, r12-r15, and the
 * control bits of MXCSR and the x87 control word), plus where to resume: the
 * caller's stack pointer and the return address.  The two pointers are stored
 * mangled (see context.S).  The C struct below is the same bytes with names;
 * the _Static_asserts keep the two views in step.
 *
 *   offset  slot
 *        0  rbx
 *        8  rbp
 *       16  r12
 *       24  r13
 *       32  r14
 *       40  r15
 *       48  rsp    mangled: the stack pointer after sl_context_save returns
 *       56  rip    mangled: the return address of sl_context_save
 *       64  mxcsr  (4 bytes)
 *       68  x87 control word (2 bytes)
 */
#ifndef SL_ARCH_CONTEXT_H
#define SL_ARCH_CONTEXT_H

#define SL_CTX_RBX      0
#define SL_CTX_RBP      8
#define SL_CTX_R12      16
#define SL_CTX_R13      24
#define SL_CTX_R14      32
#define SL_CTX_R15      40
#define SL_CTX_RSP      48
#define SL_CTX_RIP      56
#define SL_CTX_MXCSR    64
#define SL_CTX_FPUCW    68
#define SL_CTX_SIZE     72

/* The names shared C uses on every architecture (lib/except.c): the
 * resumed stack pointer and pc. */
#define SL_CTX_SP       SL_CTX_RSP
#define SL_CTX_PC       SL_CTX_RIP

/* Pointer mangling: mangled = rol(pointer ^ secret, SL_CTX_ROTATE). */
#define SL_CTX_ROTATE   17

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct sl_context_x86_64 {
    uint64_t rbx, rbp, r12, r13, r14, r15;
    uint64_t rsp_mangled, rip_mangled;
    uint32_t mxcsr;
    uint16_t fpucw;
    uint16_t unused;
};

_Static_assert(offsetof(struct sl_context_x86_64, rbx) == SL_CTX_RBX, "rbx");
_Static_assert(offsetof(struct sl_context_x86_64, rbp) == SL_CTX_RBP, "rbp");
_Static_assert(offsetof(struct sl_context_x86_64, r12) == SL_CTX_R12, "r12");
_Static_assert(offsetof(struct sl_context_x86_64, r13) == SL_CTX_R13, "r13");
_Static_assert(offsetof(struct sl_context_x86_64, r14) == SL_CTX_R14, "r14");
_Static_assert(offsetof(struct sl_context_x86_64, r15) == SL_CTX_R15, "r15");
_Static_assert(offsetof(struct sl_context_x86_64, rsp_mangled) == SL_CTX_RSP, "rsp");
_Static_assert(offsetof(struct sl_context_x86_64, rip_mangled) == SL_CTX_RIP, "rip");
_Static_assert(offsetof(struct sl_context_x86_64, mxcsr) == SL_CTX_MXCSR, "mxcsr");
_Static_assert(offsetof(struct sl_context_x86_64, fpucw) == SL_CTX_FPUCW, "fpucw");
_Static_assert(sizeof(struct sl_context_x86_64) == SL_CTX_SIZE, "size");

/* The per-process secret that context.S mixes into saved pointers. */
extern uint64_t sl__context_secret;

/* sl_context_restore under a hidden name: the library's own throws jump
 * through it without a PLT stub in between. */
struct sl_context;
__attribute__((noreturn)) void sl__context_restore(const struct sl_context *ctx, int value);

/* The same, without the floating-point control state: the jump of a throw,
 * to a context sl__try_enter saved without it. */
__attribute__((noreturn)) void sl__context_resume(const struct sl_context *ctx, int value);

/* A signal handler starts with a clean floating-point state (MXCSR
 * 0x1f80, x87 control word 0x37f); the code the signal interrupted had its
 * own rounding mode and exception masks, saved in the signal frame.  Loads
 * their control bits, so a throw out of the handler leaves them as that
 * code had them (except.h, rule 7).  The status flags stay clear. */
#include <ucontext.h>

static inline void sl__fp_control_from_signal(const void *ucontext)
{
    const ucontext_t *uc = ucontext;
    uint32_t mxcsr;
    uint16_t cw;

    if (!uc->uc_mcontext.fpregs)
        return;
    mxcsr = uc->uc_mcontext.fpregs->mxcsr & ~0x3fu;     /* bits 0-5: flags */
    cw = uc->uc_mcontext.fpregs->cwd;
    __asm__ volatile("ldmxcsr %0\n\tfldcw %1" :: "m"(mxcsr), "m"(cw));
}

static inline uint64_t sl__ctx_demangle(uint64_t v)
{
    v = (v >> SL_CTX_ROTATE) | (v << (64 - SL_CTX_ROTATE));
    return v ^ sl__context_secret;
}
#endif /* __ASSEMBLER__ */
#endif
