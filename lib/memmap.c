/*
 * memmap.c: /proc/self/maps as regions, each with a kind.
 *
 * Permissions and paths classify most mappings ("[heap]", a shared object,
 * an anonymous mmap).  The executable's own mappings need its section
 * headers: its rw- mapping holds .data and then .bss, often on the same page,
 * and the rest of .bss continues in an anonymous mapping after it.  So the
 * executable (/proc/PID/exe) is opened with libelf once per read, and its
 * allocated sections, moved by the load bias, are kept next to the regions.
 *
 * Another process (sl_memmap_read_target: a thread stopped under ptrace) is
 * read the same way from its /proc/PID files; what dl_iterate_phdr tells of
 * our own loaded objects is taken there from the maps themselves (a file with
 * an executable mapping is a loaded object), and its stack is the mapping
 * that holds the stopped thread's sp.
 *
 * One answer per address: a mapping that holds more than one kind (data and
 * bss on one page) is cut where the kind changes, so every region has one
 * kind and sl_memmap_classify is the kind of the region that holds the
 * address.  Listing and classifying are the same code.
 *
 * Thread stacks: the kernel names only the main thread's "[stack]"; every
 * other thread's stack is an anonymous mapping.  A mapping is a stack when
 * it holds the stack pointer of one of the process's threads: the described
 * thread's own (the caller's, or the traced thread's), and each other
 * thread's as the kernel reports it in /proc/PID/task/TID/syscall: the user
 * stack pointer of a thread blocked in the kernel (waiting on a lock, a
 * join, a read, a sleep) or stopped under ptrace.  A thread running on
 * another CPU at that moment shows "running" there and has no stack pointer
 * to give; its stack reads as "mmap" until it blocks or asks itself.  (The
 * kernel's [stack:TID] names are gone since Linux 4.5, and the kstkesp field
 * of /proc/PID/task/TID/stat reads 0 except in core dumps.  Guessing from
 * size and guard page would also take any 8 MiB mapping with a guard below
 * for a stack.)  Under valgrind or qemu-user, a blocked thread's kernel
 * stack pointer is the emulator's, not the program's: only the caller's
 * stack is found there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#ifndef SL_WITHOUT_DWARF_LIBS
#include <gelf.h>
#include <libelf.h>
#else                                   /* riscv64: no libelf in Debian */
#include <elf.h>
typedef Elf64_Shdr GElf_Shdr;
#endif
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stacklab/memmap.h"
#include "stacklab/target.h"
#include "memmap_internal.h"

/* The kind of an executable's section, by name; NULL: not one we draw. */
static const char *section_kind(const char *name, GElf_Shdr *sh)
{
    if (!(sh->sh_flags & SHF_ALLOC) || (sh->sh_flags & SHF_TLS))
        return NULL;
    if (sh->sh_type == SHT_NOBITS)
        return "bss";
    if (sh->sh_flags & SHF_EXECINSTR)
        return "text";
    if (sh->sh_flags & SHF_WRITE)
        return "data";
    (void)name;
    return "rodata";
}

/* Records where each loaded object's segments lie: a file mapped by other
 * means (libdw reading debug info, a data file) is then "mmap", not
 * "library" or "text".  The first object is the executable. */
static int objects_callback(struct dl_phdr_info *info, size_t size, void *data)
{
    sl__memmap_priv *p = data;
    uintptr_t lo = UINTPTR_MAX, hi = 0;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t a = info->dlpi_addr + ph->p_vaddr, b = a + ph->p_memsz;
        if (a < lo)
            lo = a & ~(uintptr_t)0xfff;
        if (b > hi)
            hi = (b + 0xfff) & ~(uintptr_t)0xfff;
    }
    if (p->nobjects == 0)
        p->bias = info->dlpi_addr;
    if (lo < hi && p->nobjects < SL__MAX_OBJECTS) {
        p->objects[p->nobjects].start = lo;
        p->objects[p->nobjects].end = hi;
        p->nobjects++;
    }
    return 0;
}

static int loaded(const sl__memmap_priv *p, const sl_region *r, int only_exe)
{
    for (int i = 0; i < (only_exe ? 1 : p->nobjects) && i < p->nobjects; i++)
        if (r->start < p->objects[i].end && r->end > p->objects[i].start)
            return 1;
    return 0;
}

/* Keeps one allocated section of the executable, if it is one we draw. */
static void keep_section(sl__memmap_priv *p, const char *name, GElf_Shdr *sh)
{
    const char *kind = name ? section_kind(name, sh) : NULL;

    if (!kind || sh->sh_size == 0 || p->nsections >= SL__MAX_SECTIONS)
        return;
    sl__section *s = &p->sections[p->nsections++];
    s->start = p->bias + sh->sh_addr;
    s->end = s->start + sh->sh_size;
    s->kind = kind;
    snprintf(s->name, sizeof s->name, "%s", name);
}

#ifdef SL_WITHOUT_DWARF_LIBS
/* Reads the executable's allocated sections into p: the ELF header, the
 * section headers and their name table, by hand (<elf.h>, 64-bit).  Only
 * for this process (no `stacklab` command without libdw). */
static void read_sections(sl__memmap_priv *p, const char *proc, uintptr_t first_map)
{
    char exe[64];
    (void)first_map;
    snprintf(exe, sizeof exe, "%s/exe", proc);
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    Elf64_Ehdr eh;
    Elf64_Shdr *sh = NULL;
    char *names = NULL;

    if (fd < 0)
        return;
    if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh &&
        memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
        eh.e_shentsize == sizeof *sh && eh.e_shnum > 0 && eh.e_shstrndx < eh.e_shnum &&
        (sh = calloc(eh.e_shnum, sizeof *sh)) != NULL &&
        pread(fd, sh, eh.e_shnum * sizeof *sh, (off_t)eh.e_shoff) ==
            (ssize_t)(eh.e_shnum * sizeof *sh) &&
        (names = calloc(1, sh[eh.e_shstrndx].sh_size + 1)) != NULL &&
        pread(fd, names, sh[eh.e_shstrndx].sh_size, (off_t)sh[eh.e_shstrndx].sh_offset) ==
            (ssize_t)sh[eh.e_shstrndx].sh_size) {
        for (unsigned i = 1; i < eh.e_shnum; i++)
            keep_section(p, sh[i].sh_name < sh[eh.e_shstrndx].sh_size ? names + sh[i].sh_name
                                                                       : NULL, &sh[i]);
    }
    free(names);
    free(sh);
    close(fd);
}
#else
/* Reads the executable's allocated sections into p.  For another process
 * (p->bias unknown until now) the load bias is where its first PT_LOAD
 * segment was mapped (first_map: the exe's lowest mapping) less its vaddr. */
static void read_sections(sl__memmap_priv *p, const char *proc, uintptr_t first_map)
{
    int fd;
    char exe[64];
    Elf *e;
    Elf_Scn *scn = NULL;
    size_t shstrndx;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return;
    snprintf(exe, sizeof exe, "%s/exe", proc);
    fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    e = elf_begin(fd, ELF_C_READ, NULL);
    size_t nph;
    if (e && first_map && elf_getphdrnum(e, &nph) == 0) {
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD) {
                p->bias = first_map - (ph.p_vaddr & ~(uintptr_t)0xfff);
                break;
            }
        }
    }
    if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
        while ((scn = elf_nextscn(e, scn)) != NULL && p->nsections < SL__MAX_SECTIONS) {
            GElf_Shdr sh;
            if (gelf_getshdr(scn, &sh))
                keep_section(p, elf_strptr(e, shstrndx, sh.sh_name), &sh);
        }
    }
    if (e)
        elf_end(e);
    close(fd);
}
#endif

static const sl__section *find_section(const sl__memmap_priv *p, uintptr_t a)
{
    for (int i = 0; i < p->nsections; i++)
        if (a >= p->sections[i].start && a < p->sections[i].end)
            return &p->sections[i];
    return NULL;
}

/* The kind of address a in mapping r, whose own kind (kind_of) is base: in
 * the executable the section holding a, or the one below it in the same
 * mapping (the padding after a section is its own), decides, except that
 * a writable section in a read-only mapping is rodata: the dynamic linker
 * made it read-only after relocating it (RELRO: .data.rel.ro, .got,
 * .init_array, .dynamic).  Elsewhere the mapping's kind. */
static const char *kind_at(const sl__memmap_priv *p, const sl_region *r, const char *base,
                           uintptr_t a)
{
    const sl__section *below = NULL;

    for (int i = 0; i < p->nsections; i++) {
        const sl__section *s = &p->sections[i];
        if (s->start <= a && s->end > r->start && (!below || s->start >= below->start))
            below = s;
    }
    if (!below)
        return base;
    if (r->perms[1] != 'w' && (strcmp(below->kind, "data") == 0 || strcmp(below->kind, "bss") == 0))
        return "rodata";
    return below->kind;
}

/* The next address after a, before end, where a section of p begins. */
static uintptr_t next_section_start(const sl__memmap_priv *p, uintptr_t a, uintptr_t end)
{
    uintptr_t next = end;

    for (int i = 0; i < p->nsections; i++)
        if (p->sections[i].start > a && p->sections[i].start < next)
            next = p->sections[i].start;
    return next;
}

/* Where a mapping is, as its path and permissions say. */
static const char *kind_of(const sl_region *r, const sl__memmap_priv *p)
{
    const char *exe = p->exe;

    if (!r->path || strncmp(r->path, "[anon", 5) == 0)
        return r->perms[0] == '-' && r->perms[1] == '-' && r->perms[2] == '-' ? "guard" : "mmap";
    if (strcmp(r->path, "[heap]") == 0)
        return "heap";
    if (strncmp(r->path, "[stack", 6) == 0)
        return "stack";
    if (strcmp(r->path, "[vdso]") == 0)
        return "vdso";
    if (strcmp(r->path, "[vsyscall]") == 0)
        return "vsyscall";
    if (strncmp(r->path, "[vvar", 5) == 0)
        return "vvar";
    if (exe[0] && strcmp(r->path, exe) == 0 && loaded(p, r, 1))
        return r->perms[2] == 'x' ? "text" : r->perms[1] == 'w' ? "data" : "rodata";
    if (r->path[0] == '/' && loaded(p, r, 0))
        return "library";
    return "mmap";
}

/* Another process's loaded objects, from its maps: every file with an
 * executable mapping (the executable first), from its first mapping to its
 * last.  Two passes over f: which files, then where.  Returns the
 * executable's lowest mapping (for the load bias). */
static uintptr_t objects_from_maps(sl__memmap_priv *p, FILE *f)
{
    char line[4096];
    uintptr_t first_map = 0;
    char (*paths)[256] = calloc(SL__MAX_OBJECTS, sizeof *paths);
    if (!paths)
        return 0;
    p->nobjects = 1;                    /* [0]: the executable, named by p->exe */
    for (int pass = 0; pass < 2; pass++) {
        rewind(f);
        while (fgets(line, sizeof line, f)) {
            unsigned long start, end;
            char perms[8] = "";
            int pathpos = 0, k;
            if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &pathpos) < 3 ||
                pathpos <= 0 || line[pathpos] != '/')
                continue;
            line[strcspn(line, "\n")] = '\0';
            const char *path = line + pathpos;
            if (strcmp(p->exe, path) == 0)
                k = 0;
            else
                for (k = 1; k < p->nobjects && strcmp(paths[k], path) != 0; k++)
                    ;
            if (pass == 0) {
                if (k == p->nobjects && perms[2] == 'x' && k < SL__MAX_OBJECTS &&
                    strlen(path) < sizeof paths[0])
                    strcpy(paths[p->nobjects++], path);
                continue;
            }
            if (k == p->nobjects)
                continue;
            if (k == 0 && !first_map)
                first_map = start;
            if (!p->objects[k].start || start < p->objects[k].start)
                p->objects[k].start = start;
            if (end > p->objects[k].end)
                p->objects[k].end = end;
        }
    }
    rewind(f);
    free(paths);
    return first_map;
}

/* The stack pointers of the process's threads that the kernel can tell:
 * those blocked in it (see the top of this file).  Returns how many. */
static int thread_stack_pointers(const char *proc, uintptr_t *sp, int max)
{
    char dir[48];
    snprintf(dir, sizeof dir, "%s/task", proc);
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && n < max && (e = readdir(d)) != NULL) {
        char path[96], line[512];
        FILE *f;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "%s/%.20s/syscall", dir, e->d_name);
        f = fopen(path, "re");
        if (!f)
            continue;
        /* "NR arg1 .. arg6 SP PC", "-1 SP PC" or "running" */
        if (fgets(line, sizeof line, f) && strncmp(line, "running", 7) != 0) {
            char *last = NULL, *before = NULL, *save = NULL;
            for (char *t = strtok_r(line, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
                before = last;
                last = t;
            }
            if (before && strncmp(before, "0x", 2) == 0)
                sp[n++] = (uintptr_t)strtoull(before, NULL, 16);
        }
        fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* Appends region r to m, growing the array.  Returns it, or NULL. */
static sl_region *append(sl_memmap *m, int *cap, const sl_region *r)
{
    if (m->count == *cap) {
        sl_region *bigger = realloc(m->regions, (size_t)*cap * 2 * sizeof *bigger);
        if (!bigger)
            return NULL;
        m->regions = bigger;
        *cap *= 2;
    }
    m->regions[m->count] = *r;
    if (r->path && !(m->regions[m->count].path = strdup(r->path)))
        return NULL;
    return &m->regions[m->count++];
}

/* Adds mapping r, cut where its kind changes (see kind_at). */
static int add_mapping(sl_memmap *m, int *cap, const sl__memmap_priv *p, sl_region *r)
{
    const char *base = r->kind;
    bool exe = strcmp(base, "text") == 0 || strcmp(base, "data") == 0 ||
               strcmp(base, "rodata") == 0;
    bool anon_bss = strcmp(base, "mmap") == 0 && !r->path &&
                    (find_section(p, r->start) != NULL ||
                     next_section_start(p, r->start, r->end) < r->end);

    if (!exe && !anon_bss)
        return append(m, cap, r) ? 0 : -1;
    for (uintptr_t from = r->start; from < r->end; ) {
        sl_region piece = *r;
        uintptr_t to = from;

        piece.kind = kind_at(p, r, base, from);
        do
            to = next_section_start(p, to, r->end);
        while (to < r->end && strcmp(kind_at(p, r, base, to), piece.kind) == 0);
        piece.start = from;
        piece.end = to;
        piece.offset = r->offset + (from - r->start);
        if (!append(m, cap, &piece))
            return -1;
        from = to;
    }
    return 0;
}

/* Reads the maps of process pid (0: this one); here is an address in the
 * described thread's stack. */
static int read_process(sl_memmap *m, pid_t pid, uintptr_t here)
{
    FILE *f;
    char line[4096];
    sl__memmap_priv *p;
    int cap = 64, nsp;
    uintptr_t sp[256];

    if (!m) {
        errno = EINVAL;
        return -1;
    }
    memset(m, 0, sizeof *m);
    p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    char proc[32];
    if (pid > 0)
        snprintf(proc, sizeof proc, "/proc/%d", (int)pid);
    else
        snprintf(proc, sizeof proc, "/proc/self");
    char maps[48];
    snprintf(maps, sizeof maps, "%s/maps", proc);
    f = fopen(maps, "re");
    if (!f) {
        free(p);
        return -1;
    }
    m->priv = p;
    m->regions = malloc((size_t)cap * sizeof *m->regions);
    {
        char exe[48];
        snprintf(exe, sizeof exe, "%s/exe", proc);
        ssize_t n = readlink(exe, p->exe, sizeof p->exe - 1);
        p->exe[n > 0 ? n : 0] = '\0';
    }
    if (pid > 0) {
        read_sections(p, proc, objects_from_maps(p, f));
    } else {
        dl_iterate_phdr(objects_callback, p);
        read_sections(p, proc, 0);
    }
    sp[0] = here;                               /* the described thread's stack */
    nsp = 1 + thread_stack_pointers(proc, sp + 1, (int)(sizeof sp / sizeof sp[0]) - 1);
    while (m->regions && fgets(line, sizeof line, f)) {
        unsigned long start, end, offset, inode;
        char perms[8] = "", dev[16];
        int pathpos = 0;
        sl_region r;

        if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &start, &end, perms, &offset, dev,
                   &inode, &pathpos) < 6)
            continue;
        memset(&r, 0, sizeof r);
        r.start = start;
        r.end = end;
        memcpy(r.perms, perms, 4);
        r.perms[4] = '\0';
        r.offset = offset;
        r.inode = inode;
        line[strcspn(line, "\n")] = '\0';
        if (pathpos > 0 && line[pathpos])
            r.path = line + pathpos;            /* copied by append */
        r.kind = kind_of(&r, p);
        /* A thread's stack, whichever thread (not only the kernel's [stack]). */
        for (int i = 0; i < nsp && strcmp(r.kind, "mmap") == 0; i++)
            if (sp[i] >= r.start && sp[i] < r.end)
                r.kind = "stack";
        if (add_mapping(m, &cap, p, &r) < 0)
            break;
    }
    fclose(f);
    if (!m->regions) {
        sl_memmap_release(m);
        errno = ENOMEM;
        return -1;
    }
    return m->count;
}

int sl_memmap_read(sl_memmap *m)
{
    return read_process(m, 0, (uintptr_t)__builtin_frame_address(0));
}

int sl_memmap_read_target(sl_memmap *m, const sl_target *t)
{
    sl_regs r;
    if (!t || t->self || t->pid == getpid())
        return sl_memmap_read(m);
    if (sl_target_regs(t, &r) != 0)
        return -1;
    return read_process(m, t->pid, r.sp);
}

void sl_memmap_release(sl_memmap *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->count; i++)
        free((char *)m->regions[i].path);
    free(m->regions);
    free(m->priv);
    memset(m, 0, sizeof *m);
}

const sl_region *sl_memmap_find(const sl_memmap *m, const void *a)
{
    uintptr_t x = (uintptr_t)a;
    int lo = 0, hi = m ? m->count - 1 : -1;

    while (lo <= hi) {                  /* the regions are sorted by address */
        int mid = (lo + hi) / 2;
        if (x < m->regions[mid].start)
            hi = mid - 1;
        else if (x >= m->regions[mid].end)
            lo = mid + 1;
        else
            return &m->regions[mid];
    }
    return NULL;
}

/* The kind of the region that holds a: regions have one kind each. */
const char *sl_memmap_classify(const sl_memmap *m, const void *a)
{
    const sl_region *r = sl_memmap_find(m, a);
    return r ? r->kind : NULL;
}

const sl__memmap_priv *sl__memmap_priv_of(const sl_memmap *m)
{
    return m ? m->priv : NULL;
}
