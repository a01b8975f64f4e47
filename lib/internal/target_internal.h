/*
 * target_internal.h: what lib/target.c shares with the rest of the library.
 */
#ifndef SL_TARGET_INTERNAL_H
#define SL_TARGET_INTERNAL_H

#include <stdint.h>

/* The calling thread's stack bounds as sl_thread_stack_bounds last found
 * them (0, 0 before the first lookup): the capture's fast path compares its
 * own frame address with them before calling anything. */
extern __thread uintptr_t sl__self_stack_low, sl__self_stack_high;

#endif
