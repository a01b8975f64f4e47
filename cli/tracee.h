/*
 * tracee.h: a program run under ptrace, stopped where we ask.
 *
 * The stop-and-step machinery every `stacklab` subcommand shares (snap and
 * maps stop once; film steps many times): launch a program with its own
 * stdin/stdout/stderr, plant breakpoints, run to the next event (a
 * breakpoint hit, a fatal signal before it is delivered, the end of the
 * program), single-step, stop the other threads, and finally let the
 * program run on untraced to its end and return its status.
 *
 *     tracee t;
 *     if (tracee_launch(&t, argv, 0) < 0) ...       // t.error says why
 *     tracee_break_insert(&t, addr);
 *     tracee_event ev;
 *     while (tracee_run(&t, &ev) == TRACEE_BREAK && ++hits < n)
 *         ;
 *     ... read the stopped thread ev.tid through the target interface ...
 *     int status = tracee_finish(&t);               // the program's status
 *
 * Children the program forks run untraced (breakpoints removed from their
 * copy of memory); threads are followed.  While a tracee exists, a signal
 * that ends this process (Ctrl-C, SIGTERM, a crash of our own) kills the
 * program too: a traced program is never left stopped or orphaned.
 */
#ifndef STACKLAB_CLI_TRACEE_H
#define STACKLAB_CLI_TRACEE_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* tracee_launch flags. */
enum {
    TRACEE_NO_ASLR = 1u << 0    /* personality(ADDR_NO_RANDOMIZE) in the program */
};

/* What tracee_launch and tracee_run return. */
typedef enum {
    TRACEE_BREAK = 1,           /* a thread reached a breakpoint (stopped there) */
    TRACEE_SIGNAL = 2,          /* a thread is about to get a fatal signal */
    TRACEE_STEPPED = 3,         /* tracee_step: the thread did one instruction */
    TRACEE_EXITED = 4,          /* the program ended: ev->status */
    TRACEE_OK = 0,
    TRACEE_ENOENT = -1,         /* launch: the program was not found */
    TRACEE_ENOEXEC = -2,        /* launch: the program cannot be executed */
    TRACEE_EPTRACE = -3,        /* ptrace was refused (errno in t->error) */
    TRACEE_ESYSTEM = -4         /* fork, wait or another call failed */
} tracee_result;

typedef struct tracee_event {
    tracee_result kind;
    pid_t tid;                  /* the thread that stopped */
    uintptr_t addr;             /* TRACEE_BREAK: the breakpoint's address */
    int signal;                 /* TRACEE_SIGNAL: the signal number */
    siginfo_t info;             /* TRACEE_SIGNAL: its siginfo (si_addr...) */
    int status;                 /* TRACEE_EXITED: the wait status */
} tracee_event;

typedef struct tracee_thread {
    pid_t tid;
    int stopped;                /* in a ptrace stop, ours to resume */
    int pending;                /* signal to deliver when resumed, 0: none */
    int fresh;                  /* auto-attached: its initial SIGSTOP is due */
    int at_break;               /* stopped by a breakpoint it has not yet passed */
    int stopping;               /* sent SIGSTOP by tracee_stop_all, not yet stopped */
} tracee_thread;

typedef struct tracee_break {
    uintptr_t addr;
    uint8_t saved[16];          /* the bytes the breakpoint covers */
} tracee_break;

typedef struct tracee {
    pid_t pid;                  /* the program (its main thread) */
    tracee_thread *threads;
    int nthreads, cthreads;
    tracee_break *breaks;
    int nbreaks, cbreaks;
    pid_t stepping;             /* the thread being single-stepped, 0: none */
    int holding;                /* new threads stay stopped (tracee_stop_all) */
    int ended;                  /* the program has ended: status holds how */
    int status;                 /* its wait status */
    char error[256];            /* why the last call failed, one sentence */
} tracee;

/* Starts argv[0] (searched in PATH as a shell does) stopped at its first
 * instruction after exec.  Returns 0 or a negative tracee_result. */
int tracee_launch(tracee *t, char *const argv[], unsigned flags);

/* Plants a breakpoint at addr in the program.  0, or -1 (t->error). */
int tracee_break_insert(tracee *t, uintptr_t addr);

/* Removes the breakpoint at addr (none there: nothing happens). */
void tracee_break_remove(tracee *t, uintptr_t addr);

/* Removes every breakpoint from the program's memory. */
void tracee_break_remove_all(tracee *t);

/* Resumes every stopped thread (stepping over a breakpoint where one stands)
 * and waits for the next event: TRACEE_BREAK (ev->tid stopped with its pc at
 * the breakpoint), TRACEE_SIGNAL (ev->tid stopped before a fatal signal is
 * delivered; it is delivered when the thread runs on), or TRACEE_EXITED.
 * Other signals reach the program as usual.  Negative on error. */
int tracee_run(tracee *t, tracee_event *ev);

/* Executes one instruction in stopped thread tid (over a breakpoint if one
 * stands at its pc), other threads staying as they are.  Returns
 * TRACEE_STEPPED, or another event that happened instead. */
int tracee_step(tracee *t, pid_t tid, tracee_event *ev);

/* Stops every running thread (so all can be read).  0, or negative. */
int tracee_stop_all(tracee *t);

/* Removes the breakpoints, lets every thread run on untraced (a pending
 * fatal signal is delivered) and waits for the program to end.  Returns its
 * wait status, or -1. */
int tracee_finish(tracee *t);

/* Kills the program and reaps it. */
void tracee_kill(tracee *t);

/* Reads n bytes of the program's memory at addr.  0, or -1. */
int tracee_read(const tracee *t, uintptr_t addr, void *buf, size_t n);

/* The signal numbers that end a program by default with a core dump and that
 * tracee_run reports before delivery: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT. */
int tracee_fatal_signal(int sig);

/* The exit status a shell gives for wait status st (128 + signal). */
int tracee_exit_code(int st);

#endif
