/*
 * except_backtrace.c: what the exceptions ask of the rest of the library.
 *
 * except.c and except_signal.c need four things from outside the exception
 * machinery: a backtrace at a throw, the interrupted frame of a fault, a
 * way to print a backtrace and a name for one code address.  Here the
 * library gives them with libunwind and its own symbolizer (frames.h).  The
 * drop-in header (dropin/, issue "One header") is built from except.c and
 * except_signal.c as they are, with its own version of this file that uses
 * only libc (glibc's backtrace()), so these few functions are the whole
 * seam between the exceptions and the rest of stacklab.
 */
#ifndef SL_WITHOUT_DWARF_LIBS
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#else
/* No libunwind (riscv64): glibc's backtrace(), whose libgcc unwinder reads
 * the .eh_frame that -fasynchronous-unwind-tables provides and steps
 * through the kernel's signal frame. */
#include <execinfo.h>
#include "frames_arch.h"
#endif

#include <stdio.h>

#include <stacklab/except.h>
#include <stacklab/frames.h>
#include "except_internal.h"
#include "frames_layout.h"

#ifndef SL_WITHOUT_DWARF_LIBS
int sl__backtrace_capture(void **pcs, int max)
{
    int n;

    SL_QUIET_VALGRIND_BEGIN;
    n = unw_backtrace(pcs, max);
    SL_QUIET_VALGRIND_END;
    /* libunwind 1.6.2's AArch64 unw_backtrace hands out each return
     * address minus one (the lookup address of its fast path).  Where every
     * instruction is SL_ARCH_INSN_ALIGN-aligned such a pc is recognisable:
     * give the return address back, as on x86-64. */
    for (int i = 0; SL_ARCH_INSN_ALIGN > 1 && i < n; i++)
        if ((uintptr_t)pcs[i] % SL_ARCH_INSN_ALIGN == SL_ARCH_INSN_ALIGN - 1)
            pcs[i] = (char *)pcs[i] + 1;
    return n > 0 ? n : 0;
}

int sl__backtrace_interrupted(void *ucontext, uintptr_t *sp, void **pcs, int max)
{
    unw_cursor_t c;
    unw_word_t w = 0;
    int n = 0;

    /* libunwind reads the registers out of the kernel's ucontext, so this
     * file names no register of any architecture. */
    *sp = 0;
    if (unw_init_local2(&c, (unw_context_t *)ucontext, UNW_INIT_SIGNAL_FRAME) != 0)
        return 0;
    unw_get_reg(&c, UNW_REG_SP, &w);
    *sp = (uintptr_t)w;
    SL_QUIET_VALGRIND_BEGIN;
    while (n < max) {
        unw_get_reg(&c, UNW_REG_IP, &w);
        pcs[n++] = (void *)w;           /* [0] exact: the faulting pc */
        if (unw_step(&c) <= 0)
            break;
    }
    SL_QUIET_VALGRIND_END;
    return n;
}

#else /* SL_WITHOUT_DWARF_LIBS */
int sl__backtrace_capture(void **pcs, int max)
{
    int n = backtrace(pcs, max);
    return n > 0 ? n : 0;
}

/* The interrupted pc and sp from the ucontext (lib/arch/), the frames
 * above from backtrace(): what lies below the interrupted pc (this
 * handler, the trampoline) is dropped. */
int sl__backtrace_interrupted(void *ucontext, uintptr_t *sp, void **pcs, int max)
{
    void *all[SL_BACKTRACE_MAX + 8];
    uintptr_t pc;
    int n, first = 0, k = 0;

    sl__arch_signal_pc_sp(ucontext, &pc, sp);
    if (max <= 0)
        return 0;
    n = backtrace(all, SL_BACKTRACE_MAX + 8);
    while (first < n && (uintptr_t)all[first] != pc)
        first++;
    if (first == n) {                   /* not found: the exact pc alone */
        pcs[0] = (void *)pc;
        return 1;
    }
    for (; first + k < n && k < max; k++)
        pcs[k] = all[first + k];
    return k;
}
#endif /* SL_WITHOUT_DWARF_LIBS */

void sl__backtrace_print(void *const *pcs, int n, FILE *out)
{
    sl_stack s = {0};

    if (sl_stack_from_addresses(&s, pcs, n) > 0) {
        int named = sl_stack_symbolize(&s);
        sl_stack_print(&s, out);
        if (named < 0)                  /* (addresses only, rather than a crash) */
            fprintf(out, "     (no names: %s)\n", sl_symbolize_strerror(named));
    }
    sl_stack_release(&s);
}

void sl__describe_code(const void *pc, char *buf, size_t size)
{
    sl_stack s = {0};
    void *a = (void *)pc;

    snprintf(buf, size, "%p", pc);
    if (sl_stack_from_addresses(&s, &a, 1) == 1 && sl_stack_symbolize(&s) > 0) {
        const sl_frame *f = &s.frames[0];
        if (f->file)
            snprintf(buf, size, "%s() at %s:%d", f->function, f->file, f->line);
        else
            snprintf(buf, size, "%s()+0x%lx", f->function, (unsigned long)f->offset);
    }
    sl_stack_release(&s);
}

int sl_stack_mark_handlers(sl_stack *s)
{
    sl_handler_record r[64];
    int n = sl_handler_records(r, 64), marked = 0;

    if (!s)
        return 0;
    if (n > 64)
        n = 64;                         /* deeper ones are not drawn */
    for (int i = 0; i < s->count; i++) {
        sl_frame *f = &s->frames[i];
        uintptr_t high = f->cfa ? f->cfa : i + 1 < s->count ? s->frames[i + 1].sp
                                                            : s->stack_high;
        for (int k = 0; k < n; k++) {
            if (r[k].sp >= f->sp && r[k].sp < high) {
                f->flags |= SL_FRAME_TRY;
                marked++;
                break;
            }
        }
    }
    return marked;
}
