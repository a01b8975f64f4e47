/*
 * symbolize_internal.h: what lib/symbolize.c lends the variables reader
 * (lib/variables.c): the Dwfl of a process, compile-unit lookup, and the
 * check that there is stack enough for libdw.
 */
#ifndef SL_SYMBOLIZE_INTERNAL_H
#define SL_SYMBOLIZE_INTERNAL_H

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include <stacklab/frames.h>

/* 0 when s may be symbolized here, else the sl_symbolize_error why not
 * (NULL, or less than SL_SYMBOLIZE_STACK left on the stack we run on). */
int sl__symbolize_refused(const sl_stack *s);

/* The Dwfl describing process pid, locked for the caller until
 * sl__dwfl_release; NULL (and not locked) when it cannot be made.
 * sl__dwfl_generation changes whenever modules may have been freed. */
Dwfl *sl__dwfl_acquire(pid_t pid);
void sl__dwfl_release(void);
extern unsigned sl__dwfl_generation;

/* The compile unit of module mod holding address a (by .debug_aranges, or
 * by scanning the units when there are none, as with clang).  0, or -1. */
int sl__cu_of(Dwfl_Module *mod, uintptr_t a, Dwarf_Die *cudie, Dwarf_Addr *bias);

#endif
