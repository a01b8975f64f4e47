/*
 * unwind_target.h: libunwind's view of a target (lib/unwind_target.c), so
 * that the CFI walk in lib/frames.c can step through another process's
 * frames with the same loop it uses for the calling thread.
 */
#ifndef SL_UNWIND_TARGET_H
#define SL_UNWIND_TARGET_H

#include <libunwind.h>      /* the generic API, as frames.c uses it */

#include <stacklab/target.h>

typedef struct sl_unwind_target sl_unwind_target;

/* An address space reading t's memory, with r as the registers of the
 * innermost frame (kept for the next walk of the same thread; one walk at a
 * time: close it when the walk is done).  NULL when out of memory or t
 * cannot be read. */
sl_unwind_target *sl__unwind_target_open(const sl_target *t, const sl_regs *r);

/* A cursor on the innermost frame.  Returns 0, or -1. */
int sl__unwind_target_cursor(sl_unwind_target *u, unw_cursor_t *c);

/* Ends the walk that opened u (NULL is fine). */
void sl__unwind_target_close(sl_unwind_target *u);

#endif
