/*
 * where.h: where `--at` means, in addresses of a launched program.
 *
 *   FUNCTION[:N]     where gdb's `break FUNCTION` stops: after the prologue
 *                    (libdw's dwarf_entry_breakpoints; without debug info,
 *                    the symbol's address past `push %rbp; mov %rsp,%rbp`);
 *   FILE:LINE[:N]    the first statement of LINE in each function holding it
 *                    (libdwfl's dwfl_module_getsrc_file).
 *
 * The program is read as loaded (libdwfl over /proc/PID/maps at its first
 * instruction), so the addresses include a PIE's load bias.
 */
#ifndef STACKLAB_CLI_WHERE_H
#define STACKLAB_CLI_WHERE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct where {
    uintptr_t *addrs;           /* breakpoint addresses */
    int count;
    long nth;                   /* stop at the Nth hit (1: the first) */
    char label[256];            /* "factorial" or "fact.c:12", for the title */
    int no_debug_info;          /* the program has no DWARF: names only */
    char error[512];            /* one sentence when where_resolve fails */
} where;

/* Resolves spec (FUNCTION[:N] or FILE:LINE[:N]) in process pid, stopped at
 * its first instruction.  Returns 0, or -1 with w->error set; a warning
 * (line moved, no debug info) goes to stderr. */
int where_resolve(where *w, const char *spec, pid_t pid);

/* Whether process pid's executable has debug information (DWARF). */
int where_has_debug_info(pid_t pid);

void where_release(where *w);

#endif
