/*
 * snap.c: `stacklab snap` and `stacklab maps`: run a program to a point
 * (the Nth entry of a function, the Nth time a line is reached, or a fatal
 * signal before it is delivered), draw it there, and let it run on.
 *
 * This file only decides where to stop and what to call the picture.  The
 * stopping is tracee.c's; the stack is captured, symbolized and drawn by the
 * library through the target interface (target.h), exactly as a program
 * that draws its own stack does.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stacklab/dot.h>
#include <stacklab/frames.h>
#include <stacklab/memmap.h>
#include <stacklab/target.h>

#include "cli.h"
#include "tracee.h"
#include "where.h"

typedef struct snap_options {
    int maps;                   /* `stacklab maps`: the address space */
    const char *at;             /* --at SPEC, NULL: only a crash */
    const char *output;         /* -o PATH, NULL: text on stdout */
    sl_walker walker;
    int all_frames;
    int max_frames;
    int no_variables;
    int stable;
    const char *title;
    char **program;             /* PROGRAM ARGS... */
} snap_options;

static const char snap_help[] =
    "usage: stacklab snap [OPTIONS] -- PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM and draws its stack where --at says, or where it receives a\n"
    "fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), then lets it run on.\n"
    "Exits with PROGRAM's status (128+signal if a signal ended it); 125: usage or\n"
    "another error of stacklab's, 126: PROGRAM cannot be executed, 127: not found.\n"
    "\n"
    "  --at FUNCTION[:N]    stop the Nth time FUNCTION is entered (default 1),\n"
    "                       after its prologue, where gdb's `break FUNCTION` stops\n"
    "  --at FILE:LINE[:N]   stop the Nth time LINE of FILE is reached\n"
    "  -o PATH              write PATH: .txt, .dot, .svg, .png or .pdf (Graphviz);\n"
    "                       default: text on stdout\n"
    "  --walk cfi|fp        how to find callers: DWARF CFI (default) or frame pointers\n"
    "  --all-frames         draw the C library's start-up frames above main too\n"
    "  --max-frames N       deeper stacks: the innermost and outermost frames, the\n"
    "                       middle elided (default: 8 in a diagram, 40 in text;\n"
    "                       0: every frame)\n"
    "  --no-variables       slots only, no variables\n"
    "  --stable             no address randomization in PROGRAM, addresses drawn as\n"
    "                       CFA offsets: the same picture on every run\n"
    "  --title TEXT         the diagram's caption\n"
    "  -h, --help           this help\n";

static const char maps_help[] =
    "usage: stacklab maps [OPTIONS] -- PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM to the point --at names (or to a fatal signal) and draws its\n"
    "address space there: text, rodata, data, bss, heap, libraries, stack, with\n"
    "arrows for the stopped thread's pc and sp.  Then lets it run on; exit status\n"
    "as `stacklab snap`.\n"
    "\n"
    "  --at FUNCTION[:N]    stop the Nth time FUNCTION is entered (default 1)\n"
    "  --at FILE:LINE[:N]   stop the Nth time LINE of FILE is reached\n"
    "  -o PATH              write PATH: .txt, .dot, .svg, .png or .pdf;\n"
    "                       default: the regions as text on stdout\n"
    "  --stable             no address randomization in PROGRAM\n"
    "  --title TEXT         the diagram's caption\n"
    "  -h, --help           this help\n";

/* ---- options ------------------------------------------------------------------- */

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && !strchr(dot, '/') ? dot + 1 : "";
}

/* The output can be written: a known format, in a directory we may write.
 * Checked before the program runs, so a typo costs no run. */
static int check_output(const char *path)
{
    static const char *const known[] = { "txt", "dot", "gv", "svg", "png", "pdf" };
    const char *ext = extension(path);
    size_t k;
    for (k = 0; k < sizeof known / sizeof known[0]; k++)
        if (strcmp(ext, known[k]) == 0)
            break;
    if (k == sizeof known / sizeof known[0]) {
        cli_error("cannot write %s: the name must end in .txt, .dot, .svg, .png or .pdf", path);
        return -1;
    }
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    if (access(dir, W_OK) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int parse_options(snap_options *o, int argc, char **argv)
{
    enum { O_AT = 256, O_WALK, O_ALL, O_MAX, O_NOVARS, O_STABLE, O_TITLE };
    static const struct option longs[] = {
        { "at", required_argument, NULL, O_AT },
        { "output", required_argument, NULL, 'o' },
        { "walk", required_argument, NULL, O_WALK },
        { "all-frames", no_argument, NULL, O_ALL },
        { "max-frames", required_argument, NULL, O_MAX },
        { "no-variables", no_argument, NULL, O_NOVARS },
        { "stable", no_argument, NULL, O_STABLE },
        { "title", required_argument, NULL, O_TITLE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *name = o->maps ? "maps" : "snap";
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+ho:", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'h':
            fputs(o->maps ? maps_help : snap_help, stdout);
            exit(0);
        case O_AT:     o->at = optarg; break;
        case 'o':      o->output = optarg; break;
        case O_ALL:    o->all_frames = 1; break;
        case O_NOVARS: o->no_variables = 1; break;
        case O_STABLE: o->stable = 1; break;
        case O_TITLE:  o->title = optarg; break;
        case O_WALK:
            if (strcmp(optarg, "cfi") == 0)
                o->walker = SL_WALK_CFI;
            else if (strcmp(optarg, "fp") == 0)
                o->walker = SL_WALK_FP;
            else {
                cli_error("%s: --walk takes cfi or fp, not '%s'", name, optarg);
                return -1;
            }
            break;
        case O_MAX:
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0 || v > INT_MAX) {
                cli_error("%s: --max-frames takes a number >= 0, not '%s'", name, optarg);
                return -1;
            }
            o->max_frames = (int)v;
            break;
        case '?':
        default:
            if (optopt)
                cli_error("%s: option -%c %s (see stacklab %s --help)", name, optopt,
                          strchr("o", optopt) ? "needs a value" : "is unknown", name);
            else
                cli_error("%s: option %s %s (see stacklab %s --help)", name, argv[optind - 1],
                          strchr(argv[optind - 1], '=') || !strncmp(argv[optind - 1], "--", 2)
                              ? "is unknown or needs a value" : "is unknown", name);
            return -1;
        }
    }
    if (optind >= argc) {
        cli_error("%s: no program to run (stacklab %s [OPTIONS] -- PROGRAM [ARGS...])", name, name);
        return -1;
    }
    o->program = argv + optind;
    if (o->output && check_output(o->output) != 0)
        return -1;
    return 0;
}

/* ---- what the stop was ----------------------------------------------------------- */

static const char *ordinal(long n, char *buf, size_t size)
{
    const char *suffix = "th";
    if (n % 100 < 11 || n % 100 > 13)
        suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    snprintf(buf, size, "%ld%s", n, suffix);
    return buf;
}

static const char *code_string(const siginfo_t *si)
{
    switch (si->si_signo) {
    case SIGSEGV:
        return si->si_code == SEGV_MAPERR ? "address not mapped"
             : si->si_code == SEGV_ACCERR ? "no permission for the access" : NULL;
    case SIGBUS:
        return si->si_code == BUS_ADRALN ? "misaligned address"
             : si->si_code == BUS_ADRERR ? "no such physical address"
             : si->si_code == BUS_OBJERR ? "past the end of a mapped file" : NULL;
    case SIGFPE:
        return si->si_code == FPE_INTDIV ? "integer division by zero"
             : si->si_code == FPE_INTOVF ? "integer overflow"
             : si->si_code == FPE_FLTDIV ? "floating-point division by zero" : NULL;
    case SIGILL:
        return si->si_code == ILL_ILLOPC ? "illegal opcode"
             : si->si_code == ILL_PRVOPC ? "privileged opcode" : NULL;
    }
    if (si->si_code == SI_TKILL || si->si_code == SI_USER)
        return si->si_code == SI_TKILL ? "raised by the program: abort, assert or raise"
                                       : "sent by another process";
    return NULL;
}

/* One line saying where the program stopped: "factorial, 4th entry" or
 * "SIGSEGV (address not mapped) at address 0x0". */
static void describe_stop(char *buf, size_t size, const tracee_event *ev, const where *w)
{
    char nth[32];
    if (ev->kind == TRACEE_BREAK) {
        int is_line = strchr(w->label, ':') != NULL;
        snprintf(buf, size, "%s, %s %s", w->label, ordinal(w->nth, nth, sizeof nth),
                 is_line ? "time reached" : "entry");
        return;
    }
    const char *why = code_string(&ev->info);
    int has_addr = ev->signal != SIGABRT && ev->info.si_code > 0;
    snprintf(buf, size, "%s%s%s%s", sigabbrev_np(ev->signal) ? "SIG" : "",
             sigabbrev_np(ev->signal) ? sigabbrev_np(ev->signal) : strsignal(ev->signal),
             why ? " (" : "", why ? why : "");
    if (why)
        snprintf(buf + strlen(buf), size - strlen(buf), ")");
    if (has_addr)
        snprintf(buf + strlen(buf), size - strlen(buf), " at address 0x%lx",
                 (unsigned long)(uintptr_t)ev->info.si_addr);
}

/* "crash null": the program's name and arguments, for a caption. */
static void command_line(char *buf, size_t size, char *const *argv)
{
    const char *slash = strrchr(argv[0], '/');
    snprintf(buf, size, "%s", slash ? slash + 1 : argv[0]);
    for (int i = 1; argv[i] && strlen(buf) < 60; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), " %s", argv[i]);
}

/* ---- the picture ------------------------------------------------------------------ */

/* The innermost frame in the program's own code, else frame 0. */
static const sl_frame *own_frame(const sl_stack *s, const char *exe)
{
    for (int i = 0; i < s->count; i++)
        if (s->frames[i].module && strcmp(s->frames[i].module, exe) == 0)
            return &s->frames[i];
    return s->count ? &s->frames[0] : NULL;
}

/* "  thread 1235  worker  fact.c:20" for every thread but the stopped one. */
static void list_threads(const tracee *t, pid_t stopped, sl_walker walker, char *buf, size_t size)
{
    char exe[PATH_MAX], link[64];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)t->pid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    buf[0] = '\0';
    for (int i = 0; i < t->nthreads; i++) {
        pid_t tid = t->threads[i].tid;
        if (tid == stopped)
            continue;
        sl_target tg;
        sl_stack s = { 0 };
        const sl_frame *f = NULL;
        if (sl_target_ptrace(&tg, t->pid, tid) == 0) {
            sl_stack_capture_target(&s, &tg, walker);
            sl_stack_symbolize_lines(&s, 0);        /* names; a line for one frame */
            f = own_frame(&s, exe);
            if (f) {
                int i = (int)(f - s.frames);
                sl_stack_symbolize_lines(&s, i + 1);
                f = &s.frames[i];
            }
        }
        size_t len = strlen(buf);
        if (f && f->file)
            snprintf(buf + len, size - len, "  thread %d  %s  %s:%d\n", (int)tid, f->function,
                     strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file, f->line);
        else
            snprintf(buf + len, size - len, "  thread %d  %s\n", (int)tid,
                     f && f->function ? f->function : "??");
        sl_stack_release(&s);
        sl_target_release(&tg);
    }
}

/* Index of main (the outermost frame drawn by default), or -1. */
static int main_index(const sl_stack *s)
{
    for (int i = 0; i < s->count; i++)
        if (s->frames[i].function && strcmp(s->frames[i].function, "main") == 0)
            return i;
    return -1;
}

/* Names every frame, and gives file:line to the frames up to main only,
 * unless all are shown: the C library's start-up frames above main are
 * named in a diagram's "not shown" box, but their lines would pull in
 * libc's separate debug information, a few hundred milliseconds, for
 * nothing drawn.  Returns main's index, or -1. */
int cli_symbolize(sl_stack *s, int all)
{
    sl_stack_symbolize_lines(s, 0);
    int m = main_index(s);
    sl_stack_symbolize_lines(s, all || m < 0 ? -1 : m + 1);
    return m;
}

/* Reads the variables of the frames a picture shows: all of them, or for a
 * deep stack the innermost ones (a stack overflow's 87,000 frames are not
 * read to draw eight). */
static void read_variables(sl_stack *s, int shown)
{
    int total = s->count;
    if (shown > 0 && shown < total)
        s->count = shown;
    sl_stack_read_variables(s);
    s->count = total;
}

/* The stack as text: the library's printer on the frames up to main, with
 * the middle of a deep stack left out. */
static int write_text(FILE *out, const char *headline, const sl_stack *s, const char *threads,
                      const snap_options *o)
{
    sl_stack view = *s;
    int m = o->all_frames ? -1 : main_index(s);
    if (m >= 0) {
        view.count = m + 1;
        view.stop = SL_STOP_END;
    }
    int shown = view.count;
    int max = o->max_frames < 0 ? 40 : o->max_frames;
    if (max > 0 && view.count > max) {
        view.count = max;
        view.stop = SL_STOP_END;
    }
    fprintf(out, "stacklab: %s\n", headline);
    if (sl_stack_print(&view, out) < 0)
        return -1;
    if (view.count < shown)
        fprintf(out, "     ... %d more frames (--max-frames 0: all)\n", shown - view.count);
    if (m >= 0 && m + 1 < s->count)
        fprintf(out, "     (%d frames above main not shown: --all-frames)\n", s->count - m - 1);
    if (threads[0])
        fprintf(out, "other threads:\n%s", threads);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* A temporary file beside path ("PATH.XXXXXX"), readable as fopen would
 * have made it (mkstemp makes 0600).  Returns an open stream, or NULL. */
static FILE *temp_beside(const char *path, char *tmp, size_t size)
{
    if ((size_t)snprintf(tmp, size, "%s.XXXXXX", path) >= size) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
    }
    return f;
}

/* Text to a file: a temporary beside it, renamed when whole. */
static int write_text_file(const char *path, const char *headline, const sl_stack *s,
                           const char *threads, const snap_options *o)
{
    char tmp[PATH_MAX];
    FILE *f = temp_beside(path, tmp, sizeof tmp);
    if (!f) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int r = write_text(f, headline, s, threads, o);
    if (fclose(f) != 0)
        r = -1;
    if (r == 0 && rename(tmp, path) != 0)
        r = -1;
    if (r != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return r;
}

static int draw_stack(tracee *t, const tracee_event *ev, const where *w, const snap_options *o)
{
    char headline[512], threads[4096], title[1024];
    describe_stop(headline, sizeof headline, ev, w);
    tracee_stop_all(t);

    sl_target tg;
    if (sl_target_ptrace(&tg, t->pid, ev->tid) != 0) {
        cli_error("cannot read the stopped program: %s", strerror(errno));
        return -1;
    }
    sl_stack s = { 0 };
    sl_stack_capture_target(&s, &tg, o->walker);
    int text = !o->output || strcmp(extension(o->output), "txt") == 0;
    int m = cli_symbolize(&s, o->all_frames);
    if (!o->no_variables) {
        int shown = o->max_frames < 0 ? (text ? 40 : 64) : o->max_frames;
        if (m >= 0 && !o->all_frames && (shown == 0 || m + 1 < shown))
            shown = m + 1;
        read_variables(&s, shown);
    }
    list_threads(t, ev->tid, o->walker, threads, sizeof threads);
    if (threads[0])
        snprintf(headline + strlen(headline), sizeof headline - strlen(headline),
                 " in thread %d", (int)ev->tid);

    int r;
    if (text) {
        r = o->output ? write_text_file(o->output, headline, &s, threads, o)
                      : write_text(stdout, headline, &s, threads, o);
        if (r != 0 && !o->output)
            cli_error("cannot write the stack to stdout: %s", strerror(errno));
    } else {
        sl_dot_options d = SL_DOT_DEFAULTS;
        command_line(title, sizeof title, o->program);
        snprintf(title + strlen(title), sizeof title - strlen(title), ": %s", headline);
        d.title = o->title ? o->title : title;
        d.relative = o->stable;
        if (o->max_frames >= 0)
            d.max_frames = o->max_frames;
        if (o->all_frames)
            d.stop_at = NULL;
        d.show_handlers = 0;            /* the handler records are this process's */
        if (ev->kind == TRACEE_BREAK && !strchr(w->label, ':'))
            d.highlight = w->label;
        r = sl_stack_write_file(&s, o->output, &d);
        if (r != 0)
            cli_error("%s", sl_dot_last_error());
    }
    sl_stack_release(&s);
    sl_target_release(&tg);
    return r;
}

/* ---- the address space ------------------------------------------------------------ */

static int write_regions(FILE *out, const char *headline, const sl_memmap *m,
                         const sl_mark *marks, int n)
{
    fprintf(out, "stacklab: %s\n", headline);
    for (int i = 0; i < m->count; i++) {
        const sl_region *r = &m->regions[i];
        fprintf(out, "%016lx-%016lx %s %-8s %s\n", (unsigned long)r->start,
                (unsigned long)r->end, r->perms, r->kind ? r->kind : "", r->path ? r->path : "");
    }
    for (int k = 0; k < n; k++) {
        const char *kind = sl_memmap_classify(m, marks[k].address);
        fprintf(out, "%-24s 0x%016lx %s\n", marks[k].label, (unsigned long)marks[k].address,
                kind ? kind : "(not mapped)");
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static int draw_maps(tracee *t, const tracee_event *ev, const where *w, const snap_options *o)
{
    char headline[512], pc_label[160], title[700];
    describe_stop(headline, sizeof headline, ev, w);
    tracee_stop_all(t);
    sl_target tg;
    if (sl_target_ptrace(&tg, t->pid, ev->tid) != 0) {
        cli_error("cannot read the stopped program: %s", strerror(errno));
        return -1;
    }
    sl_memmap m;
    sl_regs regs;
    if (sl_memmap_read_target(&m, &tg) < 0 || sl_target_regs(&tg, &regs) != 0) {
        cli_error("cannot read the program's address space: %s", strerror(errno));
        sl_target_release(&tg);
        return -1;
    }
    /* Frame 0 names the pc. */
    sl_stack s = { 0 };
    sl_stack_capture_target(&s, &tg, SL_WALK_CFI);
    s.count = s.count > 1 ? 1 : s.count;
    sl_stack_symbolize(&s);
    if (s.count && !o->no_variables)
        sl_stack_read_variables(&s);
    snprintf(pc_label, sizeof pc_label, "pc (%s)", s.count ? s.frames[0].function : "??");
    /* pc, sp, the fault address and the stopped frame's pointers. */
    sl_mark marks[3 + 16] = {
        { pc_label, (const void *)regs.pc },
        { "sp", (const void *)regs.sp },
    };
    int n = 2;
    char labels[16][64];
    int nl = 0;
    for (int k = 0; s.count && k < s.frames[0].variable_count && nl < 16; k++) {
        const sl_variable *v = &s.frames[0].variables[k];
        if (!v->pointee || !v->pointer)
            continue;
        snprintf(labels[nl], sizeof labels[nl], "%s (%s *)", v->name, v->pointee);
        marks[n++] = (sl_mark){ labels[nl++], (const void *)v->pointer };
    }
    if (ev->kind == TRACEE_SIGNAL && ev->signal != SIGABRT && ev->info.si_code > 0)
        marks[n++] = (sl_mark){ "fault address", ev->info.si_addr };

    int r;
    if (!o->output || strcmp(extension(o->output), "txt") == 0) {
        FILE *f = stdout;
        char tmp[PATH_MAX] = "";
        if (o->output && !(f = temp_beside(o->output, tmp, sizeof tmp))) {
            cli_error("cannot write %s: %s", o->output, strerror(errno));
            r = -1;
        } else {
            r = write_regions(f, headline, &m, marks, n);
            if (o->output) {
                if (fclose(f) != 0 || (r == 0 && rename(tmp, o->output) != 0))
                    r = -1;
                if (r != 0) {
                    cli_error("cannot write %s: %s", o->output, strerror(errno));
                    unlink(tmp);
                }
            }
        }
    } else {
        char cmd[128];
        command_line(cmd, sizeof cmd, o->program);
        snprintf(title, sizeof title, "The address space of %s: %s", cmd, headline);
        r = sl_memmap_write_file(&m, o->output, marks, n, o->title ? o->title : title);
        if (r != 0)
            cli_error("%s", sl_dot_last_error());
    }
    sl_stack_release(&s);
    sl_memmap_release(&m);
    sl_target_release(&tg);
    return r;
}

/* ---- the run ---------------------------------------------------------------------- */

static int launch_error(const tracee *t, int r)
{
    cli_error("%s", t->error);
    return r == TRACEE_ENOENT ? EXIT_NOT_FOUND : r == TRACEE_ENOEXEC ? EXIT_CANNOT_EXECUTE
                                                                    : EXIT_USAGE;
}

static int run(snap_options *o)
{
    tracee t;
    int r = tracee_launch(&t, o->program, o->stable ? TRACEE_NO_ASLR : 0);
    if (r < 0)
        return launch_error(&t, r);

    where w;
    memset(&w, 0, sizeof w);
    w.nth = 1;
    if (o->at) {
        if (where_resolve(&w, o->at, t.pid) != 0) {
            tracee_kill(&t);
            cli_error("%s", w.error);
            return EXIT_USAGE;
        }
        for (int i = 0; i < w.count; i++)
            if (tracee_break_insert(&t, w.addrs[i]) != 0) {
                tracee_kill(&t);
                cli_error("%s", t.error);
                return EXIT_USAGE;
            }
    } else {
        w.no_debug_info = !where_has_debug_info(t.pid);
    }
    if (w.no_debug_info)
        cli_error("%s has no debug info: names only (build with -g for lines and variables)",
                  o->program[0]);

    tracee_event ev;
    long hits = 0;
    for (;;) {
        r = tracee_run(&t, &ev);
        if (r == TRACEE_BREAK && ++hits < w.nth)
            continue;
        break;
    }
    if (r < 0) {
        cli_error("%s", t.error);
        tracee_kill(&t);
        return EXIT_USAGE;
    }
    if (r == TRACEE_EXITED) {
        char how[64];
        if (WIFSIGNALED(ev.status))
            snprintf(how, sizeof how, "was killed by SIG%s", sigabbrev_np(WTERMSIG(ev.status)));
        else
            snprintf(how, sizeof how, "ended (status %d)", WEXITSTATUS(ev.status));
        if (o->at) {
            char nth[32];
            if (w.nth > 1)
                cli_error("%s %s before reaching %s for the %s time (it was reached %ld time%s)",
                          o->program[0], how, w.label, ordinal(w.nth, nth, sizeof nth), hits,
                          hits == 1 ? "" : "s");
            else
                cli_error("%s %s before reaching %s", o->program[0], how, w.label);
            where_release(&w);
            tracee_finish(&t);
            return EXIT_USAGE;
        }
        cli_error("%s %s without a fatal signal: nothing to draw (--at FUNCTION to stop in it)",
                  o->program[0], how);
        where_release(&w);
        tracee_finish(&t);
        return tracee_exit_code(ev.status);
    }
    int drawn = o->maps ? draw_maps(&t, &ev, &w, o) : draw_stack(&t, &ev, &w, o);
    where_release(&w);
    int status = tracee_finish(&t);
    if (drawn != 0)
        return EXIT_USAGE;
    return tracee_exit_code(status);
}

int cmd_snap(int argc, char **argv)
{
    snap_options o = { .walker = SL_WALK_CFI, .max_frames = -1 };
    if (parse_options(&o, argc, argv) != 0)
        return EXIT_USAGE;
    return run(&o);
}

int cmd_maps(int argc, char **argv)
{
    snap_options o = { .maps = 1, .walker = SL_WALK_CFI, .max_frames = -1 };
    if (parse_options(&o, argc, argv) != 0)
        return EXIT_USAGE;
    return run(&o);
}
