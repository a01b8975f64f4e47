/*
 * dot.c: a captured stack as a Graphviz diagram.
 *
 * Each frame becomes one node whose label is an HTML-like table; the nodes
 * are chained top to bottom from the outermost frame (highest addresses) to
 * the innermost, so the stack grows down the page as on the blackboard.
 * Inside a frame the rows go by address, highest first:
 *
 *      CFA      incoming stack arguments (7th+ integer argument, in the caller)
 *      CFA-8    return address            -> caller's call site
 *      CFA-16   saved rbp                 -> edge to the caller's frame record
 *      ...      callee-saved spills, canary
 *      ...      locals / padding          down to rsp
 *
 * Names are never trusted: C++ and assembler symbols may hold any of
 * <>&|{}"\ and so every string goes through sl__out_html.  Node names are
 * generated ("f12"), never taken from symbols.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dot_out.h"
#include "frames_layout.h"        /* the frame pointer's and sp's names, the red zone */
#include "stacklab/dot.h"
#include "thread_block.h"

extern char **environ;

/* ---- errors ----------------------------------------------------------- */

/* The reason for this thread's last failure: a thread block
 * (thread_block.h), allocated at its first failure. */
#define ERROR_SIZE 512
static __thread char *t_error;

static char *error_buffer(void)
{
    return t_error ? t_error
                   : sl__thread_block((void **)&t_error, ERROR_SIZE, NULL,
                                      "the DOT writer's errors");
}

__attribute__((format(printf, 2, 3)))
static int fail(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(error_buffer(), ERROR_SIZE, fmt, ap);
    va_end(ap);
    return code;
}

const char *sl_dot_last_error(void)
{
    return t_error ? t_error : "";
}

const char *sl_dot_strerror(int code)
{
    switch (code) {
    case SL_DOT_OK:          return "no error";
    case SL_DOT_EINVAL:      return "invalid argument";
    case SL_DOT_EIO:         return "output error";
    case SL_DOT_ENOMEM:      return "out of memory";
    case SL_DOT_ECAPTURE:    return "could not capture the stack";
    case SL_DOT_EFORMAT:     return "unknown output format (use .dot, .gv, .svg, .png or .pdf)";
    case SL_DOT_ENOGRAPHVIZ: return "Graphviz's dot program is not installed";
    case SL_DOT_ERENDER:     return "Graphviz's dot failed";
    case SL_DOT_EOPEN:       return "cannot create the output file";
    default:                 return "unknown error";
    }
}

/* ---- colours (the legend lists the same ones) ------------------------- */

#define COL_HEADER   "#d0ebff"
#define COL_TRY      "#fff08a"
#define COL_SIGNAL   "#ffc9c9"
#define COL_ARGS     "#b2f2bb"
#define COL_RET      "#ffc078"
#define COL_FP       "#74c0fc"
#define COL_SAVED    "#d0bfff"
#define COL_CANARY   "#ff6b6b"
#define COL_LOCALS   "#f1f3f5"
#define COL_VAR      "#e6fcf5"
#define COL_PARAM    "#c3fae8"
#define COL_HEAP     "#fff4e6"
#define COL_POINTER  "#2b8a3e"
#define COL_REDZONE  "#ffe3e3"
#define COL_HANDLER  "#fff9db"
#define MONO         "DejaVu Sans Mono"

enum role { ROLE_ARGS, ROLE_RET, ROLE_FP, ROLE_SAVED, ROLE_CANARY, ROLE_LOCALS, ROLE_VAR };

/* The most variable rows one frame shows, and rows in all. */
#define VAR_ROWS 40
#define ROWS_MAX (2 * (SL_SAVED_MAX + 4 + VAR_ROWS) + 2)

/* The legend's keys, in its order; a key is listed only when drawn. */
enum { KEY_HEADER, KEY_TRY, KEY_SIGNAL, KEY_ARGS, KEY_RET, KEY_FP, KEY_SAVED, KEY_CANARY,
       KEY_LOCALS, KEY_REDZONE, KEY_HIGHLIGHT, KEY_COUNT };

typedef struct row {
    uintptr_t addr;
    uintptr_t size;             /* bytes, 0: unknown */
    enum role role;
    const char *reg;            /* ROLE_SAVED: register name */
    const sl_variable *var;     /* ROLE_VAR */
} row;

/* What one drawing needs besides the stack. */
typedef struct ctx {
    sl__out *o;
    const sl_stack *s;
    sl_dot_options opt;
    int first, last;            /* frames drawn: [first, last] */
    int inner_end, outer_start; /* elided: (inner_end, outer_start) exclusive */
    int elided;
    int hidden_outer;           /* frames above last left out (stop_at) */
    unsigned used;              /* legend keys drawn so far (1 << key) */
} ctx;

/* The highest address of frame f: its CFA, else what the frame record
 * implies (x86-64: CFA = return-address slot + 8 = rbp + 16). */
static uintptr_t frame_top(const sl_frame *f)
{
    if (f->cfa)
        return f->cfa;
    if (f->return_address_slot)
        return f->return_address_slot + 8;
    if (f->fp)
        return f->fp + 16;
    return 0;
}

/* The lowest address of frame f: its stack pointer, else its lowest slot. */
static uintptr_t frame_bottom(const sl_frame *f)
{
    uintptr_t b = f->sp;

    if (b)
        return b;
    b = f->saved_fp_slot ? f->saved_fp_slot : f->return_address_slot;
    for (int i = 0; i < f->saved_count && i < SL_SAVED_MAX; i++)
        if (f->saved[i].slot && (!b || f->saved[i].slot < b))
            b = f->saved[i].slot;
    return b;
}

/* The lowest address a variable of frame f lives at: its bottom, or for a
 * frame a signal interrupted (which may be a leaf), the end of the red zone
 * below it, where a leaf keeps its locals without moving rsp. */
static uintptr_t variables_bottom(const sl_frame *f)
{
    uintptr_t b = frame_bottom(f);
    if (SL_ARCH_RED_ZONE && (f->flags & SL_FRAME_INTERRUPTED) && f->sp)
        b = f->sp - SL_ARCH_RED_ZONE;
    return b;
}

static int drawn(const ctx *c, int i)
{
    return i >= c->first && i <= c->last &&
           !(c->elided && i > c->inner_end && i < c->outer_start);
}

static void node_name(sl__out *o, int i)
{
    sl__out_mem(o, "f", 1);
    sl__out_int(o, i);
}

/* An address as the row shows it: absolute, or relative to the frame's CFA. */
static void out_addr(const ctx *c, uintptr_t a, uintptr_t top)
{
    sl__out *o = c->o;

    if (!c->opt.relative || !top) {
        sl__out_hex(o, a);
        return;
    }
    sl__out_str(o, "CFA");
    if (a < top) {
        sl__out_mem(o, "-", 1);
        sl__out_int(o, (long long)(top - a));
    } else if (a > top) {
        sl__out_mem(o, "+", 1);
        sl__out_int(o, (long long)(a - top));
    }
}

static void out_symbol(const ctx *c, const sl_frame *f)
{
    sl__out_html(c->o, f->function ? f->function : "??", c->opt.name_width);
    if (f->function && f->offset) {
        sl__out_mem(c->o, "+", 1);
        sl__out_hex(c->o, f->offset);
    }
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

static void out_file_line(const ctx *c, const sl_frame *f)
{
    if (f->file) {
        sl__out_html(c->o, base_name(f->file), c->opt.name_width);
        sl__out_mem(c->o, ":", 1);
        sl__out_int(c->o, f->line);
    }
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return x->addr < y->addr ? 1 : x->addr > y->addr ? -1 : (int)x->role - (int)y->role;
}

/* The slots of frame i, highest address first, with the gaps between them
 * filled by locals/padding rows.  Returns the number of rows. */
static int frame_rows(const ctx *c, int i, row *r, int max)
{
    const sl_frame *f = &c->s->frames[i];
    uintptr_t top = frame_top(f), bottom = frame_bottom(f);
    int n = 0, m = 0;
    row known[SL_SAVED_MAX + 4 + VAR_ROWS];

    if (top && i + 1 < c->s->count)
        known[n++] = (row){ top, 0, ROLE_ARGS, NULL, NULL };
    if (f->return_address_slot)
        known[n++] = (row){ f->return_address_slot, 8, ROLE_RET, NULL, NULL };
    if (f->saved_fp_slot)
        known[n++] = (row){ f->saved_fp_slot, 8, ROLE_FP, NULL, NULL };
    for (int k = 0; k < f->saved_count && k < SL_SAVED_MAX; k++)
        if (f->saved[k].slot && f->saved[k].slot != f->saved_fp_slot &&
            f->saved[k].slot != f->return_address_slot)
            known[n++] = (row){ f->saved[k].slot, 8, ROLE_SAVED, f->saved[k].name, NULL };
    if ((f->flags & SL_FRAME_CANARY) && f->canary_slot)
        known[n++] = (row){ f->canary_slot, 8, ROLE_CANARY, NULL, NULL };
    /* Variables living in this frame's memory, each spanning its bytes. */
    int vars = 0;
    for (int k = 0; c->opt.show_variables && k < f->variable_count && vars < VAR_ROWS; k++) {
        const sl_variable *v = &f->variables[k];
        if (v->place == SL_VAR_MEMORY && !(v->flags & SL_VAR_STATIC) && bottom && top &&
            v->address >= variables_bottom(f) && v->address < top && v->size) {
            known[n++] = (row){ v->address, v->size, ROLE_VAR, NULL, v };
            vars++;
        }
    }
    qsort(known, (size_t)n, sizeof known[0], row_cmp);

    for (int k = 0; k < n && m < max - 1; k++) {
        if (k > 0 && known[k].addr == known[k - 1].addr)
            continue;                   /* one slot, one row */
        r[m++] = known[k];
        uintptr_t below = known[k].addr;
        uintptr_t next = bottom;
        if (k + 1 < n)
            next = known[k + 1].addr + (known[k + 1].size ? known[k + 1].size : 8);
        if (known[k].role == ROLE_ARGS)
            continue;                   /* the slot under CFA is the return address */
        if (next && next < below && m < max)
            r[m++] = (row){ next, below - next, ROLE_LOCALS, NULL, NULL };
    }
    if (n == 0 && top && bottom && bottom < top && m < max)
        r[m++] = (row){ bottom, top - bottom, ROLE_LOCALS, NULL, NULL };
    return m;
}

/* Whether variable v of frame f has a row of its own (else it is listed
 * in the frame's last row). */
static int var_has_row(const ctx *c, const sl_frame *f, const sl_variable *v)
{
    uintptr_t top = frame_top(f), bottom = variables_bottom(f);
    return c->opt.show_slots && c->opt.show_variables && v->place == SL_VAR_MEMORY && !(v->flags & SL_VAR_STATIC) &&
           bottom && top && v->address >= bottom && v->address < top && v->size;
}

/* A variable's value as drawn: with relative addresses (--stable slides),
 * a pointer into the stack is only its arrow, since its number changes
 * from run to run. */
static const char *value_text(const ctx *c, const sl_variable *v)
{
    if (c->opt.relative && v->pointer && v->pointer >= c->s->stack_low &&
        v->pointer < c->s->stack_high)
        return "\xe2\x86\x92 (a stack address)";
    return v->value;
}

/* "char buf[16]", "void (*fn)(void)", "const char *tag": the declaration. */
static void out_declaration(sl__out *o, const sl_variable *v)
{
    const char *t = v->type ? v->type : "?";
    const char *fp = strstr(t, "(*)"), *arr = strstr(t, " [");
    char buf[256];
    if (fp)
        snprintf(buf, sizeof buf, "%.*s(*%s)%s", (int)(fp - t), t, v->name, fp + 3);
    else if (arr)
        snprintf(buf, sizeof buf, "%.*s %s%s", (int)(arr - t), t, v->name, arr + 1);
    else if (*t && t[strlen(t) - 1] == '*')
        snprintf(buf, sizeof buf, "%s%s", t, v->name);
    else
        snprintf(buf, sizeof buf, "%s %s", t, v->name);
    sl__out_html(o, buf, 32);
}

static void out_cell_open(sl__out *o, const char *colour, const char *port, int dashed)
{
    sl__out_str(o, "<TD ALIGN=\"LEFT\" BGCOLOR=\"");
    sl__out_str(o, colour);
    sl__out_mem(o, "\"", 1);
    if (dashed)
        sl__out_str(o, " STYLE=\"dashed\"");
    if (port) {
        sl__out_str(o, " PORT=\"");
        sl__out_str(o, port);
        sl__out_mem(o, "\"", 1);
    }
    sl__out_mem(o, ">", 1);
}

static void out_small(const ctx *c, int open)
{
    if (open) {
        sl__out_str(c->o, "<FONT POINT-SIZE=\"");
        sl__out_int(c->o, c->opt.font_size - 3);
        sl__out_str(c->o, "\">");
    } else {
        sl__out_str(c->o, "</FONT>");
    }
}

/* Lines of text in one cell, a few points apart.  Lines joined by <BR/> sit
 * so close that an underscore on one (__libc_start_call_main) runs into the
 * next in librsvg; rows of a borderless table keep their distance. */
static void out_lines_begin(sl__out *o)
{
    sl__out_str(o, "<TABLE BORDER=\"0\" CELLPADDING=\"0\" CELLSPACING=\"3\"><TR><TD ALIGN=\"LEFT\">");
}

static void out_line_break(sl__out *o)
{
    sl__out_str(o, "</TD></TR><TR><TD ALIGN=\"LEFT\">");
}

static void out_lines_end(sl__out *o)
{
    sl__out_str(o, "</TD></TR></TABLE>");
}

/* The port of row k of a frame: the named slots keep their names ("fp",
 * "ra", ...) and the others are numbered, so an edge can end at any row. */
static void row_port(const row *r, int k, char *port, size_t size)
{
    static const char *const named[] = { [ROLE_ARGS] = "args", [ROLE_RET] = "ra",
                                         [ROLE_FP] = "fp", [ROLE_CANARY] = "canary" };
    const char *name = (size_t)r->role < sizeof named / sizeof named[0] ? named[r->role] : NULL;

    if (name)
        snprintf(port, size, "%s", name);
    else
        snprintf(port, size, "s%d", k);
}

/* Where frame i's saved rbp points. */
enum fp_target { FP_NONE, FP_ROW, FP_ELIDED, FP_OUTER };

/* Finds the row whose address is the value frame i saved for rbp: the
 * caller's frame record, or, when the caller keeps none, the record of a
 * frame further up (or no record at all: rbp held data).  The frames above
 * i lie at ascending addresses, so the search stops at the first one that
 * starts above the value.  Sets *j and port for FP_ROW. */
static enum fp_target fp_target(const ctx *c, int i, int *j, char *port, size_t size)
{
    const sl_stack *s = c->s;
    uintptr_t v = sl_frame_saved_fp(s, i);

    if (!v)
        return FP_NONE;
    for (int k = i + 1; k < s->count; k++) {
        const sl_frame *f = &s->frames[k];
        uintptr_t lo = frame_bottom(f), hi = frame_top(f);
        if (lo && v < lo)
            break;
        if (hi && v >= hi)
            continue;
        if (k > c->last)
            return c->hidden_outer > 0 ? FP_OUTER : FP_NONE;
        if (!drawn(c, k))
            return FP_ELIDED;
        row r[ROWS_MAX];
        int n = frame_rows(c, k, r, (int)(sizeof r / sizeof r[0])), hit = -1;
        for (int m = 0; m < n; m++)
            if (r[m].addr == v && r[m].role != ROLE_ARGS && (hit < 0 || r[m].role == ROLE_FP))
                hit = m;
        if (hit >= 0) {
            *j = k;
            row_port(&r[hit], hit, port, size);
            return FP_ROW;
        }
        if (lo && hi)
            break;                      /* inside frame k, but on no row */
    }
    return FP_NONE;
}

/* "<- rsp" after the text of the row rsp points at.  The spaces end the run
 * before it: SVG renderers drop spaces that start a run of text (each run is
 * a <text> element of its own), while Graphviz has already placed the next
 * run after the spaces that end one. */
static void out_rsp_mark(sl__out *o)
{
    sl__out_str(o, "  <B>\xe2\x86\x90 " SL_ARCH_SP_NAME "</B>");
}

static void out_row(ctx *c, int i, const row *r, int k)
{
    sl__out *o = c->o;
    const sl_frame *f = &c->s->frames[i];
    const sl_frame *caller = i + 1 < c->s->count ? &c->s->frames[i + 1] : NULL;
    uintptr_t top = frame_top(f);
    char port[16];

    row_port(r, k, port, sizeof port);
    sl__out_str(o, "<TR><TD ALIGN=\"RIGHT\"><FONT FACE=\"" MONO "\">");
    out_addr(c, r->addr, top);
    sl__out_str(o, "</FONT></TD>");
    if (r->role != ROLE_VAR)
        c->used |= 1u << (KEY_ARGS + r->role);
    int at_rsp = f->sp && r->addr == f->sp && r->role != ROLE_ARGS;
    switch (r->role) {
    case ROLE_ARGS:
        out_cell_open(o, COL_ARGS, port, 0);
        sl__out_str(o, "incoming stack args (7th+ int arg) from here up");
        break;
    case ROLE_RET:
        out_cell_open(o, COL_RET, port, 0);
        if (caller && caller->file)
            out_lines_begin(o);
        sl__out_str(o, "return address \xe2\x86\x92 ");
        if (caller) {
            out_symbol(c, caller);
            if (at_rsp)
                out_rsp_mark(o);
            at_rsp = 0;
            if (caller->file) {
                out_line_break(o);
                out_small(c, 1);
                sl__out_str(o, "call site ");
                out_file_line(c, caller);
                out_small(c, 0);
                out_lines_end(o);
            }
        } else {
            sl__out_str(o, "(outermost)");
        }
        break;
    case ROLE_FP: {
        int j = -1;
        char to[16];
        enum fp_target t = fp_target(c, i, &j, to, sizeof to);
        out_cell_open(o, COL_FP, port, 0);
        if (t == FP_ROW && j > i + 1) {
            /* The caller keeps no frame record: rbp still held this one. */
            sl__out_str(o, "saved " SL_ARCH_FP_NAME " \xe2\x86\x92 frame record of #");
            sl__out_int(o, j - c->first);
        } else if (t != FP_NONE) {
            sl__out_str(o, "saved " SL_ARCH_FP_NAME " \xe2\x86\x92 caller's frame record");
        } else if (!sl_frame_saved_fp(c->s, i)) {
            sl__out_str(o, "saved " SL_ARCH_FP_NAME);
        } else if (c->opt.relative) {
            sl__out_str(o, "saved " SL_ARCH_FP_NAME " (not a frame record drawn here)");
        } else {
            sl__out_str(o, "saved " SL_ARCH_FP_NAME " = ");
            sl__out_hex(o, sl_frame_saved_fp(c->s, i));
            sl__out_str(o, " (not a frame record drawn here)");
        }
        break;
    }
    case ROLE_SAVED:
        out_cell_open(o, COL_SAVED, port, 0);
        sl__out_str(o, "saved ");
        sl__out_html(o, r->reg ? r->reg : "register", 12);
        sl__out_str(o, " (callee-saved)");
        break;
    case ROLE_CANARY:
        out_cell_open(o, COL_CANARY, port, 0);
        sl__out_str(o, "<B>stack canary </B>(checked before ret)");
        break;
    case ROLE_VAR: {
        const sl_variable *v = r->var;
        out_cell_open(o, (v->flags & SL_VAR_PARAMETER) ? COL_PARAM : COL_VAR, port, 0);
        if (v->flags & SL_VAR_PARAMETER)
            sl__out_str(o, "<I>arg </I>");
        out_declaration(o, v);
        sl__out_str(o, " = ");
        sl__out_html(o, value_text(c, v), 28);
        if (v->size > 8) {
            sl__out_str(o, " \xc2\xb7 ");
            sl__out_size(o, v->size);
        }
        break;
    }
    case ROLE_LOCALS:
        out_cell_open(o, COL_LOCALS, port, 0);
        sl__out_str(o, (f->flags & SL_FRAME_SIGNAL) ? "siginfo + ucontext (saved registers)"
                       : f->variable_count && c->opt.show_variables ? "padding / spill"
                                                                    : "locals / padding");
        sl__out_str(o, " \xc2\xb7 ");
        sl__out_size(o, r->size);
        break;
    }
    if (at_rsp)
        out_rsp_mark(o);
    sl__out_str(o, "</TD></TR>\n");
}

/* The frame's last row: variables in registers, computed, static, or in
 * another frame's memory ("n = 12 (in rbx)", "k = 3 (computed)",
 * "n@entry = 4"), then the optimized-out ones ("i, j: optimized out"),
 * packed into lines of about LINE_CHARS characters so the frame stays
 * short.  The same for a function inlined into frame f, whose variables
 * (vars[0..n)) all go in its row, those in f's memory too.  Writes nothing
 * when o is NULL; returns the number of lines. */
#define LINE_CHARS 44

static int variable_lines(const ctx *c, const sl_frame *f, const sl_variable *vars, int n,
                          sl__out *o)
{
    char item[160], gone[96] = "";
    int lines = 0, col = 0, inlined = vars != f->variables;
    size_t glen = 0;
    if (!c->opt.show_variables)
        return 0;
    for (int k = 0; k <= n; k++) {
        const sl_variable *v = k < n ? &vars[k] : NULL;
        if (v && !inlined && var_has_row(c, f, v))
            continue;
        if (v && v->place == SL_VAR_OPTIMIZED_OUT) {
            glen += (size_t)snprintf(gone + glen, glen < sizeof gone ? sizeof gone - glen : 0,
                                     "%s%s", glen ? ", " : "", v->name);
            if (glen >= sizeof gone)
                glen = sizeof gone - 1;
            continue;
        }
        if (!v && !glen)
            break;
        const char *where = "";
        if (v) {
            char val[40];
            snprintf(val, sizeof val, "%s", value_text(c, v));
            if (strlen(val) > 28)
                snprintf(val + 26, sizeof val - 26, "\xe2\x80\xa6");
            where = v->place == SL_VAR_REGISTER ? "in " : v->place == SL_VAR_COMPUTED ? "computed"
                  : (v->flags & SL_VAR_STATIC) ? "static"
                  : inlined && v->address >= variables_bottom(f) && v->address < frame_top(f)
                  ? "in this frame" : "memory elsewhere";
            snprintf(item, sizeof item, "%s%s = %s (%s%s)", v->name,
                     (v->flags & SL_VAR_ENTRY_VALUE) ? "@entry" : "", val, where,
                     v->place == SL_VAR_REGISTER && v->reg ? v->reg : "");
        } else {
            snprintf(item, sizeof item, "%s: optimized out", gone);
        }
        int len = (int)strlen(item);
        if (col && col + 3 + len > LINE_CHARS) {
            if (o)
                out_line_break(o);
            col = 0;
        }
        if (!col)
            lines++;
        else if (o)
            sl__out_str(o, " \xc2\xb7 ");
        if (o)
            sl__out_html(o, item, 60);
        col += (col ? 3 : 0) + len;
    }
    return lines;
}

static int elsewhere_count(const ctx *c, const sl_frame *f)
{
    return variable_lines(c, f, f->variables, f->variable_count, NULL);
}

static void out_elsewhere(ctx *c, int i)
{
    sl__out *o = c->o;
    const sl_frame *f = &c->s->frames[i];
    if (!elsewhere_count(c, f))
        return;
    sl__out_str(o, "<TR><TD ALIGN=\"RIGHT\"><I>not in<BR/>this frame</I></TD>");
    out_cell_open(o, COL_VAR, "else", 1);
    out_lines_begin(o);
    variable_lines(c, f, f->variables, f->variable_count, o);
    out_lines_end(o);
    sl__out_str(o, "</TD></TR>\n");
}

/* A function inlined into frame i (as gdb's bt shows it, a frame of its
 * own) gets a row under the frame's header: it runs in this frame's
 * memory and registers.  "inlined: scale · file.c:79", then its variables. */
static void out_inlined(ctx *c, int i)
{
    sl__out *o = c->o;
    const sl_frame *f = &c->s->frames[i];
    for (int k = 0; k < f->inlined_count; k++) {
        const sl_inline *x = &f->inlined[k];
        sl__out_str(o, "<TR><TD ALIGN=\"RIGHT\"><I>inlined</I></TD>");
        out_cell_open(o, COL_HEADER, NULL, 1);
        out_lines_begin(o);
        sl__out_str(o, "<B>");
        sl__out_html(o, x->function, c->opt.name_width);
        sl__out_str(o, "</B> runs here, inlined into ");
        sl__out_html(o, f->function ? f->function : "??", c->opt.name_width);
        if (x->file) {
            out_line_break(o);
            out_small(c, 1);
            sl__out_html(o, base_name(x->file), c->opt.name_width);
            sl__out_mem(o, ":", 1);
            sl__out_int(o, x->line);
            out_small(c, 0);
        }
        if (variable_lines(c, f, x->variables, x->variable_count, NULL)) {
            out_line_break(o);
            variable_lines(c, f, x->variables, x->variable_count, o);
        }
        out_lines_end(o);
        sl__out_str(o, "</TD></TR>\n");
    }
}

static int frame_holds_try(const ctx *c, int i, const sl_handler_record *h, int nh)
{
    const sl_frame *f = &c->s->frames[i];
    uintptr_t lo = frame_bottom(f), hi = frame_top(f);

    if (f->flags & SL_FRAME_TRY)
        return 1;
    for (int k = 0; k < nh; k++)
        if (lo && hi && h[k].sp >= lo && h[k].sp < hi)
            return 1;
    return 0;
}

static void out_frame(ctx *c, int i, const sl_handler_record *h, int nh)
{
    sl__out *o = c->o;
    const sl_frame *f = &c->s->frames[i];
    uintptr_t top = frame_top(f), bottom = frame_bottom(f);
    int is_try = frame_holds_try(c, i, h, nh);
    int hl = c->opt.highlight && f->function && strcmp(c->opt.highlight, f->function) == 0;
    const char *hdr = (f->flags & SL_FRAME_SIGNAL) ? COL_SIGNAL : is_try ? COL_TRY : COL_HEADER;

    c->used |= 1u << ((f->flags & SL_FRAME_SIGNAL) ? KEY_SIGNAL : is_try ? KEY_TRY : KEY_HEADER);
    if (hl)
        c->used |= 1u << KEY_HIGHLIGHT;

    node_name(o, i);
    sl__out_str(o, " [label=<<TABLE BORDER=\"");
    sl__out_str(o, hl ? "4\" COLOR=\"#e8590c" : "2\" COLOR=\"#343a40");
    sl__out_str(o, "\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">\n");
    sl__out_str(o, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\" PORT=\"h\" BGCOLOR=\"");
    sl__out_str(o, hdr);
    sl__out_str(o, "\">");
    out_lines_begin(o);
    sl__out_str(o, "<B>#");
    sl__out_int(o, i - c->first);      /* #0: the innermost frame drawn */
    sl__out_str(o, "  ");
    if (f->flags & SL_FRAME_SIGNAL)
        sl__out_str(o, "signal frame: ");
    sl__out_html(o, f->function ? f->function : "??", c->opt.name_width);
    if (is_try)
        sl__out_str(o, "   </B>[SL_TRY]");      /* the spaces end a run: see out_rsp_mark */
    else
        sl__out_str(o, "</B>");
    out_line_break(o);
    out_small(c, 1);
    if (f->file) {
        out_file_line(c, f);
        sl__out_str(o, " \xc2\xb7 ");
    }
    if (f->module) {
        sl__out_html(o, base_name(f->module), 24);
        sl__out_str(o, " \xc2\xb7 ");
    }
    if (f->flags & SL_FRAME_SIGNAL)
        sl__out_str(o, "kernel signal frame");
    else if (f->flags & SL_FRAME_NO_CFI)
        sl__out_str(o, "no CFI: found by frame pointer");
    else
        sl__out_str(o, c->s->walker == SL_WALK_FP ? "FP walk" :
                           c->s->walker == SL_WALK_CFI ? "CFI walk" : "backtrace");
    if (f->flags & SL_FRAME_INTERRUPTED)
        sl__out_str(o, " \xc2\xb7 interrupted");
    if (top && bottom && top > bottom) {
        sl__out_str(o, " \xc2\xb7 ");
        sl__out_size(o, top - bottom);
    }
    if (!c->opt.relative && f->pc) {
        sl__out_str(o, " \xc2\xb7 pc ");
        sl__out_hex(o, f->pc);
    }
    out_small(c, 0);
    out_lines_end(o);
    sl__out_str(o, "</TD></TR>\n");

    if (c->opt.show_slots) {
        row r[ROWS_MAX];
        int n = frame_rows(c, i, r, (int)(sizeof r / sizeof r[0]));
        out_inlined(c, i);
        for (int k = 0; k < n; k++)
            out_row(c, i, &r[k], k);
        out_elsewhere(c, i);
        /* The red zone belongs to a leaf: below a function that calls
         * another lies its callee's frame.  A function that called a capture
         * is no leaf; one a signal interrupted may be (the kernel builds the
         * signal frame 128 bytes further down, to spare it). */
        if (SL_ARCH_RED_ZONE && (f->flags & SL_FRAME_INTERRUPTED) && c->opt.show_red_zone && f->sp) {
            sl__out_str(o, "<TR><TD ALIGN=\"RIGHT\"><FONT FACE=\"" MONO "\">");
            out_addr(c, f->sp - SL_ARCH_RED_ZONE, top);
            sl__out_str(o, "</FONT></TD>");
            c->used |= 1u << KEY_REDZONE;
            out_cell_open(o, COL_REDZONE, "redzone", 1);
            sl__out_str(o, "<I>red zone: 128 B below " SL_ARCH_SP_NAME " a leaf may use</I></TD></TR>\n");
        }
    }
    sl__out_str(o, "</TABLE>>];\n");
}

static void out_legend(const ctx *c)
{
    static const struct { const char *colour, *text; } keys[KEY_COUNT] = {
        [KEY_HEADER]  = { COL_HEADER,  "frame header: function, file:line, module, walk" },
        [KEY_TRY]     = { COL_TRY,     "frame holding an active SL_TRY" },
        [KEY_SIGNAL]  = { COL_SIGNAL,  "kernel signal frame" },
        [KEY_ARGS]    = { COL_ARGS,    "incoming stack arguments (caller's area)" },
        [KEY_RET]     = { COL_RET,     "return address (where ret jumps)" },
        [KEY_FP]      = { COL_FP,      "saved frame pointer (" SL_ARCH_FP_NAME " chain)" },
        [KEY_SAVED]   = { COL_SAVED,   "callee-saved register spill" },
        [KEY_CANARY]  = { COL_CANARY,  "stack-protector canary" },
        [KEY_LOCALS]  = { COL_LOCALS,  "locals, spills, padding, outgoing args" },
        [KEY_REDZONE] = { COL_REDZONE, "red zone (below " SL_ARCH_SP_NAME ", leaf only)" },
        [KEY_HIGHLIGHT] = { "#ffffff",  "thick orange border: the function in focus" },
    };
    sl__out *o = c->o;

    sl__out_str(o, "legend [label=<<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"2\" "
                   "CELLPADDING=\"4\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>\n");
    for (int k = 0; k < KEY_COUNT; k++) {
        if (!(c->used & (1u << k)))
            continue;
        sl__out_str(o, "<TR><TD BORDER=\"");
        sl__out_str(o, k == KEY_HIGHLIGHT ? "3\" COLOR=\"#e8590c" : "1");
        sl__out_str(o, "\" WIDTH=\"28\" BGCOLOR=\"");
        sl__out_str(o, keys[k].colour);
        sl__out_str(o, "\"></TD><TD ALIGN=\"LEFT\">");
        sl__out_str(o, keys[k].text);
        sl__out_str(o, "</TD></TR>\n");
    }
    sl__out_str(o, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">");
    out_small(c, 1);
    sl__out_str(o, c->opt.relative ? "addresses: offsets from each frame's CFA<BR ALIGN=\"LEFT\"/>"
                                   : "addresses: absolute (change under ASLR)<BR ALIGN=\"LEFT\"/>");
    sl__out_str(o, "high addresses at the top; the stack grows down<BR ALIGN=\"LEFT\"/>");
    if (c->used & (1u << KEY_FP))
        sl__out_str(o, "blue arrows: saved " SL_ARCH_FP_NAME " \xe2\x86\x92 caller's frame record<BR ALIGN=\"LEFT\"/>");
    out_small(c, 0);
    sl__out_str(o, "</TD></TR></TABLE>>];\n");
}

static const char *state_name(sl_try_state st)
{
    switch (st) {
    case SL_TRY_BODY:    return "running its body";
    case SL_TRY_CATCH:   return "running a CATCH";
    case SL_TRY_FINALLY: return "running its FINALLY";
    }
    return "?";
}

/* The frame (drawn, or the elision node) that holds address sp; -1: none,
 * -2: the elision node. */
static int frame_of(const ctx *c, uintptr_t sp)
{
    for (int i = c->first; i <= c->last; i++) {
        const sl_frame *f = &c->s->frames[i];
        uintptr_t lo = frame_bottom(f), hi = frame_top(f);
        if (lo && hi && sp >= lo && sp < hi)
            return drawn(c, i) ? i : -2;
    }
    return -1;
}

static void out_handlers(const ctx *c, const sl_handler_record *h, int nh)
{
    sl__out *o = c->o;

    for (int k = 0; k < nh; k++) {
        int fi = frame_of(c, h[k].sp);

        sl__out_str(o, "h");
        sl__out_int(o, k);
        sl__out_str(o, " [shape=note style=filled fillcolor=\"" COL_HANDLER
                       "\" color=\"#e67700\" penwidth=2 label=<");
        out_lines_begin(o);
        sl__out_str(o, "<B>SL_TRY handler ");
        sl__out_int(o, k);
        sl__out_str(o, k == 0 ? " (innermost)" : "");
        sl__out_str(o, "</B>");
        out_line_break(o);
        sl__out_str(o, "in ");
        sl__out_html(o, h[k].function, c->opt.name_width);
        if (h[k].file) {
            sl__out_str(o, " at ");
            sl__out_html(o, base_name(h[k].file), c->opt.name_width);
            sl__out_mem(o, ":", 1);
            sl__out_int(o, h[k].line);
        }
        out_line_break(o);
        sl__out_str(o, state_name(h[k].state));
        if (!c->opt.relative) {
            out_line_break(o);
            sl__out_str(o, "saved sp ");
            sl__out_hex(o, h[k].sp);
        }
        if (fi == -1) {
            out_line_break(o);
            sl__out_str(o, "<I>(its frame is not in this stack)</I>");
        }
        out_lines_end(o);
        sl__out_str(o, ">];\n");
        if (fi >= 0 || fi == -2) {
            sl__out_str(o, "h");
            sl__out_int(o, k);
            sl__out_str(o, " -> ");
            if (fi >= 0) {
                node_name(o, fi);
                sl__out_str(o, ":h");
            } else {
                sl__out_str(o, "elided");
            }
            sl__out_str(o, " [color=\"#e67700\" penwidth=3 constraint=false "
                           "label=<a throw<BR/>lands here> fontcolor=\"#e67700\"];\n");
            if (fi >= 0) {
                sl__out_str(o, "{ rank=same; ");
                node_name(o, fi);
                sl__out_str(o, "; h");
                sl__out_int(o, k);
                sl__out_str(o, "; }\n");
            }
        }
        if (k + 1 < nh) {
            sl__out_str(o, "h");
            sl__out_int(o, k);
            sl__out_str(o, " -> h");
            sl__out_int(o, k + 1);
            sl__out_str(o, " [style=dashed color=\"#e67700\" constraint=false "
                           "label=\"next outer\" fontcolor=\"#e67700\"];\n");
        }
    }
}

/* The nodes other than frames in the picture's chain. */
enum { ITEM_OUTER = -3, ITEM_ELIDED = -2 };

static void item_name(sl__out *o, int item)
{
    if (item == ITEM_OUTER)
        sl__out_str(o, "outer");
    else if (item == ITEM_ELIDED)
        sl__out_str(o, "elided");
    else
        node_name(o, item);
}

/* The box standing for the start-up frames above stop_at. */
static void out_outer(const ctx *c)
{
    sl__out *o = c->o;
    const sl_stack *s = c->s;

    sl__out_str(o, "outer [shape=box style=\"dashed,rounded\" penwidth=2 label=<");
    out_lines_begin(o);
    sl__out_str(o, "<B>\xe2\x8b\xae  ");
    sl__out_int(o, c->hidden_outer);
    sl__out_str(o, c->hidden_outer == 1 ? " outer frame" : " outer frames");
    sl__out_str(o, " not shown  \xe2\x8b\xae</B>");
    out_line_break(o);
    out_small(c, 1);
    sl__out_str(o, "callers of ");
    sl__out_html(o, c->opt.stop_at, c->opt.name_width / 2);
    sl__out_str(o, ": ");
    sl__out_html(o, s->frames[c->last + 1].function, c->opt.name_width / 2);
    if (c->hidden_outer > 1) {
        sl__out_str(o, " \xe2\x80\xa6 ");
        sl__out_html(o, s->frames[s->count - 1].function, c->opt.name_width / 2);
    }
    out_small(c, 0);
    out_lines_end(o);
    sl__out_str(o, ">];\n");
}

/* The box standing for the middle of a deep stack (max_frames). */
static void out_elided(const ctx *c)
{
    sl__out *o = c->o;
    int n = c->outer_start - c->inner_end - 1;
    const sl_frame *a = &c->s->frames[c->outer_start - 1], *b = &c->s->frames[c->inner_end + 1];

    sl__out_str(o, "elided [shape=box style=\"dashed,rounded\" penwidth=2 label=<");
    out_lines_begin(o);
    sl__out_str(o, "<B>\xe2\x8b\xae  ");
    sl__out_int(o, n);
    sl__out_str(o, n == 1 ? " frame" : " frames");
    sl__out_str(o, " not shown  \xe2\x8b\xae</B>");
    out_line_break(o);
    out_small(c, 1);
    sl__out_html(o, a->function, c->opt.name_width / 2);
    sl__out_str(o, " \xe2\x80\xa6 ");
    sl__out_html(o, b->function, c->opt.name_width / 2);
    out_small(c, 0);
    out_lines_end(o);
    sl__out_str(o, ">];\n");
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* The number of decimal digits of v. */
static int digits(unsigned long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* Roughly how big a node comes out, in points: enough to choose the columns
 * (tests/demos.sh measures the real pictures).  Measured in Graphviz's SVG of
 * DejaVu Sans at size fs: a row of one line is 1.25 fs + 12 high, and a
 * character is about 0.52 fs wide in words, 0.6 fs in numbers and the
 * monospaced addresses. */
static void item_size(const ctx *c, int item, double *w, double *h)
{
    const double fs = c->opt.font_size, small = fs - 3, line = 1.25 * fs, pad = 8;
    const sl_frame *f;
    double head, body = 0;

    if (item < 0) {
        *w = 0.6 * fs * 24 + 40;
        *h = 2 * line + 30;
        return;
    }
    f = &c->s->frames[item];
    /* The header: "#3  name   [SL_TRY]" over "file.c:57 · module · CFI walk · 32 B · pc 0x..." */
    head = 0.62 * fs * ((f->function ? min_int((int)strlen(f->function), c->opt.name_width) : 2) + 16);
    int n = 8 + 8 + (f->file ? (int)strlen(base_name(f->file)) + 1 + digits((unsigned)f->line) + 3 : 0) +
            (f->module ? min_int((int)strlen(base_name(f->module)), 24) + 3 : 0) +
            (c->opt.relative ? 0 : 20);
    if (0.6 * small * n > head)
        head = 0.6 * small * n;
    *h = line + 1.25 * small + 3 + pad;
    if (c->opt.show_slots) {
        row r[ROWS_MAX];
        int rows = frame_rows(c, item, r, (int)(sizeof r / sizeof r[0]));
        const sl_frame *caller = item + 1 < c->s->count ? &c->s->frames[item + 1] : NULL;
        for (int k = 0; k < rows; k++) {
            int chars = 30;
            if (r[k].role == ROLE_ARGS)
                chars = 47;             /* "incoming stack args (7th+ int arg) from here up" */
            if (r[k].role == ROLE_VAR) {
                const sl_variable *v = r[k].var;
                chars = 7 + min_int((int)(strlen(v->type) + strlen(v->name)), 32) +
                        min_int((int)strlen(v->value), 28) + (v->size > 8 ? 9 : 0);
            }
            if (r[k].role == ROLE_RET && caller && caller->file) {
                *h += 1.25 * small + 3;
                chars = 24 + (caller->function ? min_int((int)strlen(caller->function),
                                                         c->opt.name_width) : 2);
            }
            *h += line + pad;
            if (0.52 * fs * chars > body)
                body = 0.52 * fs * chars;
        }
        if ((f->flags & SL_FRAME_INTERRUPTED) && c->opt.show_red_zone)
            *h += line + pad;
        int extra = elsewhere_count(c, f);
        for (int k = 0; k < f->inlined_count; k++)
            extra += 2 + variable_lines(c, f, f->inlined[k].variables,
                                        f->inlined[k].variable_count, NULL);
        if (extra > 0) {
            *h += extra * line + pad;
            if (0.52 * fs * (LINE_CHARS + 12) > body)
                body = 0.52 * fs * (LINE_CHARS + 12);
        }
        if (rows > 0)
            body += 0.6 * fs * (c->opt.relative ? 8 : 14) + 2 * pad;
    }
    *w = (head > body ? head : body) + 2 * pad;
}

#define SLIDE_W 1920.0
#define SLIDE_H 1080.0
#define MAX_COLUMNS 8

/* The height of n nodes of heights ht in k columns starting at start[]:
 * the nodes at the same place in their columns share a rank, so each rank
 * is as high as its highest node. */
static double columns_height(const double *ht, int n, int k, const int *start)
{
    double height = 0;

    for (int r = 0; r < n; r++) {
        double rank = 0;
        for (int j = 0; j < k; j++) {
            int end = j + 1 < k ? start[j + 1] : n;
            if (start[j] + r < end && ht[start[j] + r] > rank)
                rank = ht[start[j] + r];
        }
        if (rank == 0)
            break;
        height += rank;
    }
    return height;
}

/* Tries every start from `from` on for column j, and so on for the columns
 * after it (each holds at least one node); keeps the lowest layout in
 * best/best_start. */
static void try_cuts(const double *ht, int n, int k, int j, int from, int *start,
                     double *best, int *best_start)
{
    if (j == k) {
        double h = columns_height(ht, n, k, start);
        if (*best < 0 || h < *best) {
            *best = h;
            memcpy(best_start, start, (size_t)k * sizeof *start);
        }
        return;
    }
    for (int i = from; i <= n - (k - j); i++) {
        start[j] = i;
        try_cuts(ht, n, k, j + 1, i + 1, start, best, best_start);
    }
}

/* Splits n nodes of heights ht into k columns, in order; start[j] is the
 * first node of column j, and column 1 starts at node `first` or later.
 * Returns the height of the columns.  A short
 * chain (the usual one, max_frames) tries every cut; a long one is cut into
 * columns of about equal height. */
static double split_columns(const double *ht, int n, int k, int first, int *start)
{
    double total = 0, col = 0, best = -1;
    int j = 0, tmp[MAX_COLUMNS];

    if (k > 1 && k <= 4 && n <= 24) {
        tmp[0] = 0;
        try_cuts(ht, n, k, 1, first, tmp, &best, start);
        if (best >= 0)
            return best;
    }
    for (int i = 0; i < n; i++)
        total += ht[i];
    start[0] = 0;
    for (int i = 0; i < n; i++) {
        if (col > 0 && j + 1 < k && col + ht[i] / 2 > total / k) {
            start[++j] = i;
            col = 0;
        }
        col += ht[i];
    }
    for (j++; j < k; j++)
        start[j] = n;
    return columns_height(ht, n, k, start);
}

/* The notes (handler records, opt.notes) share a rank with the frame they
 * point at: that rank is at least as high as the tallest of them. */
static void notes_height(const ctx *c, const int *seq, int n, double *ht,
                         const sl_handler_record *h, int nh)
{
    const double line = 1.25 * c->opt.font_size;

    for (int k = 0; k < nh + c->opt.note_count; k++) {
        int lines = 4, fi;
        if (k < nh) {
            fi = frame_of(c, h[k].sp);
        } else {
            const sl_dot_note *note = &c->opt.notes[k - nh];
            fi = note->address ? frame_of(c, note->address) : -1;
            lines = 1;
            for (const char *p = note->text; p && *p; p++)
                lines += *p == '\n' || p == note->text;
        }
        for (int i = 0; fi >= 0 && i < n; i++)
            if (seq[i] == fi && ht[i] < lines * (line + 3) + 24)
                ht[i] = lines * (line + 3) + 24;
    }
}

static void out_columns(const ctx *c, const int *seq, int n, const sl_handler_record *h,
                        int nh)
{
    sl__out *o = c->o;
    double *ht, wide = 0, extra = 0, best = 0;
    int start[MAX_COLUMNS], k = c->opt.columns;
    /* The box of start-up frames heads the first column, never fills it. */
    int first = seq[0] == ITEM_OUTER && n > 2 ? 2 : 1;

    if (n == 0)
        return;
    ht = malloc((size_t)n * sizeof *ht);
    if (!ht)
        k = 1;                          /* no room to measure: one column */
    for (int i = 0; ht && i < n; i++) {
        double w;
        item_size(c, seq[i], &w, &ht[i]);
        if (w > wide)
            wide = w;
    }
    if (ht)
        notes_height(c, seq, n, ht, h, nh);
    for (int i = 0; ht && i < n; i++)
        ht[i] += 0.2 * 72 + 8;          /* ranksep and the node's margin */
    /* Notes beside the frames widen the picture by the widest of them. */
    int note_chars = nh > 0 ? 30 : 0;
    for (int i = 0; i < c->opt.note_count; i++) {
        const sl_dot_note *note = &c->opt.notes[i];
        int len = note->title ? (int)strlen(note->title) : 0;
        for (const char *p = note->text; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0))
            if ((int)strcspn(p, "\n") > len)
                len = (int)strcspn(p, "\n");
        if (len > note_chars)
            note_chars = len;
    }
    if (note_chars > 0)
        extra += 0.55 * c->opt.font_size * note_chars + 50;
    if (c->opt.legend)
        extra += 0.6 * c->opt.font_size * 45 + 36;
    if (k <= 0) {
        k = 1;
        for (int t = 1; t <= min_int(n, MAX_COLUMNS); t++) {
            double h = split_columns(ht, n, t, first, start) +
                       (c->opt.title ? 1.25 * (c->opt.font_size + 6) + 12 : 0);
            double w = t * wide + (t - 1) * 100 + extra;   /* columns: nodesep and arrows */
            double scale = SLIDE_W / w < SLIDE_H / h ? SLIDE_W / w : SLIDE_H / h;
            if (scale > best * 1.02) {  /* a column more must be worth it */
                best = scale;
                k = t;
            }
        }
    }
    k = min_int(min_int(k, n), MAX_COLUMNS);
    if (ht)
        split_columns(ht, n, k, first, start);
    else
        start[0] = 0;
    free(ht);
    for (int j = 0; j < k; j++) {
        int end = j + 1 < k ? start[j + 1] : n;
        for (int i = start[j]; i + 1 < end; i++) {
            item_name(o, seq[i]);
            sl__out_str(o, " -> ");
            item_name(o, seq[i + 1]);
            sl__out_str(o, " [style=invis weight=100];\n");
        }
    }
    if (k > 1 || c->opt.legend) {
        sl__out_str(o, "{ rank=same; ");
        for (int j = 0; j < k; j++) {
            item_name(o, seq[start[j]]);
            sl__out_str(o, "; ");
        }
        if (c->opt.legend)
            sl__out_str(o, "legend; ");
        sl__out_str(o, "}\n");
        for (int j = 0; j + 1 < k; j++) {
            item_name(o, seq[start[j]]);
            sl__out_str(o, " -> ");
            item_name(o, seq[start[j + 1]]);
            sl__out_str(o, " [style=invis];\n");
        }
        if (c->opt.legend) {
            item_name(o, seq[start[k - 1]]);
            sl__out_str(o, " -> legend [style=invis];\n");
        }
    }
}

/* The notes of opt.notes: a box each, beside the frame its address lies in,
 * with an arrow into that frame's header. */
static void out_notes(const ctx *c)
{
    sl__out *o = c->o;

    for (int k = 0; k < c->opt.note_count; k++) {
        const sl_dot_note *n = &c->opt.notes[k];
        int fi = n->address ? frame_of(c, n->address) : -1;

        sl__out_str(o, "n");
        sl__out_int(o, k);
        sl__out_str(o, " [shape=note style=filled fillcolor=\"#e7f5ff\" color=\"#1971c2\" "
                       "penwidth=2 label=<");
        out_lines_begin(o);
        sl__out_str(o, "<B>");
        sl__out_html(o, n->title ? n->title : "", 0);
        sl__out_str(o, "</B>");
        for (const char *p = n->text; p && *p;) {
            size_t len = strcspn(p, "\n");
            char line[256];
            snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
            out_line_break(o);
            sl__out_html(o, line, 0);
            p += len + (p[len] == '\n');
        }
        out_lines_end(o);
        sl__out_str(o, ">];\n");
        if (fi == -1)
            continue;
        sl__out_str(o, "n");
        sl__out_int(o, k);
        sl__out_str(o, " -> ");
        if (fi >= 0) {
            node_name(o, fi);
            sl__out_str(o, ":h");
        } else {
            sl__out_str(o, "elided");
        }
        sl__out_str(o, " [color=\"#1971c2\" penwidth=3 constraint=false");
        if (n->arrow) {
            sl__out_str(o, " fontcolor=\"#1971c2\" label=<");
            sl__out_html(o, n->arrow, 0);
            sl__out_str(o, ">");
        }
        sl__out_str(o, "];\n");
        if (fi >= 0) {
            sl__out_str(o, "{ rank=same; ");
            node_name(o, fi);
            sl__out_str(o, "; n");
            sl__out_int(o, k);
            sl__out_str(o, "; }\n");
        }
    }
}

/* ---- pointers: arrows to slots, boxes for what lies outside the stack ---- */

/* Whether object k is drawn: within the depth and the count asked for. */
static int object_drawn(const ctx *c, int k)
{
    const sl_stack *s = c->s;
    int max = c->opt.max_objects > 0 ? c->opt.max_objects : 32;
    int depth = c->opt.pointer_depth;
    return k >= 0 && k < s->object_count && k < max && s->objects[k].depth <= depth;
}

static int object_at(const ctx *c, uintptr_t p)
{
    for (int k = 0; k < c->s->object_count; k++)
        if (c->s->objects[k].address == p)
            return object_drawn(c, k) ? k : -1;
    return -1;
}

/* The drawn frame and row holding stack address p: 0 and *j, port; -1. */
static int stack_row_at(const ctx *c, uintptr_t p, int *j, char *port, size_t size)
{
    for (int i = c->first; i <= c->last; i++) {
        if (!drawn(c, i))
            continue;
        const sl_frame *f = &c->s->frames[i];
        uintptr_t lo = frame_bottom(f), hi = frame_top(f);
        if (!lo || !hi || p < lo || p >= hi)
            continue;
        row r[ROWS_MAX];
        int n = frame_rows(c, i, r, ROWS_MAX);
        for (int m = 0; m < n; m++) {
            uintptr_t len = r[m].size ? r[m].size : 8;
            if (r[m].role != ROLE_ARGS && p >= r[m].addr && p < r[m].addr + len) {
                *j = i;
                row_port(&r[m], m, port, size);
                return 0;
            }
        }
    }
    return -1;
}

/* An arrow from a pointer (node:port) to what it points at, if drawn. */
static void out_pointer_edge(ctx *c, const char *from, uintptr_t p)
{
    sl__out *o = c->o;
    int j, k;
    char port[16];
    if (!p)
        return;
    if (stack_row_at(c, p, &j, port, sizeof port) == 0) {
        sl__out_str(o, from);
        sl__out_str(o, " -> ");
        node_name(o, j);
        sl__out_str(o, ":");
        sl__out_str(o, port);
        sl__out_str(o, ":e [color=\"" COL_POINTER "\" penwidth=2 constraint=false];\n");
    } else if ((k = object_at(c, p)) >= 0) {
        sl__out_str(o, from);
        sl__out_str(o, " -> obj");
        sl__out_int(o, k);
        sl__out_str(o, ":h:w [color=\"" COL_POINTER "\" penwidth=2];\n");
    }
}

static void out_objects(ctx *c)
{
    sl__out *o = c->o;
    const sl_stack *s = c->s;
    int any = 0;
    for (int k = 0; k < s->object_count; k++)
        any |= object_drawn(c, k);
    if (!any)
        return;
    /* The boxes side by side (a list reads left to right), beside the stack. */
    sl__out_str(o, "subgraph cluster_heap {\nlabel=<<B>heap / data</B>> style=dashed color=\"#868e96\";\n"
                   "{ rank=same;");
    for (int k = 0; k < s->object_count; k++)
        if (object_drawn(c, k)) {
            sl__out_str(o, " obj");
            sl__out_int(o, k);
            sl__out_str(o, ";");
        }
    sl__out_str(o, " }\n");
    for (int k = 0; k < s->object_count; k++) {
        const sl_object *b = &s->objects[k];
        if (!object_drawn(c, k))
            continue;
        sl__out_str(o, "obj");
        sl__out_int(o, k);
        sl__out_str(o, " [label=<<TABLE BORDER=\"2\" COLOR=\"#343a40\" CELLBORDER=\"1\" "
                       "CELLSPACING=\"0\" CELLPADDING=\"4\">\n<TR><TD PORT=\"h\" BGCOLOR=\"" COL_HEAP
                       "\" ALIGN=\"LEFT\"><B>");
        sl__out_html(o, b->type, 32);
        if (!c->opt.relative) {
            sl__out_str(o, "  </B>\xc2\xb7 ");      /* no run may start with a space */
            sl__out_hex(o, b->address);
        } else {
            sl__out_str(o, "</B>");
        }
        sl__out_str(o, "</TD></TR>\n");
        if (!b->readable) {
            sl__out_str(o, "<TR><TD ALIGN=\"LEFT\"><I>Cannot access memory here</I></TD></TR>\n");
        }
        for (int f = 0; f < b->field_count; f++) {
            const sl_field *fl = &b->fields[f];
            sl__out_str(o, "<TR><TD ALIGN=\"LEFT\" PORT=\"f");
            sl__out_int(o, f);
            sl__out_str(o, "\">");
            if (fl->name[0]) {
                sl__out_html(o, fl->name, 24);
                sl__out_str(o, " = ");
            }
            if (fl->pointer == 0 && strcmp(fl->value, "0x0") == 0)
                sl__out_str(o, "<B>NULL</B>");
            else if (fl->pointer && c->opt.relative && object_at(c, fl->pointer) >= 0)
                sl__out_str(o, "\xe2\x86\x92");       /* the arrow says where */
            else
                sl__out_html(o, fl->value, 36);
            sl__out_str(o, "</TD></TR>\n");
        }
        sl__out_str(o, "</TABLE>>];\n");
    }
    sl__out_str(o, "}\n");
    for (int k = 0; k < s->object_count; k++) {
        if (!object_drawn(c, k))
            continue;
        for (int f = 0; f < s->objects[k].field_count; f++) {
            char from[32];
            snprintf(from, sizeof from, "obj%d:f%d:e", k, f);
            out_pointer_edge(c, from, s->objects[k].fields[f].pointer);
        }
    }
}

/* Every pointer variable's arrow: from its row (or the frame's last row)
 * to the slot or box it points at. */
static void out_pointers(ctx *c)
{
    out_objects(c);
    for (int i = c->first; i <= c->last; i++) {
        const sl_frame *f = &c->s->frames[i];
        if (!drawn(c, i) || !f->variable_count)
            continue;
        row r[ROWS_MAX];
        int n = frame_rows(c, i, r, ROWS_MAX);
        for (int k = 0; k < f->variable_count; k++) {
            const sl_variable *v = &f->variables[k];
            if (!v->pointer || !v->pointee || v->place == SL_VAR_OPTIMIZED_OUT)
                continue;
            char from[32], port[16] = "else";
            for (int m = 0; m < n; m++)
                if (r[m].role == ROLE_VAR && r[m].var == v)
                    row_port(&r[m], m, port, sizeof port);
            snprintf(from, sizeof from, "f%d:%s:e", i, port);
            out_pointer_edge(c, from, v->pointer);
        }
    }
}

int sl_stack_write_dot(const sl_stack *s, FILE *out, const sl_dot_options *opt)
{
    static const sl_dot_options defaults = SL_DOT_DEFAULTS;
    sl_handler_record live[64];
    const sl_handler_record *h = NULL;
    int nh = 0;
    ctx c;
    sl__out *o;

    if (!s || !out || (s->count > 0 && !s->frames) || s->count < 0)
        return fail(SL_DOT_EINVAL, "sl_stack_write_dot: NULL stack or stream");
    o = malloc(sizeof *o);
    if (!o)
        return fail(SL_DOT_ENOMEM, "sl_stack_write_dot: out of memory");
    o->file = out;
    o->len = 0;
    o->failed = 0;

    memset(&c, 0, sizeof c);
    c.o = o;
    c.s = s;
    c.opt = opt ? *opt : defaults;
    if (c.opt.font_size <= 0)
        c.opt.font_size = 18;
    if (c.opt.name_width <= 0)
        c.opt.name_width = 44;
    c.first = c.opt.skip_frames > 0 ? c.opt.skip_frames : 0;
    c.last = s->count - 1;
    if (c.first > c.last)
        c.first = c.last + 1;
    for (int i = c.first; c.opt.stop_at && i < c.last; i++)
        if (s->frames[i].function && strcmp(s->frames[i].function, c.opt.stop_at) == 0) {
            c.hidden_outer = c.last - i;
            c.last = i;
            break;
        }
    if (c.opt.max_frames > 0 && c.last - c.first + 1 > c.opt.max_frames) {
        int inner = c.opt.max_frames - c.opt.max_frames / 2;
        c.elided = 1;
        c.inner_end = c.first + inner - 1;
        c.outer_start = c.last - c.opt.max_frames / 2 + 1;
    }
    if (c.opt.show_handlers) {
        if (c.opt.handlers) {
            h = c.opt.handlers;
            nh = c.opt.handler_count;
        } else {
            nh = sl_handler_records(live, 64);
            if (nh > 64)
                nh = 64;
            h = live;
        }
        if (nh < 0)
            nh = 0;
    }

    sl__out_str(o, "digraph stack {\n"
                   "graph [rankdir=TB nodesep=0.3 ranksep=0.2 newrank=true fontname=\"DejaVu Sans\" fontsize=");
    sl__out_int(o, c.opt.font_size + 6);
    sl__out_str(o, " labelloc=t");
    if (c.opt.title) {
        sl__out_str(o, " label=<<B>");
        sl__out_html(o, c.opt.title, 0);
        sl__out_str(o, "</B>>");
    }
    sl__out_str(o, "];\nnode [shape=plaintext fontname=\"DejaVu Sans\" fontsize=");
    sl__out_int(o, c.opt.font_size);
    sl__out_str(o, "];\nedge [fontname=\"DejaVu Sans\" fontsize=");
    sl__out_int(o, c.opt.font_size - 2);
    sl__out_str(o, "];\n");

    /* Outermost first: the top of the page is the top of the stack's memory. */
    int *seq = calloc((size_t)(c.last - c.first + 1) + 2, sizeof *seq), n = 0;
    if (!seq) {
        free(o);
        return fail(SL_DOT_ENOMEM, "sl_stack_write_dot: out of memory");
    }
    if (c.hidden_outer > 0)
        seq[n++] = ITEM_OUTER;
    for (int i = c.last; i >= c.first; i--)
        if (drawn(&c, i))
            seq[n++] = i;
        else if (i == c.outer_start - 1)
            seq[n++] = ITEM_ELIDED;
    for (int k = 0; k < n; k++)
        if (seq[k] == ITEM_OUTER)
            out_outer(&c);
        else if (seq[k] == ITEM_ELIDED)
            out_elided(&c);
        else
            out_frame(&c, seq[k], h, nh);
    out_columns(&c, seq, n, h, nh);
    free(seq);

    /* Saved rbp -> the frame record it points at: the caller's, or when
     * the caller keeps none, whichever row holds that address. */
    for (int i = c.first; i <= c.last && c.opt.show_slots; i++) {
        int j = -1;
        char port[16];
        enum fp_target t;
        if (!drawn(&c, i) || !s->frames[i].saved_fp_slot)
            continue;
        t = fp_target(&c, i, &j, port, sizeof port);
        if (t == FP_NONE)
            continue;
        node_name(o, i);
        sl__out_str(o, ":fp:e -> ");
        if (t == FP_ROW) {
            node_name(o, j);
            sl__out_mem(o, ":", 1);
            sl__out_str(o, port);
            sl__out_str(o, ":e");
        } else {
            sl__out_str(o, t == FP_OUTER ? "outer:e" : "elided:e");
        }
        sl__out_str(o, " [color=\"#1c7ed6\" penwidth=2 constraint=false];\n");
    }

    if (c.opt.show_variables && c.opt.show_slots)
        out_pointers(&c);
    if (h && nh > 0)
        out_handlers(&c, h, nh);
    if (c.opt.notes && c.opt.note_count > 0)
        out_notes(&c);

    if (c.opt.legend)
        out_legend(&c);
    if (c.last < c.first)
        sl__out_str(o, "empty [label=\"(no frames)\"];\n");
    sl__out_str(o, "}\n");

    int rc = sl__out_finish(o), err = o->failed;
    free(o);
    if (rc < 0)
        return fail(rc, "sl_stack_write_dot: writing the diagram failed: %s", strerror(err));
    return SL_DOT_OK;
}

/* ---- rendering -------------------------------------------------------- */

static const char *format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const char *const known[] = { "dot", "gv", "svg", "png", "pdf" };

    if (!dot || strchr(dot, '/'))
        return NULL;
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (strcmp(dot + 1, known[k]) == 0)
            return known[k];
    return NULL;
}

/* Whether program can be run: a path, or a name found on PATH.  Checked
 * before spawning, because how a failed exec is reported differs (glibc's
 * posix_spawnp returns ENOENT; under valgrind the child exits instead). */
static int program_exists(const char *program)
{
    const char *path = getenv("PATH");
    char buf[4096];

    if (strchr(program, '/'))
        return access(program, X_OK) == 0;
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        if (snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? path : ".", program) < (int)sizeof buf &&
            access(buf, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* A temporary name beside path, with the same extension (Graphviz picks the
 * format from it): "dir/.name.XXXXXX.svg".  Renamed over path when complete,
 * so a reader never sees a half-written file.  Returns the open fd, or -1. */
/* The process's umask, read without changing it (umask(2) can only set it):
 * mkstemp makes files 0600, a picture is for others to read too. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[128];
    unsigned m = 022;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)m;
}

static int temp_beside(const char *path, char *tmp, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *ext = strrchr(path, '.');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    const char *name = slash ? slash + 1 : path;
    if (snprintf(tmp, size, "%.*s.%.*s.XXXXXX%s", dir_len, path, (int)(ext - name), name, ext) >=
        (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemps(tmp, (int)strlen(ext));
    if (fd >= 0)
        fchmod(fd, 0666 & ~current_umask());    /* as fopen would have made it */
    return fd;
}

/* Reads what a child writes to fd until it closes it, keeping the first
 * size-1 bytes as one line ("; " between its lines). */
static void read_messages(int fd, char *buf, size_t size)
{
    size_t len = 0;
    char chunk[512];
    ssize_t n;

    buf[0] = '\0';
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (ssize_t i = 0; i < n && len + 3 < size; i++) {
            if (chunk[i] == '\n') {
                memcpy(buf + len, "; ", 2);
                len += 2;
            } else {
                buf[len++] = chunk[i];
            }
        }
    }
    while (len >= 2 && buf[len - 2] == ';')
        len -= 2;
    buf[len] = '\0';
}

int sl_dot_render(const char *dot_path, const char *out_path, const char *program)
{
    const char *fmt;
    char tflag[16], tmp[4096], said[400];
    posix_spawn_file_actions_t actions;
    int pipefd[2], status, err, fd;
    pid_t pid;

    if (!dot_path || !out_path)
        return fail(SL_DOT_EINVAL, "sl_dot_render: NULL path");
    fmt = format_of(out_path);
    if (!fmt || fmt[0] == 'd' || fmt[0] == 'g')
        return fail(SL_DOT_EFORMAT, "cannot render %s: the name must end in .svg, .png or .pdf",
                    out_path);
    if (!program)
        program = "dot";
    if (!program_exists(program))
        return fail(SL_DOT_ENOGRAPHVIZ, "cannot render %s: Graphviz's `%s` program was not found "
                    "(install the graphviz package, or write a .dot file instead)",
                    out_path, program);
    fd = temp_beside(out_path, tmp, sizeof tmp);
    if (fd < 0)
        return fail(SL_DOT_EOPEN, "cannot create %s: %s", out_path, strerror(errno));
    close(fd);
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        unlink(tmp);
        return fail(SL_DOT_ERENDER, "cannot render %s: %s", out_path, strerror(errno));
    }
    /* Graphviz's complaints come back through the pipe, into the reason. */
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
    snprintf(tflag, sizeof tflag, "-T%s", fmt);
    char *argv[] = { (char *)program, tflag, "-o", tmp, (char *)dot_path, NULL };
    err = posix_spawnp(&pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipefd[1]);
    if (err) {
        close(pipefd[0]);
        unlink(tmp);
        if (err == ENOENT || err == EACCES)
            return fail(SL_DOT_ENOGRAPHVIZ, "cannot render %s: Graphviz's `%s` program was not "
                        "found (install the graphviz package, or write a .dot file instead)",
                        out_path, program);
        return fail(SL_DOT_ERENDER, "cannot render %s: could not start `%s`: %s", out_path,
                    program, strerror(err));
    }
    read_messages(pipefd[0], said, sizeof said);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            unlink(tmp);
            return fail(SL_DOT_ERENDER, "cannot render %s: lost `%s` (waitpid failed)",
                        out_path, program);
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(tmp);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            return fail(SL_DOT_ENOGRAPHVIZ, "cannot render %s: Graphviz's `%s` program was not "
                        "found (install the graphviz package)", out_path, program);
        if (WIFEXITED(status))
            return fail(SL_DOT_ERENDER, "cannot render %s: `%s` exited with status %d%s%s",
                        out_path, program, WEXITSTATUS(status), said[0] ? ": " : "", said);
        return fail(SL_DOT_ERENDER, "cannot render %s: `%s` was killed by signal %d%s%s",
                    out_path, program, WTERMSIG(status), said[0] ? ": " : "", said);
    }
    if (rename(tmp, out_path) != 0) {
        err = errno;
        unlink(tmp);
        return fail(SL_DOT_EOPEN, "cannot create %s: %s", out_path, strerror(err));
    }
    return SL_DOT_OK;
}

/* The renderer's reason names the temporary file; the user knows path. */
static void name_the_path(const char *tmp, const char *path)
{
    char *error = error_buffer();
    char *at = strstr(error, tmp);
    char rest[ERROR_SIZE];
    if (!at)
        return;
    snprintf(rest, sizeof rest, "%s", at + strlen(tmp));
    snprintf(at, ERROR_SIZE - (size_t)(at - error), "%s%s", path, rest);
}

int sl__dot_write_file(const char *path, int (*write)(FILE *, const void *), const void *arg,
                       const char *dot_program)
{
    const char *fmt;
    char tmp[4096], dot_tmp[] = "/tmp/stacklab-XXXXXX.dot";
    FILE *f;
    int rc, fd;

    if (!(fmt = format_of(path)))
        return fail(SL_DOT_EFORMAT, "cannot write %s: the name must end in .dot, .gv, .svg, "
                    ".png or .pdf", path);
    fd = temp_beside(path, tmp, sizeof tmp);
    if (fd < 0)
        return fail(SL_DOT_EOPEN, "cannot create %s: %s", path, strerror(errno));
    if (fmt[0] == 'd' || fmt[0] == 'g') {
        if (!(f = fdopen(fd, "w"))) {
            close(fd);
            unlink(tmp);
            return fail(SL_DOT_EOPEN, "cannot create %s: %s", path, strerror(errno));
        }
        rc = write(f, arg);
        if (fclose(f) != 0 && rc == 0)
            rc = fail(SL_DOT_EIO, "cannot write %s: %s", path, strerror(errno));
    } else {
        close(fd);
        fd = mkstemps(dot_tmp, 4);
        if (fd < 0 || !(f = fdopen(fd, "w"))) {
            if (fd >= 0)
                close(fd);
            unlink(tmp);
            return fail(SL_DOT_EOPEN, "cannot create a temporary file for %s: %s", path,
                        strerror(errno));
        }
        rc = write(f, arg);
        if (fclose(f) != 0 && rc == 0)
            rc = fail(SL_DOT_EIO, "cannot write %s: %s", dot_tmp, strerror(errno));
        if (rc == 0 && (rc = sl_dot_render(dot_tmp, tmp, dot_program)) != 0)
            name_the_path(tmp, path);
        unlink(dot_tmp);
    }
    if (rc == 0 && rename(tmp, path) != 0)
        rc = fail(SL_DOT_EIO, "cannot write %s: %s", path, strerror(errno));
    if (rc != 0)
        unlink(tmp);
    return rc;
}

typedef struct stack_and_options {
    const sl_stack *s;
    const sl_dot_options *o;
} stack_and_options;

static int write_stack(FILE *f, const void *arg)
{
    const stack_and_options *so = arg;
    return sl_stack_write_dot(so->s, f, so->o);
}

int sl_stack_write_file(const sl_stack *s, const char *path, const sl_dot_options *o)
{
    stack_and_options so = { s, o };
    if (!s || !path)
        return fail(SL_DOT_EINVAL, "sl_stack_write_file: NULL %s", s ? "path" : "stack");
    return sl__dot_write_file(path, write_stack, &so, o ? o->dot_program : NULL);
}

__attribute__((noinline)) int sl_diagram_here(const char *path, const sl_dot_options *o)
{
    static const sl_dot_options defaults = SL_DOT_DEFAULTS;
    sl_dot_options opt = o ? *o : defaults;
    sl_stack s = { 0 };
    int rc;

    if (!path)
        return fail(SL_DOT_EINVAL, "sl_diagram_here: NULL path");
    /* A build without a CFI walk (riscv64) draws the frame-pointer chain. */
    if (sl_stack_capture(&s, SL_WALK_CFI) < 0 &&
        (s.stop != SL_STOP_NOT_BUILT || sl_stack_capture(&s, SL_WALK_FP) < 0)) {
        rc = fail(SL_DOT_ECAPTURE, "sl_diagram_here(%s): capture failed: %s", path,
                  sl_stack_stop_string(s.stop));
        sl_stack_release(&s);
        return rc;
    }
    sl_stack_symbolize(&s);
    if (opt.show_variables)
        sl_stack_read_variables(&s);    /* the frames are still there: we are called from them */
    sl_stack_mark_handlers(&s);
    opt.skip_frames += 1;               /* frames[0] is sl_diagram_here itself */
    rc = sl_stack_write_file(&s, path, &opt);
    sl_stack_release(&s);
    if (rc == 0 && t_error)
        t_error[0] = '\0';
    return rc;
}
