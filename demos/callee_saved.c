/*
 * callee_saved: the registers a function must give back, and what happens
 * when an assembly routine forgets.
 *
 * The three routines of callee_saved.S all return a + b + c + d.  The first
 * saves the callee-saved registers it uses; the other two do not.  Their
 * results are right, so a test that only checks results passes; the checked
 * call (sl_checked_call in stacklab/abi.h) catches them by loading the
 * callee-saved registers with random values before the call and comparing
 * them after.  Then we run the bad routines without the check, each in a
 * child process, and watch a C caller go wrong.
 */
#include <stacklab/abi.h>
#include <stacklab/dot.h>
#include <stacklab/frames.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lecture.h"

typedef long (*sum_fn)(long, long, long, long);

long cs_sum_good(long a, long b, long c, long d);
long cs_sum_clobbers(long a, long b, long c, long d);
long cs_sum_clobbers_rbp(long a, long b, long c, long d);

/* ---- the checked call ---------------------------------------------------- */

static void checked(const char *name, sum_fn fn)
{
    sl_check_report report;
    memset(&report, 0, sizeof report);
    long r = sl_checked_call(&report, fn, 1, 2, 3, 4);
    char result[32];
    snprintf(result, sizeof result, "%ld", r);
    if (report.ok)
        lecture_say("%-22s returned %s   %s", name, lecture_em(result),
                    lecture_good("ok: every callee-saved register preserved"));
    else
        lecture_say("%-22s returned %s   %s %s", name, lecture_em(result),
                    lecture_bad("NOT preserved:"), lecture_bad(report.clobbered));
    /* The canaries are random on every run: --stable does not print them. */
    for (int i = 0; i < report.reg_count; i++)
        if (report.reg[i].expected != report.reg[i].found && lecture_stable())
            lecture_code("    %-4s  before the call a random canary   after it %#lx",
                         report.reg[i].name, (unsigned long)report.reg[i].found);
        else if (report.reg[i].expected != report.reg[i].found)
            lecture_code("    %-4s  before the call %#018lx   after it %#lx",
                         report.reg[i].name, (unsigned long)report.reg[i].expected,
                         (unsigned long)report.reg[i].found);
}

/* ---- without the check: a C caller, in a child process --------------------- */

/* Keeps its loop state (fn, n, i, total) in callee-saved registers across
 * the calls, as compiled code does: that is what those registers are for. */
static __attribute__((noinline)) long total_of(sum_fn fn, long n)
{
    long total = 0;
    for (long i = 1; i <= n; i++)
        total += fn(i, 2 * i, 3 * i, 4 * i);
    return total;
}

/* Walks the stack both ways from just below a caller whose rbp was
 * clobbered, and says how far each walk got. */
static __attribute__((noinline)) void report_walks(void)
{
    for (int w = 0; w < 2; w++) {
        sl_stack s = { 0 };
        int frames = sl_stack_capture(&s, w == 0 ? SL_WALK_FP : SL_WALK_CFI);
        char what[200];
        snprintf(what, sizeof what, "%d frame%s, then: %s", frames, frames == 1 ? "" : "s",
                 sl_stack_stop_string(s.stop));
        lecture_say("%s walk from there: %s", w == 0 ? "frame-pointer" : "CFI          ",
                    lecture_bad(what));
        sl_stack_release(&s);
    }
    fflush(stdout);
}

/* A variable-length array makes the epilogue restore rsp from rbp (it cannot
 * know the frame size), so a clobbered rbp becomes a clobbered rsp. */
static __attribute__((noinline)) long walk_then_return(sum_fn fn, int n)
{
    long parts[n];
    for (int i = 0; i < n; i++)
        parts[i] = fn(1, 2, 3, 4);
    report_walks();
    long t = 0;
    for (int i = 0; i < n; i++)
        t += parts[i];
    return t;
}

/* Runs what(fn) in a child; returns its wait status and the value it sent. */
static int in_child(long (*what)(sum_fn), sum_fn fn, long *value)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(1);                   /* a corrupted loop counter must not hang the lecture */
        long v = what(fn);
        if (write(fds[1], &v, sizeof v) != (ssize_t)sizeof v)
            _exit(3);
        _exit(0);
    }
    close(fds[1]);
    int status = -1;
    *value = 0;
    bool got = pid > 0 && read(fds[0], value, sizeof *value) == (ssize_t)sizeof *value;
    close(fds[0]);
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return got ? status : (status ? status : -1);
}

/* Volatile, so the compilers cannot specialise the callers for constants. */
static volatile long loop_count = 4;
static volatile int parts_count = 1;

static long run_total(sum_fn fn) { return total_of(fn, loop_count); }
static long run_walk(sum_fn fn) { return walk_then_return(fn, parts_count); }

/* One line: what the child running with `with` came to. */
static void describe_child(const char *with, int status, long value, long expected,
                           bool pointer_hint)
{
    char v[96], who[64];
    snprintf(who, sizeof who, "%-20s", with);
    if (status == 0) {
        snprintf(v, sizeof v, "%ld", value);
        if (value == expected)
            lecture_say("%s the caller got %s: right", lecture_note(who), lecture_good(v));
        else
            lecture_say("%s the caller got %s instead of %ld", lecture_note(who),
                        lecture_bad(v), expected);
    } else if (status > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        lecture_say("%s the child %s: its loop never ends", lecture_note(who),
                    lecture_bad("was stopped after a second"));
    } else if (status > 0 && WIFSIGNALED(status)) {
        snprintf(v, sizeof v, "was killed by SIG%s (%s)", sigabbrev_np(WTERMSIG(status)),
                 strsignal(WTERMSIG(status)));
        lecture_say("%s the child %s%s", lecture_note(who), lecture_bad(v),
                    pointer_hint && WTERMSIG(status) == SIGSEGV ? ": a pointer the caller kept in one of the "
                    "clobbered registers now holds a small number" : "");
    } else {
        lecture_say("%s the child ended with status %d", lecture_note(who), status);
    }
}

/* ---- where a correct routine saves them ------------------------------------ */

static long diagram_inside(void *unused)
{
    (void)unused;
    sl_stack s = { 0 };
    if (sl_stack_capture(&s, SL_WALK_CFI) > 1) {
        sl_stack_symbolize(&s);
        for (int i = 0; i < s.count; i++) {
            const sl_frame *f = &s.frames[i];
            if (strcmp(f->function, "sl_asm_saves_registers") != 0)
                continue;
            lecture_say("%s saved, read back from its CFI:", lecture_note(f->function));
            for (int k = 0; k < f->saved_count; k++)
                lecture_code("%-4s at CFA%s  (%s)", f->saved[k].name,
                             lecture_offset((intptr_t)(f->saved[k].slot - f->cfa)),
                             lecture_stable() ? "address hidden by --stable"
                                              : lecture_addr((void *)f->saved[k].slot));
        }
    }
    sl_stack_release(&s);

    lecture_draw_stack("callee_saved", "callee-saved registers spilled by sl_asm_saves_registers",
               "sl_asm_saves_registers");
    return 0;
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "callee_saved",
                  "Callee-saved registers: the checked call catches a routine that "
                  "clobbers them.",
                  "Runs a correct and two buggy assembly routines through sl_checked_call,\n"
                  "then runs the buggy ones unchecked in child processes.\n\n"
                  "Diagrams:\n"
                  "  callee_saved.svg   the stack inside sl_asm_saves_registers, with its spills\n");

    lecture_step("The rule");
    lecture_say("System V AMD64: %s are callee-saved. A function may use them only if it "
                "restores them before it returns; every other register may be overwritten "
                "by any call.", lecture_note("rbx, rbp, r12, r13, r14, r15"));
    lecture_say("So a compiler keeps values that must survive a call in those registers. "
                "Here is a routine (demos/callee_saved.S) that forgets the rule:");
    lecture_code("cs_sum_clobbers:                    # long f(long a, long b, long c, long d)");
    lecture_code("    lea  (%%rdi,%%rsi), %%rbx          # BUG: rbx is the caller's");
    lecture_code("    lea  (%%rdx,%%rcx), %%r13          # BUG: so is r13");
    lecture_code("    lea  (%%rbx,%%r13), %%rax");
    lecture_code("    ret");
    lecture_step("The checked call catches it");
    lecture_say("sl_checked_call loads rbx, rbp and r12-r15 with random values, calls the "
                "routine with the stack aligned as the ABI requires, compares, and restores "
                "the caller's registers whatever happened:");
    checked("cs_sum_good", cs_sum_good);
    checked("cs_sum_clobbers", cs_sum_clobbers);
    checked("cs_sum_clobbers_rbp", cs_sum_clobbers_rbp);
    lecture_say("All three return the right sum: a test that only checks results passes "
                "the buggy routines too.");

    lecture_step("Without the check: the caller's variables change under it");
    lecture_code("long total = 0;                      /* compiled C, in a child process */");
    lecture_code("for (long i = 1; i <= 4; i++)");
    lecture_code("    total += f(i, 2 * i, 3 * i, 4 * i);   /* should be 10 + 20 + 30 + 40 */");
    long value;
    int status = in_child(run_total, cs_sum_good, &value);
    describe_child("cs_sum_good", status, value, 100, true);
    status = in_child(run_total, cs_sum_clobbers, &value);
    describe_child("cs_sum_clobbers", status, value, 100, true);
    lecture_say("The compiler keeps fn, n, i and total in callee-saved registers across the "
                "call, trusting the ABI; the routine replaced two of them with its scratch "
                "values. The fault shows up in the caller, never in the routine with the bug.");

    lecture_step("Clobbering rbp: the backtrace breaks, then the return crashes");
    lecture_say("After f(1, 2, 3, 4) the caller's rbp holds a + b = 3 (in a child process):");
    status = in_child(run_walk, cs_sum_clobbers_rbp, &value);
    describe_child("cs_sum_clobbers_rbp", status, value, 10, false);
    if (status > 0 && WIFSIGNALED(status))
        lecture_say("Both walks need the caller's rbp: the FP walk follows it, and the caller's "
                    "CFI says CFA = rbp + 16. Then the caller's epilogue (lea -N(%%rbp), %%rsp; "
                    "pops; ret) loaded rsp from rbp, and its return crashed.");
    else
        lecture_say("Both walks need the caller's rbp: the FP walk follows it, and the caller's "
                    "CFI says CFA = rbp + 16. %s", lecture_dim("(This time the caller's epilogue "
                    "did not read rbp: the bad value travels on to its own caller.)"));

    lecture_step("Doing it right: save, use, restore (with CFI saying where)");
    lecture_say("sl_asm_saves_registers pushes rbx and r12-r15, uses them, pops them, and "
                "tells the unwinder with .cfi_offset where each one is:");
    sl_asm_saves_registers(diagram_inside, NULL);
    return lecture_end();
}
