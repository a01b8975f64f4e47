/*
 * test_target.c: the target suite.  The calling thread's target reads
 * without faulting; a ptrace target captures another process's stack, and
 * that stack must equal the one the process captured of itself: every
 * frame's pc, sp, CFA, slots and spills, and every name.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stacklab/frames.h>
#include <stacklab/target.h>
#include "harness.h"
#include "test_arch.h"

/* ---- the calling thread ----------------------------------------------------- */

static void test_self_read(void)
{
    const sl_target *t = sl_target_self();
    CU_ASSERT_EQUAL(t->pid, getpid());
    CU_ASSERT_TRUE(t->self);

    char text[] = "read me <>&";
    char buf[sizeof text];
    CU_ASSERT_EQUAL(sl_target_read(t, (uintptr_t)text, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, text);
    uintptr_t w, here = (uintptr_t)&w;
    *(volatile uintptr_t *)&w = 0;
    CU_ASSERT_EQUAL(sl_target_read_word(t, (uintptr_t)&here, &w), 0);
    CU_ASSERT_EQUAL(w, here);

    /* Unmapped addresses fail whole, without a fault. */
    CU_ASSERT_EQUAL(sl_target_read(t, 0, buf, 1), -1);
    CU_ASSERT_EQUAL(sl_target_read(t, 8, buf, 8), -1);
    CU_ASSERT_EQUAL(sl_target_read(t, UINTPTR_MAX - 3, buf, 8), -1);
}

__attribute__((noinline)) static uintptr_t regs_here(sl_regs *r)
{
    int ok = sl_target_regs(sl_target_self(), r) == 0;
    __asm__ volatile("" ::: "memory");
    return ok ? (uintptr_t)__builtin_frame_address(0) : 0;
}

static void test_self_regs_and_bounds(void)
{
#ifdef SL_WITHOUT_DWARF_LIBS
    sl_test_not_here("no libunwind to recover the caller's registers (riscv64)");
    return;
#endif
    sl_regs r;
    uintptr_t fp = regs_here(&r);
    CU_ASSERT_NOT_EQUAL_FATAL(fp, 0);
    /* Registers of the caller of sl_target_regs: its frame pointer, a pc
     * inside regs_here, a stack pointer below its frame record. */
    CU_ASSERT_EQUAL(r.fp, fp);
    CU_ASSERT_TRUE(r.sp <= fp && fp - r.sp < 4096);
    CU_ASSERT_TRUE(r.pc > (uintptr_t)regs_here && r.pc < (uintptr_t)regs_here + 256);

    uintptr_t lo, hi, lo2, hi2;
    CU_ASSERT_EQUAL(sl_target_stack_bounds(sl_target_self(), &lo, &hi), 0);
    CU_ASSERT_EQUAL(sl_thread_stack_bounds(&lo2, &hi2), 0);
    CU_ASSERT_EQUAL(lo, lo2);
    CU_ASSERT_EQUAL(hi, hi2);
    CU_ASSERT_TRUE(r.sp >= lo && r.sp < hi);
}

/* sl_stack_capture_target with the calling thread is sl_stack_capture. */
__attribute__((noinline)) static void capture_both(sl_stack *a, sl_stack *b, sl_walker w)
{
    sl_stack_capture(a, w);
    sl_stack_capture_target(b, sl_target_self(), w);
    __asm__ volatile("" ::: "memory");
}

static void test_self_capture_target(void)
{
#ifdef SL_WITHOUT_DWARF_LIBS
    const int last = SL_WALK_FP;                /* riscv64: no CFI walk */
#else
    const int last = SL_WALK_CFI;
#endif
    for (int w = SL_WALK_FP; w <= last; w++) {
        sl_stack a = {0}, b = {0};
        capture_both(&a, &b, (sl_walker)w);
        CU_ASSERT_TRUE(a.count > 2);
        CU_ASSERT_EQUAL(a.count, b.count);
        CU_ASSERT_PTR_NULL(b.target);
        for (int i = 1; i < a.count && i < b.count; i++) {
            CU_ASSERT_EQUAL(a.frames[i].pc, b.frames[i].pc);
            CU_ASSERT_EQUAL(a.frames[i].cfa, b.frames[i].cfa);
        }
        sl_stack_release(&a);
        sl_stack_release(&b);
    }
}

/* ---- a stopped process ------------------------------------------------------- */

/* What the child says about its own stack, through a pipe. */
#define REMOTE_FRAMES 32
struct reported {
    int count;
    sl_walk_stop stop;
    sl_frame frames[REMOTE_FRAMES];
    char names[REMOTE_FRAMES][64];
};

static int report_fd;
static struct reported report;

/* The child captures itself, symbolizes, writes the result and then stops
 * at a breakpoint in the same function, where the parent captures it. */
__attribute__((noinline)) static void remote_deepest(sl_walker w)
{
    sl_stack s = {0};
    sl_stack_capture(&s, w);
    sl_stack_symbolize(&s);
    report.count = s.count < REMOTE_FRAMES ? s.count : REMOTE_FRAMES;
    report.stop = s.stop;
    for (int i = 0; i < report.count; i++) {
        report.frames[i] = s.frames[i];
        snprintf(report.names[i], sizeof report.names[i], "%s", s.frames[i].function);
    }
    sl_stack_release(&s);
    if (write(report_fd, &report, sizeof report) != (ssize_t)sizeof report)
        _exit(3);
    SL_TEST_BREAKPOINT();           /* the parent (our tracer) sees SIGTRAP */
}

__attribute__((noinline)) static void remote_descend(int n, sl_walker w)
{
    if (n == 0)
        remote_deepest(w);
    else
        remote_descend(n - 1, w);
    __asm__ volatile("" ::: "memory");
}

/* Forks a child that stops itself at the breakpoint; returns its pid with
 * its own report read into *r, or -1 (ptrace not permitted: *why says). */
static pid_t start_stopped_child(sl_walker w, struct reported *r, const char **why)
{
    int fd[2];
    *why = "pipe";
    if (pipe(fd) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fd[0]);
        report_fd = fd[1];
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
            report.count = -1;     /* Yama scope 3, or no permission */
            report.stop = (sl_walk_stop)errno;  /* (ENOSYS: qemu-user has no ptrace) */
            if (write(fd[1], &report, sizeof report) < 0)
                _exit(4);
            _exit(2);
        }
        remote_descend(5, w);
        _exit(1);
    }
    close(fd[1]);
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t n = read(fd[0], (char *)r + got, sizeof *r - got);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        if (n > 0)
            got += (size_t)n;
    }
    close(fd[0]);
    int status;
    if (got != sizeof *r || r->count < 0 ||
        waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
        *why = got == sizeof *r && r->count < 0 && (int)r->stop == ENOSYS
                   ? "no ptrace here (qemu-user does not emulate it)"
             : got == sizeof *r && r->count < 0 ? "PTRACE_TRACEME not permitted" : "no stop";
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    return pid;
}

static void end_child(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

static void check_remote(sl_walker w)
{
    struct reported *mine = calloc(1, sizeof *mine);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mine);
    const char *why;
    pid_t pid = start_stopped_child(w, mine, &why);
    if (pid < 0) {
        if (strstr(why, "qemu-user"))
            sl_test_not_here(why);
        else
            CU_FAIL(why);
        free(mine);
        return;
    }
    sl_target t;
    CU_ASSERT_EQUAL_FATAL(sl_target_ptrace(&t, pid, pid), 0);
    CU_ASSERT_FALSE(t.self);

    sl_stack s = {0};
    int n = sl_stack_capture_target(&s, &t, w);
    CU_ASSERT_TRUE(n >= 8);
    CU_ASSERT_PTR_EQUAL(s.target, &t);
    sl_stack_symbolize(&s);

    /* Frame 0 stopped at the breakpoint in remote_deepest, where the child
     * had called sl_stack_capture: the same function, frame and CFA. */
    CU_ASSERT_EQUAL_FATAL(n, mine->count);
    CU_ASSERT_STRING_EQUAL(s.frames[0].function, "remote_deepest");
    CU_ASSERT_STRING_EQUAL(mine->names[0], "remote_deepest");
    CU_ASSERT_EQUAL(s.frames[0].cfa, mine->frames[0].cfa);
    CU_ASSERT_EQUAL(s.frames[0].fp, mine->frames[0].fp);
    CU_ASSERT_EQUAL(s.frames[0].return_address_slot, mine->frames[0].return_address_slot);

    /* Every caller: identical records, read through the target. */
    for (int i = 1; i < n && i < mine->count; i++) {
        const sl_frame *a = &s.frames[i], *b = &mine->frames[i];
        CU_ASSERT_EQUAL(a->pc, b->pc);
        CU_ASSERT_EQUAL(a->sp, b->sp);
        CU_ASSERT_EQUAL(a->fp, b->fp);
        CU_ASSERT_EQUAL(a->cfa, b->cfa);
        CU_ASSERT_EQUAL(a->return_address_slot, b->return_address_slot);
        CU_ASSERT_EQUAL(a->saved_fp_slot, b->saved_fp_slot);
        CU_ASSERT_EQUAL(a->saved_fp_value, b->saved_fp_value);
        CU_ASSERT_EQUAL(a->canary_slot, b->canary_slot);
        CU_ASSERT_EQUAL(a->flags, b->flags);
        CU_ASSERT_EQUAL_FATAL(a->saved_count, b->saved_count);
        for (int k = 0; k < a->saved_count; k++) {
            CU_ASSERT_STRING_EQUAL(a->saved[k].name, b->saved[k].name);
            CU_ASSERT_EQUAL(a->saved[k].slot, b->saved[k].slot);
        }
        CU_ASSERT_STRING_EQUAL(a->function, mine->names[i]);
    }
    for (int i = 1; i <= 6; i++)
        CU_ASSERT_STRING_EQUAL(s.frames[i].function, "remote_descend");
    CU_ASSERT_EQUAL(s.stop, mine->stop);

    sl_stack_release(&s);
    sl_target_release(&t);
    end_child(pid);
    free(mine);
}

static void test_ptrace_cfi(void)
{
    if (sl_under_valgrind())
        return;     /* the child's registers would be valgrind's, not the program's */
    check_remote(SL_WALK_CFI);
}

static void test_ptrace_fp(void)
{
    if (sl_under_valgrind())
        return;
    check_remote(SL_WALK_FP);
}

static void test_ptrace_errors(void)
{
    sl_target t;
    CU_ASSERT_EQUAL(sl_target_ptrace(&t, 0, 0), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    /* Our parent is not stopped under our ptrace: no registers. */
    CU_ASSERT_EQUAL(sl_target_ptrace(&t, getppid(), getppid()), -1);
    CU_ASSERT_EQUAL(sl_target_read(NULL, 0, NULL, 0), -1);
}

void suite_target(void)
{
    CU_pSuite s = CU_add_suite("target", NULL, NULL);
    CU_add_test(s, "self: reads, unmapped reads fail", test_self_read);
    CU_add_test(s, "self: registers of the caller, stack bounds", test_self_regs_and_bounds);
    CU_add_test(s, "self: capture_target is capture", test_self_capture_target);
    CU_add_test(s, "ptrace: CFI walk of a stopped child equals its own", test_ptrace_cfi);
    CU_add_test(s, "ptrace: FP walk of a stopped child equals its own", test_ptrace_fp);
    CU_add_test(s, "ptrace: errors", test_ptrace_errors);
}
