/*
 * lecture.c: options, numbered steps, colour and diagram files for the demos
 * (see lecture.h).  Nothing here teaches anything; it keeps the demos short.
 */
#include "lecture.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stacklab/dot.h>
#include <stacklab/version.h>

#define WIDTH 100               /* columns the output must fit */
#define INDENT "   "
#define MAX_DIAGRAMS 32

static struct {
    const char *name;
    const char *program;
    const char *prog;               /* argv[0]'s last part: "stacklab-recursion" */
    const char *dir;
    bool color, ansi, step, stable, interactive, failed;
    int steps;
    char *diagrams[MAX_DIAGRAMS];   /* SVG files written */
    int ndiagrams;
    char *paths[MAX_DIAGRAMS];      /* strings handed out by lecture_diagram_path */
    int npaths;
    FILE *open_file;
    char open_name[256];
    char open_tmp[4200];            /* where lecture_diagram_open writes, until renamed */
} L = { .dir = "diagrams" };

static const char *on(const char *code);
static const char *off(void);
static void wrapped(const char *indent, const char *text);

static void usage(FILE *out, const char *summary, const char *help)
{
    fprintf(out, "usage: %s [--step] [--no-color] [--diagrams DIR] [--stable]\n\n",
            L.prog);
    if (summary)
        fprintf(out, "%s\n\n", summary);
    fputs("  --step           pause before each step: Enter goes on, q quits (on a terminal)\n"
          "  --no-color       no colour (also off when NO_COLOR is set, TERM is dumb or\n"
          "                   the output is not a terminal)\n"
          "  --diagrams DIR   write the diagrams into DIR (default: diagrams)\n"
          "  --stable         ASLR off, offsets instead of addresses: runs match the slides\n"
          "  -h, --help       this help\n"
          "  --version        the stacklab version\n",
          out);
    if (help)
        fprintf(out, "\n%s%s", help, help[0] && help[strlen(help) - 1] != '\n' ? "\n" : "");
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* --stable: run again with ASLR off, once.  The flag survives exec, so the
 * second run sees it set and carries on. */
static void disable_aslr(char **argv)
{
    int persona = personality(0xffffffff);
    if (persona < 0 || (persona & ADDR_NO_RANDOMIZE))
        return;
    if (personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0)
        return;
    fflush(NULL);
    execv("/proc/self/exe", argv);
    /* Could not re-execute: carry on with ASLR as it is. */
    personality((unsigned long)persona);
}

/* A bad command line: one line saying why, one saying where help is. */
static void bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", L.prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(%s --help lists the options)\n", L.prog);
    exit(2);
}

void lecture_begin(int argc, char **argv, const char *name, const char *summary,
                   const char *help)
{
    bool no_color = false;
    const char *term = getenv("TERM"), *no_color_env = getenv("NO_COLOR");

    L.name = name;
    L.program = argv[0];
    L.prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout, summary, help);
            exit(0);
        } else if (!strcmp(a, "--version")) {
            printf("%s (stacklab) %s\n", L.prog, STACKLAB_VERSION);
            exit(0);
        } else if (!strcmp(a, "--step")) {
            L.step = true;
        } else if (!strcmp(a, "--no-color") || !strcmp(a, "--no-colour")) {
            no_color = true;
        } else if (!strcmp(a, "--stable")) {
            L.stable = true;
        } else if (!strcmp(a, "--diagrams") || !strncmp(a, "--diagrams=", 11)) {
            L.dir = a[10] == '=' ? a + 11 : i + 1 < argc ? argv[++i] : NULL;
            if (!L.dir)
                bad_usage("%s needs a directory: --diagrams DIR", a);
            if (!L.dir[0])
                bad_usage("%s: the directory name is empty", a);
        } else {
            bad_usage("unknown option '%s'", a);
        }
    }
    if (L.stable)
        disable_aslr(argv);

    L.interactive = isatty(STDIN_FILENO);
    L.step = L.step && L.interactive;
    /* Escape sequences only for a terminal that understands them. */
    L.ansi = isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb") != 0;
    L.color = !no_color && L.ansi && !(no_color_env && *no_color_env);
    /* The pictures go to a pipe when stdout is one: keep the order. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* A rule under the name separates the demos of `make demo`. */
    char rule[WIDTH];
    int len = (int)strlen(name);
    memset(rule, '-', sizeof rule);
    rule[len < WIDTH - 2 ? WIDTH - 2 - len : 0] = 0;
    printf("\n%s%s%s %s%s%s\n", on("1"), name, off(), on("2"), rule, off());
    if (summary)
        wrapped(INDENT, summary);
    if (L.stable)
        printf(INDENT "%s\n", lecture_dim(personality(0xffffffff) & ADDR_NO_RANDOMIZE
                                       ? "(--stable: ASLR is off for this run)"
                                       : "(--stable: could not turn ASLR off)"));
}

/* Escape sequences that switch a colour on and everything off, or "". */
static const char *on(const char *code)
{
    static char buf[4][16];
    static unsigned next;
    if (!L.color)
        return "";
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "\033[%sm", code);
    return b;
}

static const char *off(void)
{
    return L.color ? "\033[0m" : "";
}

/* The --step prompt.  Enter goes on (the prompt is erased); q, or the end
 * of input (Ctrl-D), ends the lecture here, cleanly, with status 0. */
static void pause_for_enter(void)
{
    char line[128];
    bool eof;

    printf("%s", lecture_dim("   [Enter: next step, q: quit]"));
    fflush(stdout);
    eof = !fgets(line, sizeof line, stdin);
    if (eof || line[0] == 'q' || line[0] == 'Q') {
        /* After Ctrl-D the cursor is still on the prompt line. */
        printf("%s%s\n", eof ? "\n" : "", lecture_dim("   (stopped here)"));
        fflush(stdout);
        exit(L.failed ? 1 : 0);
    }
    while (!strchr(line, '\n') && fgets(line, sizeof line, stdin))
        ;                               /* the rest of a long line */
    if (L.ansi)
        printf("\033[1A\033[2K");   /* up over the echoed Enter, erase the prompt */
}

void lecture_step(const char *fmt, ...)
{
    char text[512], head[600];
    va_list ap;

    if (L.step && L.steps > 0)
        pause_for_enter();
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(head, sizeof head, "%d. %s", ++L.steps, text);
    printf("\n%s%s%s\n", on("1"), head, off());
}

/* Visible width of s: escape sequences take no columns. */
static int visible(const char *s, const char *end)
{
    int n = 0;
    while (s < end) {
        if (*s == '\033') {
            while (s < end && *s != 'm')
                s++;
            s++;
            continue;
        }
        if ((*s & 0xc0) != 0x80)        /* count UTF-8 lead bytes only */
            n++;
        s++;
    }
    return n;
}

/* Prints text indented, breaking at spaces so no line passes WIDTH. */
static void wrapped(const char *indent, const char *text)
{
    const char *p = text;
    int room = WIDTH - (int)strlen(indent);

    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        const char *cut = end;
        if (visible(p, end) > room) {
            /* the last space that keeps the line inside the room */
            const char *best = NULL;
            for (const char *q = p; q < end; q++)
                if (*q == ' ' && visible(p, q) <= room)
                    best = q;
            if (best && best > p)
                cut = best;
        }
        printf("%s%.*s\n", indent, (int)(cut - p), p);
        p = cut;
        if (*p == ' ' || *p == '\n')
            p++;
        indent = cut == end ? indent : INDENT "  ";
        room = WIDTH - (int)strlen(indent);
    }
}

void lecture_say(const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    wrapped(INDENT, text);
}

void lecture_code(const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printf(INDENT "  %s%s%s\n", on("36"), text, off());
}

/* To stderr, so that `make diagrams` (stdout to /dev/null) still says why. */
void lecture_fail(const char *fmt, ...)
{
    char text[1024];
    bool color = L.color && isatty(STDERR_FILENO);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s%s: FAILED: %s%s\n", color ? "\033[1;31m" : "", L.prog ? L.prog : L.name,
            text, color ? "\033[0m" : "");
    L.failed = true;
}

int lecture_end(void)
{
    if (L.step && L.steps > 0)
        pause_for_enter();
    if (L.ndiagrams > 0) {
        printf("\n%s", lecture_dim("Diagrams:"));
        int col = 9;
        for (int i = 0; i < L.ndiagrams; i++) {
            int w = (int)strlen(L.diagrams[i]) + 1;
            int tail = i == L.ndiagrams - 1 ? 12 : 0;   /* "  (and .dot)" */
            if (col + w + tail > WIDTH) {
                printf("\n" INDENT "     ");
                col = 8;
            }
            printf(" %s", L.diagrams[i]);
            col += w;
        }
        printf("  %s\n", lecture_dim("(and .dot)"));
    }
    for (int i = 0; i < L.ndiagrams; i++)
        free(L.diagrams[i]);
    for (int i = 0; i < L.npaths; i++)
        free(L.paths[i]);
    L.ndiagrams = L.npaths = 0;
    fflush(stdout);
    return L.failed ? 1 : 0;
}

/* ---- colour and formatting --------------------------------------------- */

static char *rotating(void)
{
    static char buf[16][512];
    static unsigned next;
    return buf[next++ % 16];
}

static const char *paint(const char *code, const char *text)
{
    char *b = rotating();
    if (L.color)
        snprintf(b, 512, "\033[%sm%s\033[0m", code, text);
    else
        snprintf(b, 512, "%s", text);
    return b;
}

const char *lecture_em(const char *text)   { return paint("1", text); }
const char *lecture_good(const char *text) { return paint("32", text); }
const char *lecture_bad(const char *text)  { return paint("1;31", text); }
const char *lecture_note(const char *text) { return paint("36", text); }
const char *lecture_dim(const char *text)  { return paint("2", text); }

const char *lecture_addr(const void *p)
{
    char *b = rotating();
    snprintf(b, 512, "0x%012lx", (unsigned long)(uintptr_t)p);
    return b;
}

const char *lecture_offset(intptr_t bytes)
{
    char *b = rotating();
    if (bytes < 0)
        snprintf(b, 512, "-%#lx", (unsigned long)-bytes);
    else
        snprintf(b, 512, "+%#lx", (unsigned long)bytes);
    return b;
}

bool lecture_stable(void)      { return L.stable; }
bool lecture_interactive(void) { return L.interactive; }
const char *lecture_program(void) { return L.program; }

/* ---- diagram files ------------------------------------------------------ */

const char *lecture_diagram_path(const char *file)
{
    char *p;
    if (make_dirs(L.dir) < 0)
        lecture_fail("cannot create the diagram directory %s: %s", L.dir, strerror(errno));
    if (asprintf(&p, "%s/%s", L.dir, file) < 0)
        abort();
    if (L.npaths == MAX_DIAGRAMS) {
        free(L.paths[0]);
        memmove(L.paths, L.paths + 1, sizeof L.paths[0] * (MAX_DIAGRAMS - 1));
        L.npaths--;
    }
    L.paths[L.npaths++] = p;
    return p;
}

/* Diagram files are written whole or not at all: into a temporary file in
 * the same directory, renamed over the real name once complete, so that a
 * full disk or an interrupted run leaves no truncated .dot or .svg. */
FILE *lecture_diagram_open(const char *name)
{
    char file[300];
    snprintf(file, sizeof file, "%s.dot", name);
    const char *path = lecture_diagram_path(file);
    snprintf(L.open_tmp, sizeof L.open_tmp, "%s/.%s.XXXXXX", L.dir, file);
    int fd = mkstemp(L.open_tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        lecture_fail("cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(L.open_tmp);
        }
        return NULL;
    }
    snprintf(L.open_name, sizeof L.open_name, "%s", name);
    L.open_file = f;
    return f;
}

int lecture_diagram_close(FILE *dot)
{
    char path[4200];

    if (!dot)
        return -1;
    if (dot != L.open_file) {
        lecture_fail("lecture_diagram_close: not a file from lecture_diagram_open");
        return -1;
    }
    L.open_file = NULL;
    snprintf(path, sizeof path, "%s/%s.dot", L.dir, L.open_name);
    errno = 0;
    bool bad = fflush(dot) != 0 || ferror(dot);
    int err = errno;
    if (fclose(dot) != 0 && !bad) {
        bad = true;
        err = errno;
    }
    if (!bad && rename(L.open_tmp, path) != 0) {
        bad = true;
        err = errno;
    }
    if (bad) {
        unlink(L.open_tmp);
        lecture_fail("cannot write %s: %s", path, err ? strerror(err) : "output error");
        return -1;
    }
    return lecture_diagram_render(L.open_name);
}

int lecture_diagram_render(const char *name)
{
    char dot[4200], svg[4200];
    snprintf(dot, sizeof dot, "%s/%s.dot", L.dir, name);
    snprintf(svg, sizeof svg, "%s/%s.svg", L.dir, name);

    if (sl_dot_render(dot, svg, NULL) != 0) {
        lecture_fail("%s", sl_dot_last_error());
        return -1;
    }
    if (L.ndiagrams < MAX_DIAGRAMS)
        L.diagrams[L.ndiagrams++] = strdup(svg);
    return 0;
}

/* noinline: it is the one frame skip_frames leaves out. */
__attribute__((noinline))
void lecture_draw_stack(const char *name, const char *title, const char *highlight)
{
    char file[128];
    sl_dot_options o = SL_DOT_DEFAULTS;

    o.title = title;
    o.relative = lecture_stable();
    o.highlight = highlight;
    o.skip_frames = 1;                  /* this function */
    o.pointer_depth = 0;                /* the stack only: stack_and_heap draws the heap */
    snprintf(file, sizeof file, "%s.dot", name);
    if (sl_diagram_here(lecture_diagram_path(file), &o) == 0)
        lecture_diagram_render(name);
    else
        lecture_fail("%s", sl_dot_last_error());
}
