/*
 * dot_memmap.c: the address space as one tall table, highest address at the
 * top, the way the memory-management lecture draws it:
 *
 *      kernel half | non-canonical hole | stack | ... | libraries | mmap |
 *      ... | heap | bss | data | rodata | text | ... | zero page
 *
 * Rows are not to scale (the gaps are terabytes, the text section kilobytes),
 * so every row states its size.  To stay legible the many mappings of one
 * shared object become one row, neighbouring anonymous mappings one row, and
 * the executable's regions (cut by lib/memmap.c where the kind changes)
 * are text, rodata, data and bss rows named by their sections.  Each mark
 * is a node on the left with an arrow into the row that holds its address.
 */
#include <stdlib.h>
#include <string.h>

#include "dot_out.h"
#include "memmap_internal.h"
#include "stacklab/dot.h"
#include "stacklab/memmap.h"

#define GAP_SHOWN   ((uintptr_t)1 << 20)         /* smaller gaps are not drawn */
#define ANON_MERGE  ((uintptr_t)1 << 30)         /* anonymous mappings this close merge */
#define USER_TOP    ((uintptr_t)0x800000000000)  /* x86-64, 4-level paging */
#define KERNEL_LOW  ((uintptr_t)0xffff800000000000)

typedef struct block {
    uintptr_t start, end;
    const char *kind;           /* region kind, or "gap", "kernel", "hole", "zero" */
    const char *name;           /* library basename, section list, ... */
    char perms[32];             /* the rwx of each mapping, lowest first, a run
                                   of equal ones once: "r-- r-x r-- rw-" */
    char what[64];              /* section names of an executable piece; "no access" */
    int mappings;
} block;

typedef struct blocks {
    block *b;
    int n, cap;
} blocks;

static block *add(blocks *bs, uintptr_t start, uintptr_t end, const char *kind)
{
    if (bs->n == bs->cap) {
        int cap = bs->cap ? bs->cap * 2 : 64;
        block *nb = realloc(bs->b, (size_t)cap * sizeof *nb);
        if (!nb)
            return NULL;
        bs->b = nb;
        bs->cap = cap;
    }
    block *b = &bs->b[bs->n++];
    memset(b, 0, sizeof *b);
    b->start = start;
    b->end = end;
    b->kind = kind;
    b->mappings = 1;
    return b;
}

/* Adds one more mapping's permissions to a row's list.  The union would be
 * shorter, but it is a lie: a library's r-x code and rw- data would read as
 * rwx, writable code.  The list keeps each segment honest; a run of equal
 * ones is written once, and a list too long for the row ends in "...". */
static void merge_perms(char *into, const char *perms)
{
    size_t len = strlen(into);
    const size_t cap = sizeof ((block *)0)->perms;

    if (len >= 3 && strncmp(into + len - 3, perms, 3) == 0)
        return;                         /* same as the mapping below it */
    if (len >= 3 && strcmp(into + len - 3, "...") == 0)
        return;
    if (len + 9 > cap) {                /* keep room for " rwx", then " ..." */
        strcpy(into + len, " ...");
        return;
    }
    if (len)
        into[len++] = ' ';
    memcpy(into + len, perms, 3);
    into[len + 3] = '\0';
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

/* One region of the executable (lib/memmap.c has cut its mappings where
 * the kind changes), named by the sections in it; a region of the same
 * kind as the row below it (the rest of .bss in an anonymous mapping, the
 * read-only data after relocation) joins that row. */
static int add_exe_piece(blocks *bs, const sl_region *r, const sl__memmap_priv *p)
{
    block *cur = bs->n ? &bs->b[bs->n - 1] : NULL;

    if (cur && cur->end == r->start && strcmp(cur->kind, r->kind) == 0) {
        cur->end = r->end;
        cur->mappings++;
    } else if (!(cur = add(bs, r->start, r->end, r->kind)))
        return -1;
    merge_perms(cur->perms, r->perms);
    for (int i = 0; i < p->nsections; i++) {
        const sl__section *s = &p->sections[i];
        size_t len = strlen(cur->what);
        if (s->end <= r->start || s->start >= r->end || strstr(cur->what, s->name))
            continue;
        if (len + strlen(s->name) + 2 < sizeof cur->what && len < 40)
            snprintf(cur->what + len, sizeof cur->what - len, "%s%s", len ? " " : "", s->name);
    }
    if (!cur->what[0])
        snprintf(cur->what, sizeof cur->what, "ELF header, dynamic tables");
    return 0;
}

static int build(blocks *bs, const sl_memmap *m)
{
    const sl__memmap_priv *p = sl__memmap_priv_of(m);

    add(bs, 0, 0x1000, "zero");
    for (int i = 0; i < m->count; i++) {
        const sl_region *r = &m->regions[i];
        block *last = bs->n ? &bs->b[bs->n - 1] : NULL;
        int exe = p && r->path && strcmp(r->path, p->exe) == 0 &&
                  strcmp(r->kind, "mmap") != 0;
        int anon = !r->path || strncmp(r->path, "[anon", 5) == 0;

        if (r->start >= USER_TOP)
            continue;                   /* [vsyscall]: drawn inside the kernel half */
        if (exe || (anon && p && (strcmp(r->kind, "bss") == 0 || strcmp(r->kind, "data") == 0))) {
            if (add_exe_piece(bs, r, p) < 0)
                return -1;
            continue;
        }
        if (last && last->name && r->path && strcmp(r->kind, "library") == 0 &&
            strcmp(last->kind, "library") == 0 && strcmp(last->name, base_name(r->path)) == 0) {
            last->end = r->end;
            last->mappings++;
            merge_perms(last->perms, r->perms);
            continue;
        }
        /* Neighbouring anonymous mappings of one kind, one row; a guard
         * (no access: the page under a thread's stack, a reservation) is
         * a row of its own, as sl_memmap_classify names it. */
        if (last && anon && (strcmp(r->kind, "mmap") == 0 || strcmp(r->kind, "guard") == 0) &&
            strcmp(last->kind, r->kind) == 0 && r->start - last->end < ANON_MERGE) {
            last->end = r->end;
            last->mappings++;
            merge_perms(last->perms, r->perms);
            continue;
        }
        block *b = add(bs, r->start, r->end, r->kind);
        if (!b)
            return -1;
        b->name = r->path ? base_name(r->path) : NULL;
        if (strcmp(r->kind, "guard") == 0)
            snprintf(b->what, sizeof b->what, "no access");
        merge_perms(b->perms, r->perms);
    }
    add(bs, USER_TOP, KERNEL_LOW, "hole");
    add(bs, KERNEL_LOW, 0, "kernel");   /* end 0: wraps to 2^64 */

    /* Gaps between blocks, as blocks of their own. */
    blocks out = { 0 };
    for (int i = 0; i < bs->n; i++) {
        if (i > 0) {
            uintptr_t prev_end = bs->b[i - 1].end;
            if (bs->b[i].start > prev_end && bs->b[i].start - prev_end >= GAP_SHOWN)
                if (!add(&out, prev_end, bs->b[i].start, "gap"))
                    return -1;
        }
        if (!add(&out, 0, 0, NULL))
            return -1;
        out.b[out.n - 1] = bs->b[i];
    }
    free(bs->b);
    *bs = out;
    return 0;
}

static const char *colour_of(const char *kind)
{
    static const struct { const char *kind, *colour; } colours[] = {
        { "kernel", "#495057" }, { "hole", "#ffffff" }, { "stack", "#74c0fc" },
        { "mmap", "#dee2e6" }, { "library", "#d0bfff" }, { "heap", "#8ce99a" },
        { "bss", "#fff3bf" }, { "data", "#ffd43b" }, { "rodata", "#ffc078" },
        { "text", "#ff8787" }, { "vdso", "#99e9f2" }, { "vvar", "#99e9f2" },
        { "vsyscall", "#99e9f2" }, { "guard", "#adb5bd" },
        { "gap", "#ffffff" }, { "zero", "#868e96" },
    };
    for (size_t k = 0; k < sizeof colours / sizeof colours[0]; k++)
        if (strcmp(kind, colours[k].kind) == 0)
            return colours[k].colour;
    return "#f8f9fa";
}

/* A space between two runs of text ends the first run, never starts the
 * second: SVG renderers drop spaces at the start of a <text> element
 * (see out_rsp_mark in dot.c). */
static void out_title(sl__out *o, const block *b)
{
    const char *k = b->kind;

    if (strcmp(k, "kernel") == 0)
        sl__out_str(o, "<FONT COLOR=\"white\"><B>kernel half </B>(no access from user mode)</FONT>");
    else if (strcmp(k, "hole") == 0)
        sl__out_str(o, "<I>non-canonical hole: no address here exists</I>");
    else if (strcmp(k, "gap") == 0)
        sl__out_str(o, "<I>unmapped gap</I>");
    else if (strcmp(k, "zero") == 0)
        sl__out_str(o, "<FONT COLOR=\"white\"><B>zero page</B>: unmapped, NULL faults here</FONT>");
    else if (strcmp(k, "library") == 0) {
        sl__out_str(o, "<B>");
        sl__out_html(o, b->name, 32);
        sl__out_str(o, " </B>(shared library)");
    } else if (strcmp(k, "mmap") == 0) {
        sl__out_str(o, b->name ? "<B>" : "<B>anonymous mmap</B>");
        if (b->name) {
            sl__out_html(o, b->name, 32);
            sl__out_str(o, " </B>(mapped file)");
        }
    } else {
        sl__out_str(o, "<B>");
        sl__out_html(o, k, 0);
        sl__out_str(o, "</B>");
        if (b->what[0]) {
            sl__out_str(o, "  <FONT POINT-SIZE=\"15\">");
            sl__out_html(o, b->what, 40);
            sl__out_str(o, "</FONT>");
        }
    }
}

static int write_memmap(const sl_memmap *m, FILE *out, const sl_mark *marks, int n,
                        const char *title)
{
    blocks bs = { 0 };
    sl__out *o;
    int rc;

    if (!m || !out || (n > 0 && !marks) || (m->count > 0 && !m->regions))
        return SL_DOT_EINVAL;
    o = malloc(sizeof *o);
    if (!o || build(&bs, m) < 0) {
        free(o);
        free(bs.b);
        return SL_DOT_ENOMEM;
    }
    o->file = out;
    o->len = 0;
    o->failed = 0;

    sl__out_str(o, "digraph address_space {\n"
                   "graph [rankdir=LR nodesep=0.15 ranksep=0.8 fontname=\"DejaVu Sans\" fontsize=24 "
                   "labelloc=t label=<<B>");
    if (title)
        sl__out_html(o, title, 200);
    else
        sl__out_str(o, "The address space of this process");
    sl__out_str(o, "</B><BR/>"
                   "<FONT POINT-SIZE=\"16\">high addresses at the top \xc2\xb7 "
                   "rows not to scale: see their sizes</FONT>>];\n"
                   "node [shape=plaintext fontname=\"DejaVu Sans\" fontsize=18];\n"
                   "edge [penwidth=2 color=\"#1c7ed6\" arrowsize=1.2];\n"
                   "map [label=<<TABLE BORDER=\"2\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                   "CELLPADDING=\"5\">\n");
    for (int i = bs.n - 1; i >= 0; i--) {
        const block *b = &bs.b[i];
        int faint = strcmp(b->kind, "gap") == 0 || strcmp(b->kind, "hole") == 0;

        /* One line per row (first and last byte), so that the whole address
         * space fits a 16:9 slide with its text still large. */
        sl__out_str(o, "<TR><TD PORT=\"b");
        sl__out_int(o, i);                  /* marks point at the row's left edge */
        sl__out_str(o, "\" ALIGN=\"RIGHT\"><FONT FACE=\"DejaVu Sans Mono\" POINT-SIZE=\"16\">");
        sl__out_hex(o, b->start);
        sl__out_str(o, "\xe2\x80\x93");      /* U+2013 en dash */
        sl__out_hex(o, b->end ? b->end - 1 : ~(uintptr_t)0);
        sl__out_str(o, "</FONT></TD><TD ALIGN=\"LEFT\" BGCOLOR=\"");
        sl__out_str(o, colour_of(b->kind));
        sl__out_str(o, faint ? "\" STYLE=\"dashed\">" : "\">");
        out_title(o, b);
        sl__out_str(o, "</TD><TD ALIGN=\"RIGHT\"");
        if (faint)
            sl__out_str(o, " STYLE=\"dashed\"");
        sl__out_str(o, ">");
        sl__out_size(o, (b->end ? b->end : 0) - b->start);
        if (b->perms[0]) {
            sl__out_str(o, " <FONT FACE=\"DejaVu Sans Mono\">");
            sl__out_str(o, b->perms);
            sl__out_str(o, "</FONT>");
        }
        sl__out_str(o, "</TD></TR>\n");
    }
    sl__out_str(o, "</TABLE>>];\n");

    for (int k = 0; k < n; k++) {
        uintptr_t a = (uintptr_t)marks[k].address;
        int row = 0;                    /* the block holding a, or the one below it
                                           (a small gap that is not drawn) */
        for (int i = 0; i < bs.n; i++)
            if (a >= bs.b[i].start)
                row = i;
        const char *kind = sl_memmap_classify(m, marks[k].address);
        sl__out_str(o, "m");
        sl__out_int(o, k);
        sl__out_str(o, " [label=<<B>");
        sl__out_html(o, marks[k].label, 32);
        sl__out_str(o, "</B><BR/><FONT FACE=\"DejaVu Sans Mono\" POINT-SIZE=\"15\">");
        sl__out_hex(o, a);
        sl__out_str(o, "</FONT>");
        if (kind) {
            sl__out_str(o, " <I>");
            sl__out_str(o, kind);
            sl__out_str(o, "</I>");
        }
        sl__out_str(o, ">];\nm");
        sl__out_int(o, k);
        sl__out_str(o, " -> map:b");
        sl__out_int(o, row);
        sl__out_str(o, ":w;\n");
    }
    sl__out_str(o, "}\n");
    rc = sl__out_finish(o);
    free(o);
    free(bs.b);
    return rc;
}

int sl_memmap_write_dot(const sl_memmap *m, FILE *out, const sl_mark *marks, int n)
{
    return write_memmap(m, out, marks, n, NULL);
}

typedef struct memmap_args {
    const sl_memmap *m;
    const sl_mark *marks;
    int n;
    const char *title;
} memmap_args;

static int write_args(FILE *f, const void *arg)
{
    const memmap_args *a = arg;
    return write_memmap(a->m, f, a->marks, a->n, a->title);
}

int sl_memmap_write_file(const sl_memmap *m, const char *path, const sl_mark *marks, int n,
                         const char *title)
{
    memmap_args a = { m, marks, n, title };
    if (!m || !path)
        return SL_DOT_EINVAL;
    return sl__dot_write_file(path, write_args, &a, NULL);
}
