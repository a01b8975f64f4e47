/*
 * backtrace_libc.c: the drop-in's side of the exceptions' seam (the library's
 * is lib/except_backtrace.c; except_internal.h declares the four functions).
 * libc only: glibc's backtrace() where it exists, nothing elsewhere, and the
 * interrupted frame of a fault read out of the kernel's ucontext, whose
 * register names differ by architecture.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <execinfo.h>
#define SL__HAVE_BACKTRACE 1
#endif

#include <stacklab/except.h>
#include "except_internal.h"

int sl__backtrace_capture(void **pcs, int max)
{
#ifdef SL__HAVE_BACKTRACE
    return max > 0 ? backtrace(pcs, max) : 0;
#else
    (void)pcs, (void)max;
    return 0;
#endif
}

/* The interrupted stack pointer and pc, by the kernel's register names. */
static void interrupted(const ucontext_t *uc, uintptr_t *sp, uintptr_t *pc)
{
#if defined(__x86_64__)
    *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
    *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_ESP];
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
    *sp = (uintptr_t)uc->uc_mcontext.sp;
    *pc = (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__arm__)
    *sp = (uintptr_t)uc->uc_mcontext.arm_sp;
    *pc = (uintptr_t)uc->uc_mcontext.arm_pc;
#elif defined(__riscv)
    *sp = (uintptr_t)uc->uc_mcontext.__gregs[REG_SP];
    *pc = (uintptr_t)uc->uc_mcontext.__gregs[REG_PC];
#else
    (void)uc;
    *sp = 0;                            /* unknown: the liveness check is */
    *pc = 0;                            /* then by address only */
#endif
}

int sl__backtrace_interrupted(void *ucontext, uintptr_t *sp, void **pcs, int max)
{
    uintptr_t pc;
    int n = 0;

    interrupted(ucontext, sp, &pc);
    if (max <= 0 || !pc)
        return 0;
#ifdef SL__HAVE_BACKTRACE
    /* From inside the handler, backtrace() passes through the kernel's
     * signal frame; keep what follows the faulting pc. */
    void *all[SL_BACKTRACE_MAX + 16];
    int total = backtrace(all, (int)(sizeof all / sizeof all[0]));
    for (int i = 0; i < total; i++) {
        if ((uintptr_t)all[i] == pc) {
            for (; i < total && n < max; i++)
                pcs[n++] = all[i];
            return n;
        }
    }
#endif
    pcs[n++] = (void *)pc;
    return n;
}

void sl__backtrace_print(void *const *pcs, int n, FILE *out)
{
    fflush(out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "#%-3d ", i);
        fflush(out);
#ifdef SL__HAVE_BACKTRACE
        backtrace_symbols_fd(&pcs[i], 1, fileno(out));
#else
        fprintf(out, "%p\n", pcs[i]);
#endif
    }
}

void sl__describe_code(const void *pc, char *buf, size_t size)
{
    Dl_info info;

    if (dladdr(pc, &info) && info.dli_sname)
        snprintf(buf, size, "%s()+0x%lx", info.dli_sname,
                 (unsigned long)((uintptr_t)pc - (uintptr_t)info.dli_saddr));
    else
        snprintf(buf, size, "%p", pc);
}
