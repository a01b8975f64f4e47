/*
 * try.h: the layouts sl__try_enter (context.S) reaches into, shared with C
 * (except.h defines the structs; lib/except.c checks these numbers).
 *
 *   sl__handlers (per thread)      sl__slot            sl__try (in the frame)
 *     +0  top                        +0  frame           +0    context
 *     +8  last                       +8  site            +256  phase
 *                                    +16 check (the context's saved rsp word)
 */
#ifndef SL_ARCH_TRY_H
#define SL_ARCH_TRY_H

#define SL_H_TOP        0
#define SL_H_LAST       8
#define SL_SLOT_FRAME   0
#define SL_SLOT_SITE    8
#define SL_SLOT_CHECK   16
#define SL_SLOT_SIZE    24
#define SL_TRY_PHASE    256

#endif
