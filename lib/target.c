/*
 * target.c: whose memory and registers a capture describes (target.h).
 *
 * Two kinds of target share one small interface:
 *
 *   the calling thread      reads go through process_vm_readv on our own
 *                           pid: the kernel copies what is mapped readable
 *                           and reports the rest as an error, so a wild
 *                           pointer in a variable costs an error string, not
 *                           a SIGSEGV.  Its stack bounds are the thread's
 *                           stack (or the alternate signal stack it runs on).
 *
 *   a stopped thread of     the same process_vm_readv on its pid, and
 *   another process         PTRACE_GETREGS on its tid (the caller stopped it
 *                           under ptrace).  Its stack is the mapping of
 *                           /proc/PID/maps that holds its stack pointer.
 *
 * Nothing above this file needs to know which kind it reads.
 */
#ifndef SL_WITHOUT_DWARF_LIBS
#include <libunwind.h>          /* generic API: unw_init_local for our own registers */
#endif

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <stacklab/frames.h>
#include <stacklab/target.h>
#include "frames_arch.h"
#include "target_arch.h"
#include "target_internal.h"

/* ---- mappings ------------------------------------------------------------ */

/* The mapping of /proc/PID/maps that holds address a: 0, or -1. */
/* The stack guard gap the kernel keeps below a stack (stack_guard_gap: 256
 * pages by default). */
#define GUARD_GAP (256 * 4096UL)

/* The mapping that holds a; with below_ok, also the first mapping above a
 * when a lies in the guard gap under it (then low is a's page): a thread
 * that overflowed its stack has its sp there. */
static int mapping_near(pid_t pid, uintptr_t a, uintptr_t *low, uintptr_t *high, int below_ok)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[512];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2 || hi <= a)
            continue;
        if (a >= lo || (below_ok && lo - a <= GUARD_GAP)) {
            *low = a >= lo ? lo : a & ~4095UL;
            *high = hi;
            found = 0;
        }
        break;                  /* the maps are in address order */
    }
    fclose(f);
    return found;
}

static int mapping_of(pid_t pid, uintptr_t a, uintptr_t *low, uintptr_t *high)
{
    return mapping_near(pid, a, low, high, 0);
}

/* ---- this thread's stack ---------------------------------------------------- */

/* Looked up once per thread: pthread_getattr_np is neither cheap nor
 * async-signal-safe, and the bounds never change.  frames.c reads the cache
 * directly on its fast path (target_internal.h). */
__thread uintptr_t sl__self_stack_low, sl__self_stack_high;

static int lookup_thread_stack(uintptr_t here)
{
    pthread_attr_t attr;
    void *addr;
    size_t size;

    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        int ok = pthread_attr_getstack(&attr, &addr, &size) == 0;
        pthread_attr_destroy(&attr);
        /* For the main thread glibc reports the size the stack may grow to
         * (RLIMIT_STACK, clipped at the mapping below), not what is mapped:
         * the high end is exact, the low end a limit.  The FP walk only
         * reads between its own stack pointer and the high end. */
        if (ok && here >= (uintptr_t)addr && here < (uintptr_t)addr + size) {
            sl__self_stack_low = (uintptr_t)addr;
            sl__self_stack_high = (uintptr_t)addr + size;
            return 0;
        }
    }
    /* An unlimited RLIMIT_STACK or a stack glibc does not know about (a
     * coroutine's): fall back to the mapping we are running in. */
    uintptr_t lo, hi;
    if (mapping_of(getpid(), here, &lo, &hi) < 0)
        return -1;
    sl__self_stack_low = lo;
    sl__self_stack_high = hi;
    return 0;
}

int sl_thread_stack_bounds(uintptr_t *low, uintptr_t *high)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);

    if (!(here >= sl__self_stack_low && here < sl__self_stack_high)) {
        /* A signal handler on the alternate stack (sigaltstack is
         * async-signal-safe, so this path is fine inside a handler). */
        stack_t ss;
        if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) &&
            here >= (uintptr_t)ss.ss_sp && here < (uintptr_t)ss.ss_sp + ss.ss_size) {
            *low = (uintptr_t)ss.ss_sp;
            *high = (uintptr_t)ss.ss_sp + ss.ss_size;
            return 0;
        }
        if (lookup_thread_stack(here) < 0)
            return -1;
    }
    *low = sl__self_stack_low;
    *high = sl__self_stack_high;
    return 0;
}

/* ---- reading another address space (or our own) ---------------------------- */

/* process_vm_readv copies what it can and stops at the first unreadable
 * page; a short read is a failed read (the interface never reads partly). */
static int vm_read(pid_t pid, uintptr_t addr, void *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (addr + n < addr)
        return -1;
    struct iovec local = { buf, n };
    struct iovec remote = { (void *)addr, n };
    ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return got == (ssize_t)n ? 0 : -1;
}

/* ---- the calling thread -------------------------------------------------------- */

/* Where process_vm_readv does not exist (ENOSYS: qemu-user emulates no
 * such system call, nor do some seccomp sandboxes allow it), our own
 * memory is read through a pipe: write(2) from an unmapped address fails
 * with EFAULT instead of faulting, as libunwind's own probe does. */
static int pipe_read(uintptr_t addr, void *buf, size_t n)
{
    int fd[2], ok = 0;
    if (addr + n < addr || pipe(fd) < 0)
        return -1;
    while (n > 0) {
        size_t chunk = n < 4096 ? n : 4096;     /* within the pipe's buffer */
        if (write(fd[1], (const void *)addr, chunk) != (ssize_t)chunk ||
            read(fd[0], buf, chunk) != (ssize_t)chunk) {
            ok = -1;
            break;
        }
        addr += chunk;
        buf = (char *)buf + chunk;
        n -= chunk;
    }
    close(fd[0]);
    close(fd[1]);
    return ok;
}

static int self_read(const sl_target *t, uintptr_t addr, void *buf, size_t n)
{
    (void)t;
    if (vm_read(getpid(), addr, buf, n) == 0)
        return 0;
    return errno == ENOSYS ? pipe_read(addr, buf, n) : -1;
}

/* The registers of sl_target_regs' caller: libunwind saves this function's
 * own context and steps once out of it, restoring every callee-saved
 * register the way the caller sees it.  Call-clobbered registers hold
 * nothing the caller can rely on after a call, so they stay unknown. */
#ifdef SL_WITHOUT_DWARF_LIBS
/* Without libunwind (riscv64) this thread's caller's registers are not
 * recovered: the target layer serves other processes only. */
static int self_regs(const sl_target *t, sl_regs *r)
{
    (void)t, (void)r;
    errno = ENOSYS;
    return -1;
}
#else
__attribute__((noinline))
static int self_regs(const sl_target *t, sl_regs *r)
{
    (void)t;
    unw_context_t uc;
    unw_cursor_t c;
    if (unw_getcontext(&uc) < 0 || unw_init_local(&c, &uc) < 0)
        return -1;
    /* Out of self_regs, then out of sl_target_regs. */
    for (int i = 0; i < 2; i++)
        if (unw_step(&c) <= 0)
            return -1;
    memset(r, 0, sizeof *r);
    unw_word_t v;
    for (int k = 0; k < sl__arch_callee_saved_count; k++) {
        int d = sl__arch_callee_saved_dwarf[k];
        if (unw_get_reg(&c, sl__arch_callee_saved_unw[k], &v) == 0) {
            r->value[d] = v;
            r->known |= 1ull << d;
        }
    }
    if (unw_get_reg(&c, UNW_REG_IP, &v) < 0)
        return -1;
    r->pc = v;
    r->value[sl__arch_dwarf_pc] = v;
    r->known |= 1ull << sl__arch_dwarf_pc;
    if (unw_get_reg(&c, UNW_REG_SP, &v) < 0)
        return -1;
    r->sp = v;
    r->value[sl__arch_dwarf_sp] = v;
    r->known |= 1ull << sl__arch_dwarf_sp;
    r->fp = r->value[sl__arch_dwarf_fp];
    r->tp = sl__arch_thread_pointer();
    return 0;
}
#endif

static int self_stack_bounds(const sl_target *t, uintptr_t *low, uintptr_t *high)
{
    (void)t;
    return sl_thread_stack_bounds(low, high);
}

static const sl_target_ops self_ops = { self_read, self_regs, self_stack_bounds };

/* Per thread, so that tid is the caller's; filled on every call (after a
 * fork the pid changes). */
static __thread sl_target t_self;

const sl_target *sl_target_self(void)
{
    t_self.ops = &self_ops;
    t_self.pid = getpid();
    t_self.tid = gettid();
    t_self.self = 1;
    t_self.data = NULL;
    return &t_self;
}

/* ---- a thread stopped under ptrace ----------------------------------------------- */

/* A stopped thread's memory does not change until it runs again, and a
 * capture reads it a word at a time (the CFI walk, the variables): so reads
 * go through a few whole pages kept in the target until sl_target_release,
 * each page read by one system call.  A read across pages, or of a page that
 * cannot be read whole, is made exactly as asked. */
#define CACHE_PAGES 8
#define CACHE_PAGE 4096u
typedef struct page_cache {
    uintptr_t base[CACHE_PAGES];        /* 0: empty */
    unsigned next;                      /* the slot filled next, round robin */
    unsigned char data[CACHE_PAGES][CACHE_PAGE];
} page_cache;

static int ptrace_read(const sl_target *t, uintptr_t addr, void *buf, size_t n)
{
    page_cache *c = t->data;
    uintptr_t base = addr & ~(uintptr_t)(CACHE_PAGE - 1);
    if (!c || base == 0 || n > CACHE_PAGE || addr - base + n > CACHE_PAGE)
        return vm_read(t->pid, addr, buf, n);
    unsigned i = 0;
    while (i < CACHE_PAGES && c->base[i] != base)
        i++;
    if (i == CACHE_PAGES) {
        i = c->next++ % CACHE_PAGES;
        c->base[i] = 0;
        if (vm_read(t->pid, base, c->data[i], CACHE_PAGE) < 0)
            return vm_read(t->pid, addr, buf, n);
        c->base[i] = base;
    }
    memcpy(buf, c->data[i] + (addr - base), n);
    return 0;
}

static int ptrace_regs(const sl_target *t, sl_regs *r)
{
    memset(r, 0, sizeof *r);
    return sl__arch_ptrace_regs(t->tid, r);
}

/* The stack a stopped thread runs on is the mapping around its sp (for the
 * main thread that is [stack]; for others the mapping pthread made). */
static int ptrace_stack_bounds(const sl_target *t, uintptr_t *low, uintptr_t *high)
{
    sl_regs r;
    if (ptrace_regs(t, &r) < 0)
        return -1;
    return mapping_near(t->pid, r.sp, low, high, 1);
}

static const sl_target_ops ptrace_ops = { ptrace_read, ptrace_regs, ptrace_stack_bounds };

int sl_target_ptrace(sl_target *t, pid_t pid, pid_t tid)
{
    if (!t || pid <= 0 || tid <= 0) {
        errno = EINVAL;
        return -1;
    }
    memset(t, 0, sizeof *t);
    t->ops = &ptrace_ops;
    t->pid = pid;
    t->tid = tid;
    /* A first read says whether we may read pid at all (EPERM, ESRCH).  A
     * thread stopped by a stack overflow has its sp in the guard gap below
     * the stack, and one that jumped through a NULL pointer its pc at 0: one
     * of the two is readable. */
    sl_regs r;
    uintptr_t w;
    if (ptrace_regs(t, &r) < 0)
        return -1;
    if (vm_read(pid, r.sp, &w, sizeof w) < 0 && vm_read(pid, r.pc, &w, sizeof w) < 0)
        return -1;
    t->data = calloc(1, sizeof(page_cache));   /* NULL: every read goes direct */
    return 0;
}

void sl_target_release(sl_target *t)
{
    if (t && !t->self) {
        free(t->data);
        memset(t, 0, sizeof *t);
    }
}

/* ---- the interface ----------------------------------------------------------------- */

int sl_target_read(const sl_target *t, uintptr_t addr, void *buf, size_t n)
{
    if (!t || !t->ops || (!buf && n))
        return -1;
    return t->ops->read(t, addr, buf, n);
}

int sl_target_read_word(const sl_target *t, uintptr_t addr, uintptr_t *w)
{
    return sl_target_read(t, addr, w, sizeof *w);
}

__attribute__((noinline))
int sl_target_regs(const sl_target *t, sl_regs *r)
{
    if (!t || !t->ops || !r)
        return -1;
    int ret = t->ops->regs(t, r);
    /* Not a tail call: self_regs steps out of this frame. */
    __asm__ volatile("" ::: "memory");
    return ret;
}

int sl_target_stack_bounds(const sl_target *t, uintptr_t *low, uintptr_t *high)
{
    if (!t || !t->ops || !low || !high)
        return -1;
    return t->ops->stack_bounds(t, low, high);
}
