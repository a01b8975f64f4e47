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

#endif
