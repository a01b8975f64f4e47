/*
 * tracee.c: launch a program under ptrace, stop it at breakpoints and before
 * fatal signals, step it, and let it run on to its end.
 *
 * Every thread of the program is a ptrace tracee of its own (threads are
 * followed with PTRACE_O_TRACECLONE), so the bookkeeping is per thread: is it
 * stopped (and ours to resume), which signal should it get when it resumes,
 * and is it a new thread whose first SIGSTOP is still due.  Stops are taken
 * with waitpid(-1, __WALL) in whatever order the kernel reports them; one
 * function, handle_stop(), decides what each means.
 *
 * A breakpoint is an int3 written over the instruction with PTRACE_POKETEXT.
 * To go on from one, the original bytes go back, the thread steps one
 * instruction, and the int3 is written again.  Forked children inherit the
 * int3s in their copy of memory, so they are taken (PTRACE_O_TRACEFORK), their
 * copy is cleaned and they are let go: they run untraced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine.h"
#include "tracee.h"

static int fail(tracee *t, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->error, sizeof t->error, fmt, ap);
    va_end(ap);
    return code;
}

int tracee_fatal_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGABRT;
}

int tracee_exit_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 125;
}

/* ---- the guard: never leave the program stopped or orphaned ---------------
 * While the program is traced, a signal that would end this process kills
 * the program first (PTRACE_O_EXITKILL covers SIGKILL and every other way we
 * can die).  Once it runs untraced, we are a wrapper: SIGTERM and SIGHUP are
 * passed on to it, and so are SIGINT and SIGQUIT sent by kill(); those from
 * the terminal reached the program by themselves. */

static volatile pid_t guarded;         /* the program, 0: none */
static volatile sig_atomic_t released; /* it runs untraced now */

static void guard_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    pid_t pid = guarded;
    if (pid > 0 && released) {
        if (sig == SIGTERM || sig == SIGHUP || si->si_code == SI_USER || si->si_code == SI_QUEUE)
            kill(pid, sig);
        return;
    }
    if (pid > 0)
        kill(pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);             /* ends us as the signal would have */
}

static void guard(pid_t pid)
{
    static const int ends[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    struct sigaction sa = { .sa_sigaction = guard_handler, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    guarded = pid;
    released = 0;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        struct sigaction was;
        /* One ignored when we started (nohup's SIGHUP, a background job's
         * SIGINT) stays ignored, as it is in the program. */
        if (sigaction(ends[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN)
            continue;
        sigaction(ends[i], &sa, NULL);
    }
    sa.sa_flags |= SA_RESETHAND;
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
        sigaction(crashes[i], &sa, NULL);
}

/* ---- threads -------------------------------------------------------------- */

static tracee_thread *find_thread(tracee *t, pid_t tid)
{
    for (int i = 0; i < t->nthreads; i++)
        if (t->threads[i].tid == tid)
            return &t->threads[i];
    return NULL;
}

static tracee_thread *add_thread(tracee *t, pid_t tid)
{
    if (t->nthreads == t->cthreads) {
        int c = t->cthreads ? 2 * t->cthreads : 8;
        tracee_thread *n = realloc(t->threads, c * sizeof *n);
        if (!n)
            return NULL;
        t->threads = n;
        t->cthreads = c;
    }
    tracee_thread *th = &t->threads[t->nthreads++];
    memset(th, 0, sizeof *th);
    th->tid = tid;
    return th;
}

static void remove_thread(tracee *t, pid_t tid)
{
    tracee_thread *th = find_thread(t, tid);
    if (th)
        *th = t->threads[--t->nthreads];
}

/* The thread group of tid (a thread of ours, or a forked child). */
static pid_t tgid_of(pid_t tid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "re");
    pid_t tgid = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Tgid: %d", &tgid) == 1)
            break;
    fclose(f);
    return tgid;
}

/* ---- memory and breakpoints ---------------------------------------------- */

int tracee_read(const tracee *t, uintptr_t addr, void *buf, size_t n)
{
    struct iovec local = { buf, n }, remote = { (void *)addr, n };
    return process_vm_readv(t->pid, &local, 1, &remote, 1, 0) == (ssize_t)n ? 0 : -1;
}

/* Writes n bytes at addr of process pid's memory, through ptrace's word
 * peek and poke (which may write read-only text, as a debugger must). */
static int poke_bytes(pid_t pid, uintptr_t addr, const uint8_t *bytes, size_t n)
{
    const size_t w = sizeof(long);
    for (uintptr_t a = addr & ~(uintptr_t)(w - 1); a < addr + n; a += w) {
        errno = 0;
        long word = ptrace(PTRACE_PEEKTEXT, pid, a, 0);
        if (errno)
            return -1;
        uint8_t *b = (uint8_t *)&word;
        for (size_t i = 0; i < w; i++)
            if (a + i >= addr && a + i < addr + n)
                b[i] = bytes[a + i - addr];
        if (ptrace(PTRACE_POKETEXT, pid, a, word) != 0)
            return -1;
    }
    return 0;
}

static tracee_break *find_break(tracee *t, uintptr_t addr)
{
    for (int i = 0; i < t->nbreaks; i++)
        if (t->breaks[i].addr == addr)
            return &t->breaks[i];
    return NULL;
}

int tracee_break_insert(tracee *t, uintptr_t addr)
{
    if (find_break(t, addr))
        return 0;
    if (t->nbreaks == t->cbreaks) {
        int c = t->cbreaks ? 2 * t->cbreaks : 8;
        tracee_break *n = realloc(t->breaks, c * sizeof *n);
        if (!n)
            return fail(t, -1, "out of memory");
        t->breaks = n;
        t->cbreaks = c;
    }
    tracee_break *b = &t->breaks[t->nbreaks];
    b->addr = addr;
    if (tracee_read(t, addr, b->saved, machine_break_len) != 0 ||
        poke_bytes(t->pid, addr, machine_break_insn, machine_break_len) != 0)
        return fail(t, -1, "cannot plant a breakpoint at 0x%lx: %s",
                    (unsigned long)addr, strerror(errno));
    t->nbreaks++;
    return 0;
}

/* Puts the original bytes back in process pid (the program, or a forked
 * child's copy of its memory). */
static void unplant_all(tracee *t, pid_t pid)
{
    for (int i = 0; i < t->nbreaks; i++)
        poke_bytes(pid, t->breaks[i].addr, t->breaks[i].saved, machine_break_len);
}

void tracee_break_remove(tracee *t, uintptr_t addr)
{
    tracee_break *b = find_break(t, addr);
    if (!b)
        return;
    poke_bytes(t->pid, b->addr, b->saved, machine_break_len);
    *b = t->breaks[--t->nbreaks];
}

void tracee_break_remove_all(tracee *t)
{
    unplant_all(t, t->pid);
    t->nbreaks = 0;
}

/* ---- launching ------------------------------------------------------------ */

/* What the child reports through the pipe when it cannot become the program. */
typedef struct launch_failure {
    int stage;          /* 1: ptrace(PTRACE_TRACEME), 2: exec */
    int err;
} launch_failure;

static const char *yama_hint(void)
{
    FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
    int scope = -1;
    if (f) {
        if (fscanf(f, "%d", &scope) != 1)
            scope = -1;
        fclose(f);
    }
    switch (scope) {
    case 2:  return "kernel.yama.ptrace_scope is 2 (only root may trace): run as root, "
                    "or `sysctl kernel.yama.ptrace_scope=1`";
    case 3:  return "kernel.yama.ptrace_scope is 3 (no tracing at all until reboot)";
    default: return "tracing is forbidden here (a container's seccomp profile or an LSM); "
                    "see kernel.yama.ptrace_scope in the kernel's Yama documentation";
    }
}

int tracee_launch(tracee *t, char *const argv[], unsigned flags)
{
    memset(t, 0, sizeof *t);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return fail(t, TRACEE_ESYSTEM, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return fail(t, TRACEE_ESYSTEM, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        launch_failure lf = { 1, 0 };
        close(fds[0]);
        if (flags & TRACEE_NO_ASLR)
            personality(personality(0xffffffff) | ADDR_NO_RANDOMIZE);
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0) {
            execvp(argv[0], argv);
            lf.stage = 2;
        }
        lf.err = errno;
        if (write(fds[1], &lf, sizeof lf) < 0)
            _exit(127);
        _exit(127);
    }
    close(fds[1]);
    launch_failure lf;
    ssize_t got;
    while ((got = read(fds[0], &lf, sizeof lf)) < 0 && errno == EINTR)
        ;
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof lf) {
        if (lf.stage == 1)
            return fail(t, TRACEE_EPTRACE, "ptrace refused (%s): %s", strerror(lf.err),
                        yama_hint());
        if (lf.err == ENOENT || lf.err == ENOTDIR)
            return fail(t, TRACEE_ENOENT, "%s: not found", argv[0]);
        return fail(t, TRACEE_ENOEXEC, "%s: cannot execute: %s", argv[0], strerror(lf.err));
    }
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
        if (!WIFSTOPPED(st))
            return fail(t, TRACEE_ESYSTEM, "%s ended before its first instruction", argv[0]);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return fail(t, TRACEE_ESYSTEM, "%s: unexpected stop at exec", argv[0]);
    }
    t->pid = pid;
    guard(pid);
    long options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, pid, 0, options) != 0) {
        int e = errno;
        tracee_kill(t);
        return fail(t, TRACEE_EPTRACE, "ptrace(PTRACE_SETOPTIONS): %s", strerror(e));
    }
    tracee_thread *th = add_thread(t, pid);
    if (!th) {
        tracee_kill(t);
        return fail(t, TRACEE_ESYSTEM, "out of memory");
    }
    th->stopped = 1;
    return TRACEE_OK;
}

/* ---- stops ----------------------------------------------------------------- */

static int resume(tracee *t, tracee_thread *th, int sig)
{
    int req = th->tid == t->stepping ? PTRACE_SINGLESTEP : PTRACE_CONT;
    th->stopped = 0;
    th->at_break = 0;
    if (ptrace(req, th->tid, 0, sig) != 0 && errno != ESRCH)
        return -1;
    return 0;
}

/* A forked child of the program, stopped at its first instruction: take the
 * breakpoints out of its copy of memory and let it go. */
static void release_child(tracee *t, pid_t child)
{
    unplant_all(t, child);
    ptrace(PTRACE_DETACH, child, 0, 0);
}

/* Decides what the wait status st of thread tid means.  Returns 1 with *ev
 * filled when it is an event for the caller (the thread stays stopped), 0
 * when it was dealt with (the thread resumed, or gone), -1 on error.
 * t->holding: new threads stay stopped (tracee_stop_all). */
static int handle_stop(tracee *t, pid_t tid, int st, tracee_event *ev)
{
    tracee_thread *th = find_thread(t, tid);
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
        if (tid == t->pid) {
            t->ended = 1;
            t->status = st;
            t->nthreads = 0;
            ev->kind = TRACEE_EXITED;
            ev->tid = tid;
            ev->status = st;
            return 1;
        }
        remove_thread(t, tid);
        return 0;
    }
    if (!WIFSTOPPED(st))
        return 0;
    int sig = WSTOPSIG(st), event = (unsigned)st >> 16;
    if (!th) {
        /* A new thread (its stop came before its creator's clone event), or
         * a child the program forked. */
        if (tgid_of(tid) != t->pid) {
            release_child(t, tid);
            return 0;
        }
        if (!(th = add_thread(t, tid)))
            return -1;
        th->fresh = 1;
    }
    th->stopped = 1;
    if (sig == SIGTRAP && event) {
        unsigned long msg = 0;
        if (event == PTRACE_EVENT_CLONE && ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 &&
            !find_thread(t, (pid_t)msg)) {
            tracee_thread *n = add_thread(t, (pid_t)msg);
            if (!n)
                return -1;
            n->fresh = 1;
            th = find_thread(t, tid);   /* add_thread may have moved it */
        }
        return resume(t, th, 0);
    }
    if (th->fresh && sig == SIGSTOP) {
        th->fresh = 0;
        return t->holding ? 0 : resume(t, th, 0);
    }
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) != 0)
        return resume(t, th, 0);        /* a group-stop: carry on */
    if (sig == SIGTRAP && tid != t->stepping) {
        uintptr_t pc;
        if (machine_get_pc(tid, &pc) != 0)
            return -1;
        for (int i = 0; i < t->nbreaks; i++) {
            if (machine_pc_after_break(t->breaks[i].addr) != pc)
                continue;
            if (machine_set_pc(tid, t->breaks[i].addr) != 0)
                return -1;
            th->at_break = 1;
            ev->kind = TRACEE_BREAK;
            ev->tid = tid;
            ev->addr = t->breaks[i].addr;
            return 1;
        }
    }
    if (tracee_fatal_signal(sig)) {
        th->pending = sig;
        ev->kind = TRACEE_SIGNAL;
        ev->tid = tid;
        ev->signal = sig;
        ev->info = si;
        return 1;
    }
    if (tid == t->stepping && sig != SIGTRAP) {
        th->pending = sig;      /* after the step */
        return resume(t, th, 0);
    }
    if (tid == t->stepping) {
        ev->kind = TRACEE_STEPPED;
        ev->tid = tid;
        return 1;
    }
    return resume(t, th, sig);
}

static pid_t wait_any(int *st)
{
    pid_t p;
    while ((p = waitpid(-1, st, __WALL)) < 0 && errno == EINTR)
        ;
    return p;
}

int tracee_step(tracee *t, pid_t tid, tracee_event *ev)
{
    tracee_thread *th = find_thread(t, tid);
    if (!th || !th->stopped)
        return fail(t, TRACEE_ESYSTEM, "thread %d is not stopped", (int)tid);
    uintptr_t pc;
    if (machine_get_pc(tid, &pc) != 0)
        return fail(t, TRACEE_ESYSTEM, "cannot read thread %d's registers: %s", (int)tid,
                    strerror(errno));
    tracee_break *b = find_break(t, pc);
    if (b)
        poke_bytes(t->pid, pc, b->saved, machine_break_len);
    t->stepping = tid;
    int sig = th->pending;
    th->pending = 0;
    int r = resume(t, th, tracee_fatal_signal(sig) ? sig : 0);
    if (!tracee_fatal_signal(sig))
        th->pending = sig;
    while (r == 0) {
        int st;
        pid_t p = wait_any(&st);
        if (p < 0) {
            r = fail(t, TRACEE_ESYSTEM, "waitpid: %s", strerror(errno));
            break;
        }
        tracee_event other;
        if (p != tid) {
            /* Another thread's event during the step: it stays stopped and
             * will meet its breakpoint or fault again when resumed. */
            int h = handle_stop(t, p, st, &other);
            if (h == 1 && other.kind == TRACEE_EXITED) {
                *ev = other;
                r = TRACEE_EXITED;
            } else if (h == 1) {
                tracee_thread *o = find_thread(t, p);
                if (o)
                    o->pending = 0;
            } else if (h < 0) {
                r = fail(t, TRACEE_ESYSTEM, "ptrace: %s", strerror(errno));
            }
            continue;
        }
        int h = handle_stop(t, p, st, ev);
        if (h < 0)
            r = fail(t, TRACEE_ESYSTEM, "ptrace: %s", strerror(errno));
        else if (h == 1)
            r = ev->kind;
        if (ev->kind == TRACEE_EXITED && h == 1)
            break;
    }
    t->stepping = 0;
    if (b && !t->ended)
        poke_bytes(t->pid, b->addr, machine_break_insn, machine_break_len);
    return r;
}

int tracee_run(tracee *t, tracee_event *ev)
{
    if (t->ended)
        return fail(t, TRACEE_ESYSTEM, "the program has ended");
    /* Threads standing on a breakpoint step over it first (listed before
     * stepping: a step may add threads). */
    int n = 0;
    pid_t *on = malloc((t->nthreads + 1) * sizeof *on);
    if (!on)
        return fail(t, TRACEE_ESYSTEM, "out of memory");
    for (int i = 0; i < t->nthreads; i++) {
        uintptr_t pc;
        tracee_thread *th = &t->threads[i];
        if (th->stopped && th->at_break && machine_get_pc(th->tid, &pc) == 0 && find_break(t, pc))
            on[n++] = th->tid;
    }
    for (int i = 0; i < n; i++) {
        int r = find_thread(t, on[i]) ? tracee_step(t, on[i], ev) : TRACEE_STEPPED;
        if (r != TRACEE_STEPPED) {
            free(on);
            return r;
        }
    }
    free(on);
    for (int i = 0; i < t->nthreads; i++) {
        tracee_thread *th = &t->threads[i];
        if (th->stopped && !th->fresh) {
            int sig = th->pending;
            th->pending = 0;
            if (resume(t, th, sig) != 0)
                return fail(t, TRACEE_ESYSTEM, "ptrace(PTRACE_CONT): %s", strerror(errno));
        }
    }
    for (;;) {
        int st;
        pid_t p = wait_any(&st);
        if (p < 0)
            return fail(t, TRACEE_ESYSTEM, "waitpid: %s", strerror(errno));
        int h = handle_stop(t, p, st, ev);
        if (h < 0)
            return fail(t, TRACEE_ESYSTEM, "ptrace: %s", strerror(errno));
        if (h == 1)
            return ev->kind;
    }
}

int tracee_stop_all(tracee *t)
{
    if (t->ended)
        return 0;
    int waiting = 0;
    for (int i = 0; i < t->nthreads; i++) {
        tracee_thread *th = &t->threads[i];
        if (!th->stopped && !th->fresh) {
            syscall(SYS_tgkill, t->pid, th->tid, SIGSTOP);
            th->stopping = 1;
        }
    }
    t->holding = 1;
    for (;;) {
        waiting = 0;
        for (int i = 0; i < t->nthreads; i++)
            if (t->threads[i].stopping || t->threads[i].fresh)
                waiting = 1;
        if (!waiting)
            break;
        int st;
        pid_t p = wait_any(&st);
        if (p < 0)
            break;
        tracee_thread *th = find_thread(t, p);
        if (th && th->stopping && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && !(st >> 16)) {
            th->stopping = 0;
            th->stopped = 1;
            continue;
        }
        tracee_event ev;
        int h = handle_stop(t, p, st, &ev);
        if (h == 1 && ev.kind == TRACEE_EXITED)
            break;
        if (h == 1) {
            /* A breakpoint or fault met on the way to the stop: the thread is
             * at the breakpoint (or the faulting instruction) again and meets
             * it again when resumed; its SIGSTOP is still to come. */
            th = find_thread(t, p);
            th->pending = 0;
            if (th->stopping)
                resume(t, th, 0);
        }
    }
    t->holding = 0;
    return 0;
}

int tracee_finish(tracee *t)
{
    if (!t->ended) {
        tracee_stop_all(t);
        if (!t->ended) {
            tracee_break_remove_all(t);
            released = 1;
            for (int i = 0; i < t->nthreads; i++)
                ptrace(PTRACE_DETACH, t->threads[i].tid, 0, t->threads[i].pending);
            t->nthreads = 0;
            int st;
            while (waitpid(t->pid, &st, 0) < 0)
                if (errno != EINTR) {
                    guarded = 0;
                    return fail(t, -1, "waitpid: %s", strerror(errno));
                }
            t->ended = 1;
            t->status = st;
        }
    }
    guarded = 0;
    free(t->threads);
    free(t->breaks);
    t->threads = NULL;
    t->breaks = NULL;
    return t->status;
}

void tracee_kill(tracee *t)
{
    if (t->pid > 0 && !t->ended) {
        kill(t->pid, SIGKILL);
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, __WALL)) > 0 || (p < 0 && errno == EINTR))
            if (p == t->pid && (WIFEXITED(st) || WIFSIGNALED(st)))
                break;
        t->ended = 1;
        t->status = st;
    }
    guarded = 0;
    free(t->threads);
    free(t->breaks);
    t->threads = NULL;
    t->breaks = NULL;
}
