/*
 * stacklab/memmap.h: the process's address space, as the memory-management
 * lecture draws it.
 *
 * sl_memmap_read parses /proc/self/maps into regions and gives each a kind;
 * the executable's ELF section headers tell its text, rodata, data and bss
 * apart (data and bss can share a page, so permissions alone cannot).
 * Every region has one kind, and an address classifies as the kind of its
 * region: a mapping that holds two kinds is cut where the kind changes.
 *
 *     sl_memmap m;
 *     sl_memmap_read(&m);
 *     printf("%s\n", sl_memmap_classify(&m, &some_global));   // "data"
 *     sl_mark marks[] = { { "main", (void *)main }, { "x", &x } };
 *     sl_memmap_write_dot(&m, stdout, marks, 2);
 *     sl_memmap_release(&m);
 */
#ifndef STACKLAB_MEMMAP_H
#define STACKLAB_MEMMAP_H

#include <stdint.h>
#include <stdio.h>

#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {                    /* C names, also from C++ */
#endif

/* One line of /proc/self/maps, or the part of one that holds one kind (the
 * executable's rw- mapping is data up to .bss, then bss). */
typedef struct sl_region {
    uintptr_t start, end;       /* [start, end) */
    char perms[5];              /* "r-xp": read, write, execute, private/shared */
    const char *kind;           /* "text", "rodata", "data", "bss", "heap", "stack",
                                   "mmap", "library", "vdso", "vvar", "vsyscall" or
                                   "guard" (static strings); "stack" for every
                                   thread's stack the kernel can place (memmap.c);
                                   rodata includes what RELRO made read-only */
    const char *path;           /* file or "[heap]", "[stack]", ...; NULL: anonymous */
    uintptr_t offset;           /* file offset of start */
    unsigned long inode;
} sl_region;

/* A snapshot of the address space, regions in ascending order. */
typedef struct sl_memmap {
    sl_region *regions;
    int count;
    void *priv;                 /* private: strings and the executable's sections */
} sl_memmap;

/* A labelled address for the diagram ("main", &global, a malloc'd block). */
typedef struct sl_mark {
    const char *label;
    const void *address;
} sl_mark;

/* Reads /proc/self/maps, the executable's section headers and, to find
 * the other threads' stacks, /proc/self/task/TID/syscall.
 * Returns the number of regions, or -1 (errno set) when it cannot. */
int sl_memmap_read(sl_memmap *m);

/* The address space of target t's process (sl_target_ptrace: a thread of
 * another process, stopped), read and classified as sl_memmap_read does:
 * stacks are the mappings holding that thread's sp and the sp of each of
 * its other threads that is blocked or stopped (/proc/PID/task/TID/syscall).
 * For the calling thread the same as sl_memmap_read.  Returns the number of
 * regions, or -1 (errno set). */
struct sl_target;
int sl_memmap_read_target(sl_memmap *m, const struct sl_target *t);

/* Frees what m holds and zeroes it. */
void sl_memmap_release(sl_memmap *m);

/* What lives at address a: the kind of the region that holds it ("text",
 * "rodata", "data", "bss", "heap", "stack", "mmap", "library", "vdso",
 * "vvar", "vsyscall", "guard"), or NULL when a is not mapped. */
const char *sl_memmap_classify(const sl_memmap *m, const void *a);

/* The region that holds a, or NULL. */
const sl_region *sl_memmap_find(const sl_memmap *m, const void *a);

/* Writes the address space as a DOT digraph, top to bottom: kernel half,
 * stack, mmap area and libraries (one block per library), heap, bss, data,
 * rodata, text and the unmapped zero page, with sizes and the gaps between
 * them, and each of the n marks as a labelled arrow into its block.
 * Returns 0, or a negative sl_dot_error (dot.h). */
int sl_memmap_write_dot(const sl_memmap *m, FILE *out, const sl_mark *marks, int n);

/* Writes the same diagram to path: DOT for .dot/.gv, rendered by Graphviz
 * for .svg/.png/.pdf, atomically (see sl_stack_write_file), with title as its
 * caption (NULL: "The address space of this process").  Returns 0, or a
 * negative sl_dot_error (sl_dot_last_error says why). */
int sl_memmap_write_file(const sl_memmap *m, const char *path, const sl_mark *marks, int n,
                         const char *title);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif
