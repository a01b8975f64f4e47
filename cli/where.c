/*
 * where.c: `--at FUNCTION[:N]` and `--at FILE:LINE[:N]` as breakpoint
 * addresses, with errors that say what to do.
 *
 * The program is described by libdwfl from /proc/PID/maps once it is loaded
 * (stopped at its first instruction), so every address already includes the
 * load bias of a position-independent executable.  Only the executable's own
 * code is searched: at that moment no shared library is mapped yet.
 */
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "machine.h"
#include "where.h"

static int werr(where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->error, sizeof w->error, fmt, ap);
    va_end(ap);
    return -1;
}

static int add_addr(where *w, uintptr_t a)
{
    for (int i = 0; i < w->count; i++)
        if (w->addrs[i] == a)
            return 0;
    uintptr_t *n = realloc(w->addrs, (w->count + 1) * sizeof *n);
    if (!n)
        return -1;
    w->addrs = n;
    w->addrs[w->count++] = a;
    return 0;
}

void where_release(where *w)
{
    free(w->addrs);
    w->addrs = NULL;
    w->count = 0;
}

/* ---- the program as loaded -------------------------------------------------- */

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

typedef struct program {
    Dwfl *dwfl;
    Dwfl_Module *mod;           /* the executable */
    Dwarf *dw;                  /* its DWARF, NULL without debug info */
    Dwarf_Addr bias;
    char exe[PATH_MAX];
} program;

static int find_exe(Dwfl_Module *mod, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)start;
    program *p = arg;
    if (name && strcmp(name, p->exe) == 0) {
        p->mod = mod;
        return DWARF_CB_ABORT;
    }
    return DWARF_CB_OK;
}

static int program_open(program *p, pid_t pid)
{
    memset(p, 0, sizeof *p);
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(link, p->exe, sizeof p->exe - 1);
    if (n <= 0)
        return -1;
    p->exe[n] = '\0';
    if (!(p->dwfl = dwfl_begin(&callbacks)))
        return -1;
    dwfl_report_begin(p->dwfl);
    int r = dwfl_linux_proc_report(p->dwfl, pid);
    dwfl_report_end(p->dwfl, NULL, NULL);
    if (r != 0)
        return -1;
    dwfl_getmodules(p->dwfl, find_exe, p, 0);
    if (!p->mod)
        return -1;
    p->dw = dwfl_module_getdwarf(p->mod, &p->bias);
    return 0;
}

static void program_close(program *p)
{
    if (p->dwfl)
        dwfl_end(p->dwfl);
}

int where_has_debug_info(pid_t pid)
{
    program p;
    int has = program_open(&p, pid) == 0 && p.dw != NULL;
    program_close(&p);
    return has;
}

/* ---- names close to a misspelled one ------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 200 || lb > 200)
        return SIZE_MAX;
    size_t row[201];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

typedef struct suggestions {
    char name[3][128];
    size_t dist[3];
    int n;
} suggestions;

static void consider(suggestions *s, const char *want, const char *name)
{
    size_t limit = strlen(want) / 3 > 2 ? strlen(want) / 3 : 2;
    size_t d = edit_distance(want, name);
    if (d > limit || strlen(name) >= sizeof s->name[0])
        return;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], name) == 0)
            return;
    /* Keep the three closest, closest first. */
    int at = s->n;
    if (at == 3) {
        if (d >= s->dist[2])
            return;
        at = 2;
    } else {
        s->n++;
    }
    for (; at > 0 && s->dist[at - 1] > d; at--) {
        s->dist[at] = s->dist[at - 1];
        strcpy(s->name[at], s->name[at - 1]);
    }
    s->dist[at] = d;
    strcpy(s->name[at], name);
}

/* ---- FUNCTION ---------------------------------------------------------------- */

typedef struct func_search {
    const char *name;
    where *w;
    program *p;
    int found;                  /* out-of-line copies found */
    int inlined;                /* a DIE says the function was inlined */
    suggestions close;
} func_search;

static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

/* Whether a DIE or any DIE under it has a location list. */
static int has_loclist(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    if (dwarf_attr(die, DW_AT_location, &a)) {
        unsigned form = dwarf_whatform(&a);
        if (form == DW_FORM_sec_offset || form == DW_FORM_loclistx)
            return 1;
    }
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0)
        return 0;
    do
        if (has_loclist(&child))
            return 1;
    while (dwarf_siblingof(&child, &child) == 0);
    return 0;
}

/* gdb's rule for where `break FUNCTION` stops.  In a unit gcc compiled
 * with optimization (gdb tells by its location lists: "locations valid"),
 * gdb trusts the variables' locations at the entry and stops at the
 * function's first instruction; otherwise after the prologue, at the
 * second line-table row (libdw's dwarf_entry_breakpoints). */
static int stops_at_entry(Dwarf_Die *cudie)
{
    Dwarf_Attribute a;
    const char *producer = dwarf_formstring(dwarf_attr(cudie, DW_AT_producer, &a));
    return producer && strncmp(producer, "GNU ", 4) == 0 && has_loclist(cudie);
}

/* The top-level subprograms of every compile unit: a function's own DIE, or
 * the concrete out-of-line instance of an inline one (named through its
 * abstract origin). */
static void search_dwarf(func_search *fs)
{
    Dwarf_CU *cu = NULL;
    Dwarf_Die cudie, die;
    while (dwarf_get_units(fs->p->dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
        int entry = -1;         /* stops_at_entry, once it is needed */
        if (dwarf_child(&cudie, &die) != 0)
            continue;
        do {
            if (dwarf_tag(&die) != DW_TAG_subprogram)
                continue;
            const char *name = die_name(&die);
            if (!name)
                continue;
            if (strcmp(name, fs->name) != 0) {
                consider(&fs->close, fs->name, name);
                continue;
            }
            Dwarf_Addr low;
            if (dwarf_entrypc(&die, &low) != 0) {
                if (dwarf_hasattr_integrate(&die, DW_AT_inline))
                    fs->inlined = 1;
                continue;
            }
            if (entry < 0)
                entry = stops_at_entry(&cudie);
            if (entry) {
                add_addr(fs->w, low + fs->p->bias);
                fs->found++;
                continue;
            }
            Dwarf_Addr *bk;
            int n = dwarf_entry_breakpoints(&die, &bk);
            if (n <= 0)
                continue;
            /* The first location is the entry's; others are the parts of a
             * function split in hot and cold code. */
            add_addr(fs->w, bk[0] + fs->p->bias);
            free(bk);
            fs->found++;
        } while (dwarf_siblingof(&die, &die) == 0);
    }
}

/* Without DWARF for it: the ELF symbol, past its frame-pointer prologue. */
static void search_symbols(func_search *fs, pid_t pid)
{
    int n = dwfl_module_getsymtab(fs->p->mod);
    for (int i = 0; i < n; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        const char *name = dwfl_module_getsym_info(fs->p->mod, i, &sym, &addr, NULL, NULL, NULL);
        if (!name || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF)
            continue;
        if (strcmp(name, fs->name) != 0) {
            if (!fs->p->dw)
                consider(&fs->close, fs->name, name);
            continue;
        }
        uint8_t code[16] = { 0 };
        struct iovec local = { code, sizeof code }, remote = { (void *)(uintptr_t)addr, sizeof code };
        size_t skip = 0;
        if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof code)
            skip = machine_prologue_length(code, sizeof code);
        add_addr(fs->w, addr + skip);
        fs->found++;
    }
}

static int resolve_function(where *w, program *p, const char *name, pid_t pid)
{
    func_search fs = { .name = name, .w = w, .p = p };
    if (p->dw)
        search_dwarf(&fs);
    if (!fs.found && !fs.inlined)
        search_symbols(&fs, pid);
    if (fs.found)
        return 0;
    const char *base = strrchr(p->exe, '/') ? strrchr(p->exe, '/') + 1 : p->exe;
    if (fs.inlined)
        return werr(w, "%s has no out-of-line copy in %s: the compiler inlined every call "
                    "(build with -O0 or -fno-inline to stop in it)", name, base);
    if (fs.close.n == 0)
        return werr(w, "no function %s in %s", name, base);
    char list[400] = "";
    for (int i = 0; i < fs.close.n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 i == 0 ? "" : i == fs.close.n - 1 ? " or " : ", ", fs.close.name[i]);
    return werr(w, "no function %s in %s; did you mean %s?", name, base, list);
}

/* ---- FILE:LINE --------------------------------------------------------------- */

static int resolve_line(where *w, program *p, const char *file, int line)
{
    const char *base = strrchr(p->exe, '/') ? strrchr(p->exe, '/') + 1 : p->exe;
    if (!p->dw)
        return werr(w, "%s has no debug info, so no line %s:%d (build with -g)", base, file, line);
    Dwfl_Line **srcs = NULL;
    size_t n = 0;
    if (dwfl_module_getsrc_file(p->mod, file, line, 0, &srcs, &n) != 0 || n == 0)
        return werr(w, "no code for %s:%d in %s (is the file part of the program?)", file, line,
                    base);
    /* gdb stops once per function that holds the line: at its lowest
     * statement address there (a loop's condition and body share a line). */
    int used = 0;
    const char *fn_of[64];
    uintptr_t lowest[64];
    int nf = 0;
    for (size_t i = 0; i < n; i++) {
        Dwarf_Addr a;
        int l;
        if (!dwfl_lineinfo(srcs[i], &a, &l, NULL, NULL, NULL))
            continue;
        used = l;
        GElf_Sym sym;
        const char *fn = dwfl_module_addrsym(p->mod, a, &sym, NULL);
        int k;
        for (k = 0; k < nf; k++)
            if ((fn && fn_of[k] && strcmp(fn, fn_of[k]) == 0) || (!fn && !fn_of[k]))
                break;
        if (k == nf) {
            if (nf == 64)
                continue;
            fn_of[nf] = fn;
            lowest[nf++] = a;
        } else if (a < lowest[k]) {
            lowest[k] = a;
        }
    }
    free(srcs);
    for (int k = 0; k < nf; k++)
        add_addr(w, lowest[k]);
    if (w->count == 0)
        return werr(w, "no code for %s:%d in %s", file, line, base);
    if (used != line)
        fprintf(stderr, "stacklab: %s:%d has no code; stopping at line %d\n", file, line, used);
    return 0;
}

/* ---- the spec ------------------------------------------------------------------- */

static int parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1)
        return -1;
    *out = v;
    return 0;
}

int where_resolve(where *w, const char *spec, pid_t pid)
{
    memset(w, 0, sizeof *w);
    w->nth = 1;
    char buf[512];
    if (strlen(spec) >= sizeof buf || !*spec)
        return werr(w, "bad --at '%s': expected FUNCTION[:N] or FILE:LINE[:N]", spec);
    strcpy(buf, spec);
    char *part[3] = { buf, NULL, NULL };
    int parts = 1;
    for (char *c = buf; *c && parts < 3; c++)
        if (*c == ':') {
            *c = '\0';
            part[parts++] = c + 1;
        }
    long line = 0;
    int is_line = parts >= 2 && (strchr(part[0], '.') || strchr(part[0], '/'));
    if (is_line) {
        if (parse_count(part[1], &line) != 0 || line > INT_MAX ||
            (parts == 3 && parse_count(part[2], &w->nth) != 0))
            return werr(w, "bad --at '%s': expected FILE:LINE[:N] with numbers >= 1", spec);
        snprintf(w->label, sizeof w->label, "%s:%ld", part[0], line);
    } else {
        if (parts == 3 || (parts == 2 && parse_count(part[1], &w->nth) != 0))
            return werr(w, "bad --at '%s': expected FUNCTION[:N] with N >= 1", spec);
        snprintf(w->label, sizeof w->label, "%s", part[0]);
    }
    program p;
    if (program_open(&p, pid) != 0) {
        program_close(&p);
        return werr(w, "cannot read the program's modules: %s", dwfl_errmsg(-1));
    }
    w->no_debug_info = p.dw == NULL;
    int r = is_line ? resolve_line(w, &p, part[0], (int)line)
                    : resolve_function(w, &p, part[0], pid);
    program_close(&p);
    return r;
}
