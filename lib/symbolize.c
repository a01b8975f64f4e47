/*
 * symbolize.c: names, file:line and module for captured frames, and the
 * one-line-per-frame printer.
 *
 * elfutils' libdwfl does the work: it maps an address to the loaded module
 * (from /proc/PID/maps of the stack's target), to the ELF symbol covering it (the full .symtab when
 * present, so static functions have names too) and, through the DWARF line
 * table, to file:line.  Building that view of the process costs far more than
 * a lookup, so one Dwfl is kept per process, behind a mutex, and reported
 * again only when an address falls outside every module it knows (a library
 * loaded since).
 *
 * Strings are copied into storage owned by the sl_stack, so they stay valid
 * until the stack is symbolized again or released.
 */
#ifndef SL_WITHOUT_DWARF_LIBS           /* (riscv64: no libdw in Debian) */
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#else
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stacklab/frames.h>
#include "frames_internal.h"
#include "symbolize_internal.h"

/* ---- is there stack enough? ------------------------------------------------- */

const char *sl_symbolize_strerror(int code)
{
    _Static_assert(SL_SYMBOLIZE_STACK == 192 * 1024, "the sentence below names the size");
    switch (code) {
    case SL_SYMBOLIZE_EINVAL:
        return "sl_stack_symbolize: NULL stack";
    case SL_SYMBOLIZE_ESTACK:
        return "sl_stack_symbolize needs 192 KiB of stack below its caller (libdw's line "
               "tables), and less is left on this one (a small alternate signal stack?): "
               "nothing was symbolized";
    default:
        return code < 0 ? "sl_stack_symbolize: unknown error" : "no error";
    }
}

/* What sl_stack_symbolize (and sl_stack_read_variables) check before they
 * start: a stack to fill in, and room below the caller for what libdw takes
 * (SL_SYMBOLIZE_STACK, frames.h).  libdw would crash on less, and a crash
 * in a signal handler's backtrace hides what the program was reporting.
 * The stack we run on is the alternate signal stack in a handler on it,
 * else the thread's (for the main thread: as far down as it may grow); one
 * whose bounds cannot be found is given the benefit of the doubt.  The
 * build without libdw (riscv64) keeps the same rule, so that one contract
 * holds everywhere.  Returns 0 or an sl_symbolize_error. */
int sl__symbolize_refused(const sl_stack *s)
{
    uintptr_t low, high, here = (uintptr_t)__builtin_frame_address(0);

    if (!s)
        return SL_SYMBOLIZE_EINVAL;
    if (sl_thread_stack_bounds(&low, &high) == 0 && here >= low && here < high &&
        here - low < SL_SYMBOLIZE_STACK)
        return SL_SYMBOLIZE_ESTACK;
    return 0;
}

/* ---- strings owned by the stack ------------------------------------------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) char data[];
} chunk;

void sl__strings_free(sl_stack *s)
{
    chunk *c = s->strings;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    s->strings = NULL;
}

void *sl__keep_bytes(sl_stack *s, size_t n)
{
    size_t len = (n + 15) & ~(size_t)15;    /* every block 16-aligned */
    chunk *c = s->strings;
    if (!c || c->size - c->used < len) {
        size_t size = len > 4000 ? len : 4000;
        chunk *nc = malloc(sizeof *nc + size);
        if (!nc)
            return NULL;
        nc->next = c;
        nc->used = 0;
        nc->size = size;
        s->strings = c = nc;
    }
    char *p = c->data + c->used;
    c->used += len;
    return p;
}

const char *sl__keep(sl_stack *s, const char *str)
{
    if (!str)
        return NULL;
    size_t len = strlen(str) + 1;
    char *p = sl__keep_bytes(s, len);
    if (p)
        memcpy(p, str, len);
    return p;
}

/* ---- the Dwfl of a process ---------------------------------------------------- */
#ifndef SL_WITHOUT_DWARF_LIBS

/* One Dwfl for our own process and one for the last other process a stack
 * was captured from (the `stacklab` command looks at one at a time). */
static pthread_mutex_t dwfl_lock = PTHREAD_MUTEX_INITIALIZER;
/* What an address was found to be, kept while its Dwfl lives (the strings
 * are the Dwfl's): `stacklab film` symbolizes the same few return addresses
 * at every one of its steps, and dwfl_module_addrinfo searches a whole
 * symbol table each time. */
#define SYMBOL_CACHE 512
struct symbol {
    uintptr_t a;                /* 0: empty */
    const char *module, *function, *file;
    uintptr_t offset;
    int line;
    int lines_known;            /* file and line looked up (not only the name) */
};
static struct described {
    pid_t pid;
    Dwfl *dwfl;
    struct symbol cache[SYMBOL_CACHE];
} self_dwfl, other_dwfl;
static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* (Re)reads the module list from /proc/PID/maps.  Called with dwfl_lock. */
unsigned sl__dwfl_generation;

static int report_modules(struct described *d)
{
    memset(d->cache, 0, sizeof d->cache);      /* modules come and go */
    sl__dwfl_generation++;      /* modules (and their Dwarf) may go */
    if (!d->dwfl && !(d->dwfl = dwfl_begin(&callbacks)))
        return -1;
    dwfl_report_begin(d->dwfl);
    int r = dwfl_linux_proc_report(d->dwfl, d->pid);
    if (dwfl_report_end(d->dwfl, NULL, NULL) != 0 || r != 0)
        return -1;
    return 0;
}

/* The Dwfl describing pid, reported once.  A child forked from us keeps
 * our modules, and so our Dwfl.  Called with dwfl_lock. */
static Dwfl *dwfl_of(pid_t pid)
{
    int self = pid == getpid();
    struct described *d = self ? &self_dwfl : &other_dwfl;
    if (d->dwfl && (self || d->pid == pid))
        return d->dwfl;
    if (d->dwfl) {
        dwfl_end(d->dwfl);      /* another process now */
        d->dwfl = NULL;
    }
    d->pid = pid;
    return report_modules(d) == 0 ? d->dwfl : NULL;
}

/* Reports pid's modules again (a library loaded since).  Called with dwfl_lock. */
static Dwfl *dwfl_refresh(pid_t pid)
{
    struct described *d = pid == getpid() ? &self_dwfl : &other_dwfl;
    d->pid = pid;
    return report_modules(d) == 0 ? d->dwfl : NULL;
}

/* file:line by looking at every compilation unit's address ranges.
 * dwfl_module_getsrc finds the unit through .debug_aranges, which clang does
 * not emit by default; this is the slow path for such code. */
int sl__cu_by_scan(Dwfl_Module *mod, uintptr_t a, Dwarf_Die *cudie, Dwarf_Addr *bias)
{
    Dwarf *dw = dwfl_module_getdwarf(mod, bias);
    if (!dw)
        return -1;
    Dwarf_CU *cu = NULL;
    while (dwarf_get_units(dw, cu, &cu, NULL, NULL, cudie, NULL) == 0)
        if (dwarf_haspc(cudie, a - *bias) > 0)
            return 0;
    return -1;
}

int sl__cu_of(Dwfl_Module *mod, uintptr_t a, Dwarf_Die *cudie, Dwarf_Addr *bias)
{
    Dwarf_Die *d = dwfl_module_addrdie(mod, a, bias);
    if (d) {
        *cudie = *d;
        return 0;
    }
    return sl__cu_by_scan(mod, a, cudie, bias);
}

static const char *line_by_scan(Dwfl_Module *mod, uintptr_t a, int *line)
{
    Dwarf_Addr bias;
    Dwarf_Die cudie;
    if (sl__cu_by_scan(mod, a, &cudie, &bias) < 0)
        return NULL;
    Dwarf_Line *l = dwarf_getsrc_die(&cudie, a - bias);
    if (!l || dwarf_lineno(l, line) != 0)
        return NULL;
    return dwarf_linesrc(l, NULL, NULL);
}

uintptr_t sl__frame_lookup_pc(const sl_frame *f)
{
    int exact = (f->flags & (SL_FRAME_INTERRUPTED | SL_FRAME_SIGNAL)) != 0;
    return exact ? f->pc : f->pc - 1;
}

Dwfl *sl__dwfl_acquire(pid_t pid)
{
    pthread_mutex_lock(&dwfl_lock);
    Dwfl *d = dwfl_of(pid);
    if (!d)
        pthread_mutex_unlock(&dwfl_lock);
    return d;
}

void sl__dwfl_release(void)
{
    pthread_mutex_unlock(&dwfl_lock);
}

/* What address a is: module, function and offset.  Called with dwfl_lock;
 * 0 when no module holds a. */
static int look_up(Dwfl *dwfl, uintptr_t a, struct symbol *y)
{
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, a);
    if (!mod)
        return 0;
    memset(y, 0, sizeof *y);
    y->a = a;
    y->module = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    GElf_Off off;
    GElf_Sym sym;
    y->function = dwfl_module_addrinfo(mod, a, &off, &sym, NULL, NULL, NULL);
    y->offset = y->function ? (uintptr_t)off : 0;
    return 1;
}

/* Adds file and line to y: this reads the module's line table, and for a
 * library whose DWARF is in a separate (compressed) debug file, all of it. */
static void look_up_line(Dwfl *dwfl, struct symbol *y)
{
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, y->a);
    Dwfl_Line *line = mod ? dwfl_module_getsrc(mod, y->a) : NULL;
    if (line)
        y->file = dwfl_lineinfo(line, NULL, &y->line, NULL, NULL, NULL);
    else if (mod)
        y->file = line_by_scan(mod, y->a, &y->line);
    y->lines_known = 1;
}

/* Fills in one frame; a is the address to look up (the call site for a
 * return address), lines says whether file:line is wanted.  Called with
 * dwfl_lock. */
static int symbolize_one(struct described *d, sl_stack *s, sl_frame *f, uintptr_t a, int lines,
                         const char **last_module, const char **last_copy)
{
    struct symbol *y = &d->cache[(a ^ (a >> 9)) % SYMBOL_CACHE], fresh;
    if (y->a != a) {
        if (!look_up(d->dwfl, a, &fresh))
            return 0;
        *y = fresh;
    }
    if (lines && !y->lines_known)
        look_up_line(d->dwfl, y);
    if (y->module != *last_module) {
        *last_module = y->module;
        *last_copy = sl__keep(s, y->module);
    }
    f->module = *last_copy;

    int found = 0;
    if (y->function && (f->function = sl__keep(s, y->function)) != NULL) {
        f->offset = y->offset + (f->pc - a);
        found = 1;
    } else {
        f->function = "??";
    }
    if (lines && y->file) {
        f->file = sl__keep(s, y->file);
        f->line = f->file ? y->line : 0;
    }
    return found;
}

int sl_stack_symbolize(sl_stack *s)
{
    return sl_stack_symbolize_lines(s, -1);
}

int sl_stack_symbolize_lines(sl_stack *s, int lines)
{
    int refused = sl__symbolize_refused(s);
    if (refused)
        return refused;
    sl__strings_free(s);
    s->objects = NULL;          /* kept with the strings */
    s->object_count = 0;

    int found = 0;
    pid_t pid = s->target ? s->target->pid : getpid();
    pthread_mutex_lock(&dwfl_lock);
    Dwfl *dwfl = dwfl_of(pid);
    int ready = dwfl != NULL;
    int refreshed = 0;
    const char *last_module = NULL, *last_copy = NULL;

    for (int i = 0; i < s->count; i++) {
        sl_frame *f = &s->frames[i];
        f->function = "??";
        f->offset = 0;
        f->file = NULL;
        f->line = 0;
        f->module = NULL;
        f->variables = NULL;        /* their strings were just freed */
        f->variable_count = 0;
        f->inlined = NULL;
        f->inlined_count = 0;
        if (!ready || f->pc == 0)
            continue;
        /* A return address points after the call; the call itself is the
         * instruction before it (and may be the last of its function, when
         * what it called never returns, as a throw).  Every frame's pc is
         * one, frame 0's too (it returns from sl_stack_capture), except a
         * frame a signal interrupted and the kernel's signal trampoline:
         * their pcs are exact. */
        uintptr_t a = sl__frame_lookup_pc(f);
        if (!dwfl_addrmodule(dwfl, a) && !refreshed) {
            refreshed = 1;
            last_module = NULL;
            ready = (dwfl = dwfl_refresh(pid)) != NULL;
            if (!ready)
                continue;
        }
        found += symbolize_one(pid == getpid() ? &self_dwfl : &other_dwfl, s, f, a,
                               lines < 0 || i < lines, &last_module, &last_copy);
    }
    pthread_mutex_unlock(&dwfl_lock);
    return found;
}

#else /* SL_WITHOUT_DWARF_LIBS */

/* Without libdw: the dynamic linker's dladdr finds the module of an
 * address, and the module's own symbol table (.symtab, read by hand from
 * the file with <elf.h>) names the function, static ones too.  file:line
 * would need the DWARF line table, which this build does not read. */

typedef struct symtab {
    char path[256];
    Elf64_Sym *syms;
    size_t nsyms;
    char *names;
    size_t names_size;
    int relative;                       /* ET_DYN: values are offsets from the base */
} symtab;

#define SYMTABS 8
static symtab symtabs[SYMTABS];
static int nsymtabs;
static pthread_mutex_t symtab_lock = PTHREAD_MUTEX_INITIALIZER;

/* Reads count * size bytes at offset into a new buffer (NULL on failure). */
static void *read_at(int fd, off_t offset, size_t size)
{
    void *buf = size ? malloc(size) : NULL;
    if (buf && pread(fd, buf, size, offset) != (ssize_t)size) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* The symbol table of the file at path, loaded once.  Called with the lock. */
static const symtab *symtab_of(const char *path)
{
    for (int i = 0; i < nsymtabs; i++)
        if (strcmp(symtabs[i].path, path) == 0)
            return &symtabs[i];
    if (nsymtabs == SYMTABS)
        return NULL;
    symtab *t = &symtabs[nsymtabs++];
    snprintf(t->path, sizeof t->path, "%s", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    Elf64_Ehdr eh;
    Elf64_Shdr *sh = NULL;
    if (fd < 0)
        return t;                       /* (kept empty: not read again) */
    if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh &&
        memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
        eh.e_shentsize == sizeof *sh &&
        (sh = read_at(fd, (off_t)eh.e_shoff, eh.e_shnum * sizeof *sh)) != NULL) {
        for (unsigned i = 0; i < eh.e_shnum; i++) {
            if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh.e_shnum)
                continue;
            const Elf64_Shdr *str = &sh[sh[i].sh_link];
            t->syms = read_at(fd, (off_t)sh[i].sh_offset, sh[i].sh_size);
            t->names = read_at(fd, (off_t)str->sh_offset, str->sh_size);
            if (t->syms && t->names) {
                t->nsyms = sh[i].sh_size / sizeof *t->syms;
                t->names_size = str->sh_size;
                t->relative = eh.e_type == ET_DYN;
            }
            break;
        }
    }
    free(sh);
    close(fd);
    return t;
}

/* The function covering a (an address in the module loaded at base). */
static const char *function_at(const symtab *t, uintptr_t base, uintptr_t a, uintptr_t *start)
{
    uintptr_t v = t->relative ? a - base : a;
    for (size_t i = 0; t->names && i < t->nsyms; i++) {
        const Elf64_Sym *y = &t->syms[i];
        if (ELF64_ST_TYPE(y->st_info) == STT_FUNC && y->st_value <= v &&
            v < y->st_value + (y->st_size ? y->st_size : 1) && y->st_name < t->names_size) {
            *start = (t->relative ? base : 0) + y->st_value;
            return t->names + y->st_name;
        }
    }
    return NULL;
}

int sl_stack_symbolize_lines(sl_stack *s, int lines)
{
    (void)lines;                        /* names only here: no line tables */
    return sl_stack_symbolize(s);
}

int sl_stack_symbolize(sl_stack *s)
{
    int refused = sl__symbolize_refused(s);
    if (refused)
        return refused;
    sl__strings_free(s);
    int found = 0;
    pthread_mutex_lock(&symtab_lock);
    for (int i = 0; i < s->count; i++) {
        sl_frame *f = &s->frames[i];
        int exact = (f->flags & (SL_FRAME_INTERRUPTED | SL_FRAME_SIGNAL)) != 0;
        uintptr_t a = exact ? f->pc : f->pc - 1, start = 0;
        const char *name = NULL;
        Dl_info info;
        struct link_map *map = NULL;
        f->function = "??";
        f->offset = 0;
        f->file = NULL;
        f->line = 0;
        f->module = NULL;
        if (f->pc == 0 || !dladdr1((void *)a, &info, (void **)&map, RTLD_DL_LINKMAP) ||
            !info.dli_fname)
            continue;
        f->module = sl__keep(s, info.dli_fname);
        /* The main program (the one map without a name) is read through
         * /proc/self/exe: dladdr names it by argv[0], which need not be a
         * path from here.  A library by the path it was loaded from, also
         * when that is relative (dlopen("plugins/x.so")). */
        const symtab *t = symtab_of(map && map->l_name[0] ? map->l_name : "/proc/self/exe");
        if (t)
            name = function_at(t, (uintptr_t)info.dli_fbase, a, &start);
        if (!name && info.dli_sname) {
            name = info.dli_sname;
            start = (uintptr_t)info.dli_saddr;
        }
        if (name && (f->function = sl__keep(s, name)) != NULL) {
            f->offset = f->pc - start;
            found++;
        } else {
            f->function = "??";
        }
    }
    pthread_mutex_unlock(&symtab_lock);
    return found;
}
#endif /* SL_WITHOUT_DWARF_LIBS */

/* ---- printing ------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A frame's variables, as gdb's `bt full` lists them, with where each one
 * is.  Returns the number of lines, or -1. */
static int print_variables(const sl_frame *f, const sl_variable *v, int n, FILE *out)
{
    for (int k = 0; k < n; k++) {
        char place[160];
        sl__variable_place(f, &v[k], place, sizeof place);
        if (fprintf(out, "        %s = %s   [%s, %s]\n", v[k].name, v[k].value, place,
                    v[k].type) < 0)
            return -1;
    }
    return n;
}

int sl_stack_print(const sl_stack *s, FILE *out)
{
    if (!s || !out)
        return -1;
    int lines = 0;
    for (int i = 0; i < s->count; i++) {
        const sl_frame *f = &s->frames[i];
        /* Functions inlined at the pc first, innermost first, as gdb's bt;
         * they share frame i, and its number. */
        for (int k = 0; k < f->inlined_count; k++) {
            const sl_inline *x = &f->inlined[k];
            int r = fprintf(out, "#%-3d 0x%016lx %s", i, (unsigned long)f->pc, x->function);
            if (r >= 0 && x->file)
                r = fprintf(out, "  %s:%d", base_name(x->file), x->line);
            if (r >= 0)
                r = fprintf(out, "  [inlined into %s]\n", f->function ? f->function : "??");
            int n = r < 0 ? -1 : print_variables(f, x->variables, x->variable_count, out);
            if (n < 0)
                return -1;
            lines += 1 + n;
        }
        int r = fprintf(out, "#%-3d 0x%016lx %s", i, (unsigned long)f->pc,
                        f->function ? f->function : "??");
        if (r >= 0 && f->function && f->offset)
            r = fprintf(out, "+0x%lx", (unsigned long)f->offset);
        if (r >= 0 && f->file)
            r = fprintf(out, "  %s:%d", base_name(f->file), f->line);
        if (r >= 0 && f->module)
            r = fprintf(out, "  [%s]", base_name(f->module));
        if (r >= 0 && (f->flags & SL_FRAME_SIGNAL))
            r = fprintf(out, "  <signal frame>");
        if (r >= 0 && (f->flags & SL_FRAME_NO_CFI))
            r = fprintf(out, "  <no unwind info>");
        if (r >= 0)
            r = fputc('\n', out);
        int n = r < 0 ? -1 : print_variables(f, f->variables, f->variable_count, out);
        if (n < 0)
            return -1;
        lines += 1 + n;
    }
    if (s->stop != SL_STOP_END) {
        if (fprintf(out, "     (walk stopped: %s)\n", sl_stack_stop_string(s->stop)) < 0)
            return -1;
        lines++;
    }
    return lines;
}
