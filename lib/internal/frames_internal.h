/*
 * frames_internal.h: what lib/frames.c and lib/symbolize.c share.
 */
#ifndef SL_FRAMES_INTERNAL_H
#define SL_FRAMES_INTERNAL_H

#include <stacklab/frames.h>

/* Makes room for n frames in s->frames (keeping the first s->count).
 * Returns 0, or -1 when out of memory. */
int sl__stack_reserve(sl_stack *s, int n);

/* Frees the strings a symbolize pass stored in s->strings. */
void sl__strings_free(sl_stack *s);

/* Copies str (or reserves n 16-aligned bytes) into storage the stack owns,
 * freed with its strings.  NULL when out of memory. */
const char *sl__keep(sl_stack *s, const char *str);
void *sl__keep_bytes(sl_stack *s, size_t n);

/* The address to look a frame up by: its pc when exact (interrupted, the
 * signal trampoline), else the call instruction's (pc - 1). */
uintptr_t sl__frame_lookup_pc(const sl_frame *f);

/* Where a variable is, in a few words: "CFA-20", "in rbx", "computed",
 * "optimized out: not live at this pc", "static 0x4010" (variables.c). */
size_t sl__variable_place(const sl_frame *f, const sl_variable *v, char *buf, size_t size);

#endif
