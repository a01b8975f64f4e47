/*
 * except_signal.c: hardware faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL) as
 * exceptions, for the threads that ask with sl_trap_signals().
 *
 * Three things make this work, each for a reason:
 *
 *  - An alternate signal stack (sigaltstack) per thread.  A stack overflow
 *    faults because the stack is full; a handler run on that same stack
 *    would fault again at once.  On its own stack the handler can still run,
 *    and since the throw jumps back to a TRY far up the overflowed stack,
 *    the program carries on.
 *
 *  - Unblocking the signal before the jump.  The kernel blocks a signal while
 *    its handler runs and unblocks it when the handler returns; a handler
 *    left by a jump never returns, so the signal would stay blocked and the
 *    next fault of the same kind would kill the process instead.
 *
 *  - No loop when nobody catches.  With no SL_TRY active the handler reports
 *    the fault as an uncaught exception and aborts while the signal is still
 *    blocked: a second fault inside the report kills the process, it cannot
 *    re-enter the handler.
 *
 * The handler calls snprintf and libunwind, which POSIX does not list as
 * async-signal-safe.  That is the usual trade for a fault handler: the fault
 * happened in the thread's own code, not inside those functions.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stacklab/except.h>
#include "context.h"
#include "except_internal.h"

/* Room for the handler, a libunwind walk, snprintf and the cleanups a throw
 * runs before its jump (they run on this stack), plus a guard page below;
 * and for the library's symbolizer, which names an uncaught fault's
 * backtrace here and needs 192 KiB (SL_SYMBOLIZE_STACK, frames.h; 252 KiB
 * are left when it starts). */
#define ALTSTACK_SIZE (256 * 1024)

static const int trapped[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define NTRAPPED (int)(sizeof trapped / sizeof trapped[0])

static _Thread_local struct {
    bool on;
    char *mapping;              /* guard page + alternate stack */
    size_t mapping_size;
    bool unmap_pending;         /* untrapped while running on that stack */
    uintptr_t stack_low;        /* this thread's own stack */
    uintptr_t fault_sp;         /* the interrupted sp of the fault being raised */
} thread;

/* The handlers are process-wide; which threads want them is per thread.
 * The process's earlier handlers come back when the last thread untraps. */
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static int trapping_threads;
static struct sigaction previous[NTRAPPED];

/* A thread that exits while trapping gives its alternate stack back: the
 * key's destructor runs at pthread_exit (its value is just "on"). */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void untrap_at_exit(void *unused)
{
    (void)unused;
    sl_untrap_signals();
}

static void make_exit_key(void)
{
    pthread_key_create(&exit_key, untrap_at_exit);
}

/* ---- what a fault becomes ------------------------------------------------ */

/* A SIGSEGV is a stack overflow when it hits just below this thread's stack
 * (the guard page, or the gap below the main thread's stack) or near the
 * stack pointer of the code that faulted. */
static bool is_stack_overflow(uintptr_t addr, uintptr_t sp)
{
    const uintptr_t near = 64 * 1024, gap = 1024 * 1024;

    if (thread.stack_low && addr + gap >= thread.stack_low && addr < thread.stack_low + near)
        return true;
    return addr + near >= sp && addr <= sp + near;
}

static const sl_exception_type *classify(int sig, const siginfo_t *info, uintptr_t sp,
                                         char *msg, size_t size)
{
    /* Addresses as 0x..., never glibc's "(nil)": a lecture shows NULL as 0x0. */
    unsigned long addr = (unsigned long)(uintptr_t)info->si_addr;
    const char *how;

    switch (sig) {
    case SIGSEGV:
        if (is_stack_overflow((uintptr_t)info->si_addr, sp)) {
            snprintf(msg, size, "stack overflow (fault at 0x%lx, stack pointer 0x%lx)",
                     addr, (unsigned long)sp);
            return &SL_StackOverflow;
        }
        how = info->si_code == SEGV_MAPERR ? "address not mapped" :
              info->si_code == SEGV_ACCERR ? "access not permitted" : "invalid access";
        snprintf(msg, size, "segmentation fault at 0x%lx (%s)", addr, how);
        return &SL_SegmentationFault;
    case SIGBUS:
        how = info->si_code == BUS_ADRALN ? "misaligned address" :
              info->si_code == BUS_ADRERR ? "no such physical address" :
              info->si_code == BUS_OBJERR ? "beyond the end of a mapped file" : "bus error";
        snprintf(msg, size, "bus error at 0x%lx (%s)", addr, how);
        return &SL_BusError;
    case SIGFPE:
        how = info->si_code == FPE_INTDIV ? "integer divide by zero" :
              info->si_code == FPE_INTOVF ? "integer overflow" :
              info->si_code == FPE_FLTDIV ? "floating-point divide by zero" :
              info->si_code == FPE_FLTOVF ? "floating-point overflow" :
              info->si_code == FPE_FLTINV ? "invalid floating-point operation" :
                                            "arithmetic fault";
        snprintf(msg, size, "%s at 0x%lx", how, addr);
        return &SL_ArithmeticError;
    default:
        snprintf(msg, size, "illegal instruction at 0x%lx", addr);
        return &SL_IllegalInstruction;
    }
}

/* Whether addr lies on this thread's alternate signal stack. */
static bool on_altstack(uintptr_t addr)
{
    return thread.mapping && addr >= (uintptr_t)thread.mapping &&
           addr < (uintptr_t)thread.mapping + thread.mapping_size;
}

uintptr_t sl__signal_bound(uintptr_t below)
{
    return on_altstack(below) && thread.fault_sp ? thread.fault_sp - 1 : below;
}

/* A signal in a thread that did not ask for exceptions: do what would have
 * happened without us.  The handler the program had before runs (a crash
 * reporter, say); with none, the default action does, which for these
 * signals ends the process. */
static void not_ours(int sig, siginfo_t *info, void *ucontext)
{
    const struct sigaction *prev = NULL;
    sigset_t old;

    for (int i = 0; i < NTRAPPED; i++)
        if (trapped[i] == sig)
            prev = &previous[i];
    if (prev && prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        pthread_sigmask(SIG_BLOCK, &prev->sa_mask, &old);   /* as the kernel would */
        if (prev->sa_flags & SA_SIGINFO)
            prev->sa_sigaction(sig, info, ucontext);
        else
            prev->sa_handler(sig);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return;
    }
    if (prev && prev->sa_handler == SIG_IGN && info->si_code <= 0)
        return;                         /* sent (raise, kill) and ignored: ignored */
    /* The default: the process ends, so changing its disposition is no
     * loss.  A fault re-runs its instruction when we return; a signal that
     * was sent is sent again, delivered once this handler returns. */
    signal(sig, SIG_DFL);
    if (info->si_code <= 0)
        raise(sig);
}

static void on_fault(int sig, siginfo_t *info, void *ucontext)
{
    uintptr_t sp;
    sigset_t unblock;

    if (!thread.on) {
        not_ours(sig, info, ucontext);
        return;
    }

    /* The interrupted frame: its stack pointer for the liveness check, its
     * pc as backtrace[0] (exact, not a return address). */
    const sl_exception_type *type;
    sl_exception *x = sl__exception_new(&SL_SignalError);
    x->backtrace_length = sl__backtrace_interrupted(ucontext, &sp, x->backtrace,
                                                    sl__backtrace_on() ? SL_BACKTRACE_MAX : 0);
    type = classify(sig, info, sp, x->message, sizeof x->message);
    x->type = type;
    x->signal_number = sig;
    x->fault_address = info->si_addr;

    if (!sl__tls_handlers.top->site)     /* no TRY active */
        sl__uncaught(x);                /* aborts, with sig still blocked */

    /* The handler runs with a clean floating-point state; the code that
     * faulted, and the TRY it lands in, had its own rounding mode and
     * exception masks (rule 7): put them back. */
    sl__fp_control_from_signal(ucontext);
    /* Cleanups the throw runs here run on the alternate stack; a throw or a
     * TRY of theirs judges liveness by the interrupted sp (a fault inside
     * such a cleanup keeps the first fault's). */
    if (!on_altstack((uintptr_t)sp))
        thread.fault_sp = (uintptr_t)sp;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    /* sl__raise takes the highest dead address.  The interrupted frame is
     * alive from sp up, and a TRY in the faulting function itself may keep
     * its record exactly at sp (clang does): so sp - 1. */
    sl__raise(x, (uintptr_t)sp - 1);
}

/* ---- trapping ---------------------------------------------------------------- */

static int install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NTRAPPED; i++) {
        if (sigaction(trapped[i], &sa, &previous[i]) != 0) {
            while (--i >= 0)
                sigaction(trapped[i], &previous[i], NULL);
            return -1;
        }
    }
    return 0;
}

static void find_stack_low(void)
{
    pthread_attr_t attr;
    void *addr;
    size_t size;

    thread.stack_low = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0)
        thread.stack_low = (uintptr_t)addr;
    pthread_attr_destroy(&attr);
}

/* Gives back an alternate stack that sl_untrap_signals could not unmap
 * because it ran on it (a cleanup of a fault calling it). */
static void unmap_pending(void)
{
    stack_t ss = { .ss_flags = SS_DISABLE }, now;

    if (!thread.unmap_pending || sigaltstack(NULL, &now) != 0 || (now.ss_flags & SS_ONSTACK))
        return;
    sigaltstack(&ss, NULL);
    munmap(thread.mapping, thread.mapping_size);
    thread.mapping = NULL;
    thread.unmap_pending = false;
}

int sl_trap_signals(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = ALTSTACK_SIZE + page;
    stack_t ss;
    char *m;

    if (thread.on)
        return SL_TRAP_OK;
    unmap_pending();
    if (thread.unmap_pending) {         /* called on that stack: still set up */
        m = thread.mapping;
        size = thread.mapping_size;
        thread.unmap_pending = false;
    } else {
        m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                 -1, 0);
        if (m == MAP_FAILED)
            return SL_TRAP_NO_MEMORY;
        mprotect(m, page, PROT_NONE);  /* the guard: an overflow here faults */
        ss.ss_sp = m + page;
        ss.ss_size = ALTSTACK_SIZE;
        ss.ss_flags = 0;
        if (sigaltstack(&ss, NULL) != 0) {
            munmap(m, size);
            return SL_TRAP_SIGALTSTACK;
        }
    }
    pthread_mutex_lock(&install_lock);
    if (trapping_threads == 0 && install() != 0) {
        pthread_mutex_unlock(&install_lock);
        thread.mapping = m;
        thread.mapping_size = size;
        thread.unmap_pending = true;
        unmap_pending();
        return SL_TRAP_SIGACTION;
    }
    trapping_threads++;
    pthread_mutex_unlock(&install_lock);

    find_stack_low();
    thread.mapping = m;
    thread.mapping_size = size;
    thread.on = true;
    pthread_once(&exit_key_once, make_exit_key);
    pthread_setspecific(exit_key, &thread);
    return SL_TRAP_OK;
}

/* The alternate stack cannot be unmapped (nor disabled) while this thread
 * runs on it, as a cleanup of a fault does: then it is given back at this
 * thread's next sl_trap_signals or sl_untrap_signals, or when it exits. */
void sl_untrap_signals(void)
{
    unmap_pending();
    if (!thread.on)
        return;
    thread.on = false;
    thread.unmap_pending = true;
    unmap_pending();
    pthread_setspecific(exit_key, thread.unmap_pending ? &thread : NULL);
    pthread_mutex_lock(&install_lock);
    if (--trapping_threads == 0)
        for (int i = 0; i < NTRAPPED; i++)
            sigaction(trapped[i], &previous[i], NULL);
    pthread_mutex_unlock(&install_lock);
}
