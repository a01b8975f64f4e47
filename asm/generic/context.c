/*
 * context.c (generic): the jump of a throw, where there is no context.S
 * (see context.h beside this file).  __builtin_longjmp must not be called
 * from the function that saved, so it lives here, in a function of its own.
 */
#include <stacklab/except.h>
#include "context.h"

void sl__context_resume(const struct sl_context *ctx, int value)
{
    (void)value;                        /* a throw always resumes with 1 */
    SL__LONGJMP((void **)(uintptr_t)ctx->word);
}
