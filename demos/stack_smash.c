/*
 * stack_smash: a buffer overflow, with and without the stack protector.
 *
 * The same function, "copy n bytes into char buf[16]" with no bounds check,
 * is compiled twice: stack_smash-protected.c with -fstack-protector-all and
 * stack_smash-unprotected.c with -fno-stack-protector.  We first look at the
 * protected frame (buffer, canary, saved rbp, return address), then overflow
 * each version in a child process, so the lecture survives what follows:
 *   protected:   the canary is overwritten, the epilogue notices, abort;
 *   unprotected: the return address is overwritten: a crash, or a hijack.
 */
#include <stacklab/dot.h>
#include <stacklab/frames.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lecture.h"

void ss_protected_copy(const char *src, size_t n, void (*inside)(char *buf));
void ss_unprotected_copy(const char *src, size_t n, void (*inside)(char *buf));

/* The frame of a copy function as seen from inside it. */
static struct layout {
    uintptr_t buf, canary, saved_fp, return_address, cfa;
    bool have_canary;
    char caller[64];                /* where its return address leads */
} protected_frame, unprotected_frame;

/* The canary as the protected frame held it. */
static uint64_t canary_value;

/* Reads the frame of the copy function: the innermost frame whose saved
 * frame pointer lies above buf.  The CFI walk, because it is the one that
 * finds the canary (where the function's code stores %fs:0x28). */
static void measure(char *buf, struct layout *l)
{
    sl_stack s = { 0 };
    memset(l, 0, sizeof *l);
    l->buf = (uintptr_t)buf;
    sl_stack_capture(&s, SL_WALK_CFI);
    sl_stack_symbolize(&s);
    for (int i = 0; i < s.count; i++) {
        const sl_frame *f = &s.frames[i];
        if (f->saved_fp_slot <= l->buf)
            continue;
        l->saved_fp = f->saved_fp_slot;
        l->return_address = f->return_address_slot;
        l->cfa = f->cfa;
        l->have_canary = (f->flags & SL_FRAME_CANARY) != 0;
        l->canary = f->canary_slot;
        if (i + 1 < s.count)
            snprintf(l->caller, sizeof l->caller, "%s", s.frames[i + 1].function);
        break;
    }
    sl_stack_release(&s);
}

static void look_protected(char *buf)
{
    measure(buf, &protected_frame);
    if (protected_frame.have_canary)
        canary_value = *(const uint64_t *)protected_frame.canary;

    lecture_draw_stack("stack_smash", "ss_protected_copy: char buf[16] below the canary",
               "ss_protected_copy");
}

static void look_unprotected(char *buf)
{
    measure(buf, &unprotected_frame);
}

/* The protected frame again, in the child, after the overflow and before
 * the epilogue's check: buf's bytes, and the 'A's where the canary was (the
 * walk no longer finds a canary there, nor a way back past the return
 * address). */
static void look_smashed(char *buf)
{
    /* (this frame is deeper than the one measured: the same offset from buf) */
    const struct layout *p = &protected_frame;
    char text[96];
    snprintf(text, sizeof text, "at CFA-%lu, now 'AAAAAAAA': the epilogue's\n"
             "check will call __stack_chk_fail", (unsigned long)(p->cfa - p->canary));
    sl_dot_note note = {
        .title = "the canary was here",
        .text = text,
        .address = (uintptr_t)buf + (p->canary - p->buf),
    };
    sl_dot_options o = SL_DOT_DEFAULTS;
    o.title = "after the overflow: buf[16], the canary and the return address hold 'A's";
    o.relative = lecture_stable();
    o.highlight = "ss_protected_copy";
    o.skip_frames = 1;                  /* this function */
    o.stop_at = "ss_protected_copy";    /* its return address leads nowhere now */
    o.notes = &note;
    o.note_count = 1;
    if (sl_diagram_here(lecture_diagram_path("stack_smash-after.dot"), &o) == 0)
        lecture_diagram_render("stack_smash-after");
    else
        lecture_fail("%s", sl_dot_last_error());
}

/* Where the hijacked return lands.  It is entered by a ret, not a call, so
 * the stack is 8 bytes off the ABI's alignment: realign before anything else,
 * and leave by _exit, since there is no caller to return to. */
__attribute__((noinline, noreturn, force_align_arg_pointer))
static void ss_hijacked(void)
{
    static const char msg[] = "   >>> ss_hijacked() is running: nobody called it; the overwritten "
                              "return address led here\n";
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0)
        _exit(2);
    _exit(42);
}

/* ---- running an overflow in a child ---------------------------------------- */

struct outcome {
    int status;             /* from waitpid */
    char stderr_text[256];  /* what the child wrote to stderr, first line */
};

static struct outcome in_child(void (*copy)(const char *, size_t, void (*)(char *)),
                               const char *payload, size_t n, void (*inside)(char *buf))
{
    struct outcome r = { .status = -1 };
    int fds[2];
    if (pipe(fds) < 0)
        return r;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        setenv("LIBC_FATAL_STDERR_", "1", 1);   /* glibc: report to stderr, not the tty */
        signal(SIGABRT, SIG_DFL);
        alarm(30);                              /* (the smashed frame is drawn first) */
        copy(payload, n, inside);
        _exit(0);                               /* the overflow went unnoticed */
    }
    close(fds[1]);
    ssize_t got = 0, k;
    while (got < (ssize_t)sizeof r.stderr_text - 1 &&
           (k = read(fds[0], r.stderr_text + got, sizeof r.stderr_text - 1 - got)) > 0)
        got += k;
    r.stderr_text[got > 0 ? got : 0] = 0;
    r.stderr_text[strcspn(r.stderr_text, "\n")] = 0;
    close(fds[0]);
    if (pid > 0)
        waitpid(pid, &r.status, 0);
    return r;
}

static const char *status_text(int status)
{
    static char text[96];
    if (status >= 0 && WIFSIGNALED(status))
        snprintf(text, sizeof text, "was killed by signal %d (SIG%s: %s)", WTERMSIG(status),
                 sigabbrev_np(WTERMSIG(status)), strsignal(WTERMSIG(status)));
    else if (status >= 0 && WIFEXITED(status))
        snprintf(text, sizeof text, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(text, sizeof text, "could not be run");
    return text;
}

/* An address in the frame as an offset from buf ("buf+24"). */
static const char *off(const struct layout *l, uintptr_t a)
{
    static char text[4][32];
    static int next;
    char *t = text[next++ % 4];
    snprintf(t, 32, "buf%+ld", (long)(a - l->buf));
    return t;
}

/* One row of the frame table: role, offset, and the address unless --stable. */
static void slot(const char *role, const struct layout *l, uintptr_t a, const char *note)
{
    lecture_code("%-16s %-7s  %-14s %s", role, off(l, a),
                 lecture_stable() ? "" : lecture_addr((void *)a), note);
}

int main(int argc, char **argv)
{
    lecture_begin(argc, argv, "stack_smash",
                  "A buffer overflow meets the stack protector's canary, then the return "
                  "address.",
                  "Overflows a 16-byte buffer in child processes: with -fstack-protector-all\n"
                  "(abort: stack smashing detected) and with -fno-stack-protector (crash, and a\n"
                  "hijacked return).\n\n"
                  "Diagrams:\n"
                  "  stack_smash.svg         the protected frame: buffer, canary, saved rbp, return\n"
                  "  stack_smash-after.svg   the same frame after the overflow (in the child)\n");

    lecture_step("The bug");
    lecture_code("void copy(const char *src, size_t n) {");
    lecture_code("    char buf[16];");
    lecture_code("    for (size_t i = 0; i < n; i++) buf[i] = src[i];    /* n is never checked */");
    lecture_code("}");
    lecture_say("Built twice: %s (-fstack-protector-all) and %s (-fno-stack-protector).",
                lecture_note("ss_protected_copy"), lecture_note("ss_unprotected_copy"));

    lecture_step("The protected frame, from the inside");
    ss_protected_copy("hello", 6, look_protected);
    ss_unprotected_copy("hello", 6, look_unprotected);
    const struct layout *p = &protected_frame, *u = &unprotected_frame;
    if (!p->return_address || !u->return_address) {
        lecture_fail("could not walk to the copy functions' frames");
        return lecture_end();
    }
    if (!p->have_canary) {
        lecture_fail("the CFI walk found no canary in ss_protected_copy's frame");
        return lecture_end();
    }
    lecture_say("Higher addresses first; the overflow writes upwards from buf[0]:");
    char canary_note[64];
    unsigned long below = (unsigned long)(p->saved_fp - p->canary);
    if (lecture_stable())
        snprintf(canary_note, sizeof canary_note, "rbp-%lu: a copy of %%fs:0x28, low byte 00",
                 below);
    else
        snprintf(canary_note, sizeof canary_note, "rbp-%lu: %#018lx, from %%fs:0x28", below,
                 (unsigned long)canary_value);
    char ret_note[96];
    snprintf(ret_note, sizeof ret_note, "ret pops it: back into %s", p->caller);
    slot("return address", p, p->return_address, ret_note);
    slot("saved rbp", p, p->saved_fp, "<- rbp");
    slot("canary", p, p->canary, canary_note);
    slot("buf[0]", p, p->buf, "char buf[16]");
    lecture_say("The prologue copies the thread's secret canary (its low byte is 0, so string "
                "functions stop at it) %s the locals and the saved registers. The epilogue "
                "compares it with %%fs:0x28 before %s; any overflow from buf that reaches the "
                "return address must pass through it.",
                lecture_em("between"), lecture_note("ret"));

    /* Protected: fill buf and everything up to the return address. */
    size_t to_canary = p->canary - p->buf, to_ret = p->return_address + 8 - p->buf;
    char payload[128];
    memset(payload, 'A', sizeof payload);

    lecture_step("Overflow with the protector on (in a child process)");
    lecture_say("copy(\"AAAA...\", %zu): %zu bytes fill buf and the padding, the next 8 "
                "overwrite the canary, the rest the saved rbp and the return address.",
                to_ret, to_canary);
    struct outcome o = in_child(ss_protected_copy, payload, to_ret, look_smashed);
    lecture_say("the child %s", lecture_bad(status_text(o.status)));
    if (o.stderr_text[0])
        lecture_say("its last words on stderr: %s", lecture_em(o.stderr_text));
    if (!(o.status >= 0 && WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGABRT))
        lecture_fail("expected SIGABRT from __stack_chk_fail");
    lecture_say("The function never returned through the overwritten address: the canary "
                "check failed first, called __stack_chk_fail, which aborts.");

    lecture_step("Overflow with the protector off: the return address is ours");
    lecture_say("ss_unprotected_copy has no canary: the saved rbp is at %s, the return address "
                "at %s.", off(u, u->saved_fp), off(u, u->return_address));
    size_t crash_n = u->return_address + 8 - u->buf;
    o = in_child(ss_unprotected_copy, payload, crash_n, NULL);
    lecture_say("copy(\"AAAA...\", %zu): ret jumps to 0x4141414141414141 ('AAAAAAAA'), not "
                "a valid address: the child %s.", crash_n, lecture_bad(status_text(o.status)));
    if (!(o.status >= 0 && WIFSIGNALED(o.status)))
        lecture_fail("expected the child to crash");

    lecture_step("The same overflow, with an address instead of AAAA: a hijack");
    memset(payload, 'A', sizeof payload);
    memset(payload + (u->saved_fp - u->buf), 'B', 8);
    uintptr_t target = (uintptr_t)ss_hijacked;
    memcpy(payload + (u->return_address - u->buf), &target, sizeof target);
    lecture_say("payload: %zu x 'A' up to the saved rbp, 8 x 'B' over it, then the address of "
                "%s (%s) over the return address.", (size_t)(u->saved_fp - u->buf),
                lecture_note("ss_hijacked"),
                lecture_stable() ? "a function of this program" : lecture_addr((void *)target));
    o = in_child(ss_unprotected_copy, payload, crash_n, NULL);
    if (o.status >= 0 && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 42)
        lecture_say("the child %s: the copy function's ret went where the data said.",
                    lecture_bad("exited with status 42 from ss_hijacked"));
    else
        lecture_fail("the hijack did not happen: the child %s", status_text(o.status));
    lecture_say("Real attacks do this with code already in the program (return-oriented "
                "programming). Defences: the canary, ASLR (the address must be guessed), "
                "non-executable stacks, shadow stacks (CET). Use them all, and check n.");
    return lecture_end();
}
