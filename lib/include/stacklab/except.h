/*
 * stacklab/except.h: being written (see issue 3).  The handler-record part
 * below is already a contract: lib/dot.c draws the handler chain from it.
 */
#ifndef STACKLAB_EXCEPT_H
#define STACKLAB_EXCEPT_H

#include <stdint.h>
#include "stacklab/frames.h"

#pragma GCC visibility push(default)

/* What an active SL_TRY is doing now. */
typedef enum {
    SL_TRY_BODY,                /* running its body */
    SL_TRY_CATCH,               /* running a CATCH clause */
    SL_TRY_FINALLY              /* running its FINALLY clause */
} sl_try_state;

/* One active SL_TRY of the calling thread, as diagrams show it. */
typedef struct sl_handler_record {
    const char *file;           /* where the SL_TRY is written */
    int line;
    const char *function;
    uintptr_t sp;               /* the stack pointer its context saved: a throw
                                   lands in the frame that holds this address */
    uintptr_t resume_pc;        /* where a throw resumes (demangled) */
    sl_try_state state;
} sl_handler_record;

/* Copies up to max of the calling thread's active SL_TRY blocks into out,
 * innermost first.  Returns how many are active (may exceed max). */
int sl_handler_records(sl_handler_record *out, int max);

/* Sets SL_FRAME_TRY on each frame of s that holds an active SL_TRY of the
 * calling thread.  Returns the number of frames marked. */
int sl_stack_mark_handlers(sl_stack *s);

#pragma GCC visibility pop

#endif
